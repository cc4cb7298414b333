import FileSystem
import Foundation
import KioskConfig
import SyncProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Applies signed catalog bundles to a station's data directory atomically: the files go to a
/// new folder under `catalogs/`, are checked with the kiosk's loader, and the `catalog` symbolic
/// link is swapped to it with one `rename`.
public struct CatalogInstaller: Sendable {
    /// The station's data directory.
    public let dataDirectory: String

    /// An installer for `dataDirectory`.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// The `catalog` link the kiosk reads the applied catalog through.
    public var currentPath: String { dataDirectory + "/catalog" }

    /// Verifies `bundle` with `verifier`, writes and checks it, then swaps it in; returns its folder.
    @discardableResult
    public func install(_ bundle: CatalogBundle, verifier: CenterVerifier) throws(SyncError) -> String {
        let files: [(path: String, bytes: Data)]
        do {
            files = try bundle.verifiedFiles(with: verifier)
        } catch {
            throw .catalogRefused(error.description)
        }
        let name = "catalogs/\(safeName(bundle.version))-\(UUID().uuidString.prefix(8))"
        let folder = URL(fileURLWithPath: dataDirectory).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("matters"), withIntermediateDirectories: true)
            for file in files {
                try DurableFile.write(file.bytes, to: folder.appendingPathComponent(file.path).path)
            }
            try DurableFile.syncDirectory(folder.path)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw .io(path: folder.path, detail: String(describing: error))
        }
        do {
            _ = try CatalogLoader.load(directory: folder)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw .catalogRefused("the signed catalog does not load: \(error.description)")
        }
        let link = currentPath + ".new-\(getpid())"
        unlink(link)
        guard symlink(name, link) == 0 else { throw .io(path: link, detail: String(cString: strerror(errno))) }
        guard rename(link, currentPath) == 0 else { throw .io(path: currentPath, detail: String(cString: strerror(errno))) }
        do {
            try DurableFile.syncDirectory(dataDirectory)
        } catch {
            throw .io(path: dataDirectory, detail: error.reason)
        }
        return folder.path
    }

    private func safeName(_ version: String) -> String {
        String(version.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(40))
    }
}
