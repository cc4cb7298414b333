@preconcurrency import Crypto
import Foundation
import SyncClient
import SyncProtocol
import Testing
import TestSupport

@Suite("Applying a catalog bundle")
struct CatalogInstallerTests {
    let signer = CenterSigner(key: Curve25519.Signing.PrivateKey())
    let demo = packageRoot.appendingPathComponent("kiosk-config/catalog")

    func bundle(version: String = "2026.11.1", edit: ((inout [(path: String, bytes: Data)]) -> Void)? = nil) throws -> CatalogBundle {
        var files: [(path: String, bytes: Data)] = [("catalog.yaml", try Data(contentsOf: demo.appendingPathComponent("catalog.yaml")))]
        for name in try FileManager.default.contentsOfDirectory(atPath: demo.appendingPathComponent("matters").path).sorted() {
            files.append(("matters/" + name, try Data(contentsOf: demo.appendingPathComponent("matters/" + name))))
        }
        edit?(&files)
        return try CatalogBundle.signed(version: version, publishedAt: 0, files: files, signer: signer)
    }

    @Test("a verified bundle is swapped in; altered, foreign or unloadable ones leave the current catalog untouched")
    func install() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let installer = CatalogInstaller(dataDirectory: directory.path)
        let first = try installer.install(try bundle(), verifier: signer.verifier)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: installer.currentPath).hasPrefix("catalogs/2026.11.1-"))
        #expect(FileManager.default.fileExists(atPath: installer.currentPath + "/matters/YB-GG-01.yaml"))

        var altered = try bundle(version: "2026.12.1")
        altered.files[1] = CatalogBundle.File(path: altered.files[1].path, bytes: Data("code: EVIL\n".utf8))
        #expect(throws: SyncError.self) { try installer.install(altered, verifier: signer.verifier) }
        let foreign = try CatalogBundle.signed(
            version: "2026.12.1", publishedAt: 0, files: [("catalog.yaml", Data())], signer: CenterSigner(key: .init()))
        #expect(throws: SyncError.self) { try installer.install(foreign, verifier: signer.verifier) }
        let broken = try bundle(version: "2026.12.1") { files in files[1].bytes = Data("code: [unclosed".utf8) }
        #expect(throws: SyncError.self) { try installer.install(broken, verifier: signer.verifier) }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: installer.currentPath) == "catalogs/" + URL(fileURLWithPath: first).lastPathComponent)

        _ = try installer.install(try bundle(version: "2026.12.1"), verifier: signer.verifier)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: installer.currentPath).hasPrefix("catalogs/2026.12.1-"))
    }
}
