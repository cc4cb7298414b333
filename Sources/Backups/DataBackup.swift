@preconcurrency import Crypto
import FileSystem
import Foundation
import GRDB

/// A copy of a data directory to move to a new machine: its database copied online (a consistent
/// snapshot while writers go on), every other file as it is, and a manifest of their digests written
/// last, so that a folder without one is a backup that did not finish.
public enum DataBackup {
    /// The manifest's file name in a backup folder.
    public static let manifestName = "backup-manifest.json"

    /// What a backup holds: each file's path, size, SHA-256 and mode, or a link's target.
    public struct Manifest: Codable, Sendable, Equatable {
        /// What took it (`kiosk`, `towncenter`), so that the other does not restore it.
        public var kind: String
        /// When it was taken, Unix seconds.
        public var takenAt: Int64
        /// The database's path inside the folder.
        public var database: String
        /// Every file and link, database included.
        public var entries: [Entry]

        /// One file or link.
        public struct Entry: Codable, Sendable, Equatable {
            /// Its path relative to the folder.
            public var path: String
            /// A file's size in bytes.
            public var size: Int64?
            /// A file's SHA-256, hex.
            public var sha256: String?
            /// A file's permission bits.
            public var mode: UInt16?
            /// A symbolic link's (relative) target.
            public var link: String?

            /// A file's entry (size, digest, mode) or a link's (target).
            public init(path: String, size: Int64? = nil, sha256: String? = nil, mode: UInt16? = nil, link: String? = nil) {
                self.path = path
                self.size = size
                self.sha256 = sha256
                self.mode = mode
                self.link = link
            }
        }
    }

    /// Why a backup or a restore did not complete.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The folder to write into exists and is not empty.
        case notEmpty(String)
        /// A file could not be read.
        case unreadable(path: String, reason: String)
        /// A file could not be written.
        case write(DurableFile.Failure)
        /// SQLite's online backup failed.
        case database(String)
        /// The folder has no manifest, or one that is not readable: not a finished backup.
        case noManifest(String)
        /// The backup was taken by another program.
        case otherKind(expected: String, found: String)
        /// A file is missing or differs from its digest, or the manifest names a path outside the folder.
        case damaged(path: String)
        /// The restored copy did not pass its owner's check.
        case refused(String)

        public var description: String {
            switch self {
            case .notEmpty(let path): "\(path) exists and is not empty: restore into a new or empty folder"
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .write(let failure): failure.description
            case .database(let reason): "database backup failed: \(reason)"
            case .noManifest(let path): "\(path) has no readable \(DataBackup.manifestName): not a finished backup"
            case .otherKind(let expected, let found): "this is a \(found) backup, not a \(expected) one"
            case .damaged(let path): "\(path) is missing or damaged in the backup"
            case .refused(let reason): "the restored copy was not put in place: \(reason)"
            }
        }
    }

    /// Copies the data directory `source` into `destination` (created 0700; it must be new or empty):
    /// the files named in `first` (relative paths), then the database at `database` through `reader`,
    /// then every other file and link except the database's own files and `excluded` top-level names,
    /// each written atomically; the manifest last.
    public static func take(
        kind: String, of source: String, database: String, reader: any DatabaseReader, first: [String],
        excluded: Set<String>, to destination: String, now: Date
    ) throws(Failure) -> Manifest {
        try createEmpty(destination)
        var entries: [Manifest.Entry] = []
        for path in first where FileManager.default.fileExists(atPath: source + "/" + path) {
            entries.append(try copyFile(path, from: source, to: destination))
        }
        let snapshot = destination + "/.\(database).partial"
        do {
            let copy = try DatabaseQueue(path: snapshot)
            try reader.backup(to: copy)
            try copy.close()
        } catch {
            try? FileManager.default.removeItem(atPath: snapshot)
            throw .database(String(describing: error))
        }
        defer { try? FileManager.default.removeItem(atPath: snapshot) }
        do {
            try DurableFile.copy(snapshot, to: destination + "/" + database, mode: 0o600)
        } catch {
            throw .write(error)
        }
        entries.append(try describeFile(database, in: destination))
        let skipped = Set(first).union([database, database + "-wal", database + "-shm", database + "-journal"])
        for path in try walk(source, excluding: excluded.union(skipped)) {
            entries.append(try copyEntry(path, from: source, to: destination))
        }
        let manifest = Manifest(kind: kind, takenAt: Int64(now.timeIntervalSince1970), database: database, entries: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try DurableFile.write(try encoder.encode(manifest), to: destination + "/" + manifestName, mode: 0o600)
        } catch let error as DurableFile.Failure {
            throw .write(error)
        } catch {
            throw .unreadable(path: manifestName, reason: String(describing: error))
        }
        return manifest
    }

    /// Reads and checks the backup at `source` (a manifest of `kind`, every file present with its
    /// digest) and copies it into `destination` (new or empty) through a sibling folder renamed into
    /// place, so that a failed restore leaves nothing half-done. `check` looks at the copy before
    /// the rename and refuses it by returning a reason.
    public static func restore(
        kind: String, from source: String, into destination: String, check: (_ folder: String) -> String?
    ) throws(Failure) -> Manifest {
        let manifest = try readManifest(source)
        guard manifest.kind == kind else { throw .otherKind(expected: kind, found: manifest.kind) }
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: destination), !contents.isEmpty {
            throw .notEmpty(destination)
        }
        let staging = destination + ".restoring-\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        try createEmpty(staging)
        do throws(Failure) {
            for entry in manifest.entries {
                guard isInside(entry.path) else { throw .damaged(path: entry.path) }
                if let target = entry.link {
                    guard isInside(target) else { throw .damaged(path: entry.path) }
                    try link(entry.path, to: target, in: staging)
                    continue
                }
                let copied = try copyFile(entry.path, from: source, to: staging, mode: entry.mode.map { mode_t($0) })
                guard copied.sha256 == entry.sha256, copied.size == entry.size else { throw .damaged(path: entry.path) }
            }
            if let reason = check(staging) { throw .refused(reason) }
            // An empty destination folder is replaced by the restored one.
            _ = rmdir(destination)
            guard rename(staging, destination) == 0 else {
                throw .write(DurableFile.Failure(path: destination, step: .rename, code: errno))
            }
            let parent = (destination as NSString).deletingLastPathComponent
            do {
                try DurableFile.syncDirectory(parent.isEmpty ? "." : parent)
            } catch {
                throw .write(error)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return manifest
    }

    /// The manifest of the backup folder at `source`.
    public static func readManifest(_ source: String) throws(Failure) -> Manifest {
        guard let data = FileManager.default.contents(atPath: source + "/" + manifestName),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { throw .noManifest(source) }
        return manifest
    }

    /// Creates `path` with mode 0700, or accepts it when it exists and is empty.
    private static func createEmpty(_ path: String) throws(Failure) {
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: path) {
            guard contents.isEmpty else { throw .notEmpty(path) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unreadable(path: path, reason: "cannot create: \(error.localizedDescription)")
        }
    }

    /// Every file and link under `root` (relative paths, sorted), skipping `excluded` top-level names and hidden temporary files.
    private static func walk(_ root: String, excluding excluded: Set<String>) throws(Failure) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw .unreadable(path: root, reason: "not a folder")
        }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            let top = String(path.split(separator: "/").first ?? "")
            if excluded.contains(top) || (path as NSString).lastPathComponent.hasPrefix(".") {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if type == .typeRegular || type == .typeSymbolicLink { paths.append(path) }
        }
        return paths.sorted()
    }

    /// Copies the file or link at `path` (relative) from `source` into `destination`.
    private static func copyEntry(_ path: String, from source: String, to destination: String) throws(Failure) -> Manifest.Entry {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: source + "/" + path) {
            guard isInside(target) else { throw .damaged(path: path) }
            try link(path, to: target, in: destination)
            return Manifest.Entry(path: path, link: target)
        }
        return try copyFile(path, from: source, to: destination)
    }

    /// Makes `path` (relative) inside `root` a symbolic link to `target`.
    private static func link(_ path: String, to target: String, in root: String) throws(Failure) {
        try makeParent(of: path, in: root)
        guard symlink(target, root + "/" + path) == 0 else {
            throw .write(DurableFile.Failure(path: root + "/" + path, step: .link, code: errno))
        }
    }

    /// Copies the regular file at `path` (relative) with its mode (or `mode`), durably; its entry.
    private static func copyFile(_ path: String, from source: String, to destination: String, mode: mode_t? = nil) throws(Failure) -> Manifest.Entry {
        let from = source + "/" + path
        let bits: mode_t
        if let mode {
            bits = mode & 0o777
        } else {
            var status = stat()
            guard stat(from, &status) == 0 else { throw .unreadable(path: from, reason: String(cString: strerror(errno))) }
            bits = status.st_mode & 0o777
        }
        try makeParent(of: path, in: destination)
        do {
            try DurableFile.copy(from, to: destination + "/" + path, mode: bits)
        } catch {
            throw error.step == .open || error.step == .read ? .damaged(path: path) : .write(error)
        }
        return try describeFile(path, in: destination)
    }

    /// The entry of the file at `path` inside `folder`: size, SHA-256 and mode.
    private static func describeFile(_ path: String, in folder: String) throws(Failure) -> Manifest.Entry {
        let full = folder + "/" + path
        guard let handle = FileHandle(forReadingAtPath: full) else { throw .unreadable(path: full, reason: "cannot open") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw .unreadable(path: full, reason: String(describing: error))
        }
        var status = stat()
        guard stat(full, &status) == 0 else { throw .unreadable(path: full, reason: String(cString: strerror(errno))) }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return Manifest.Entry(path: path, size: size, sha256: digest, mode: UInt16(status.st_mode & 0o777))
    }

    /// Creates the folders above `path` (relative) inside `root`, mode 0700.
    private static func makeParent(of path: String, in root: String) throws(Failure) {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: root + "/" + parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unreadable(path: root + "/" + parent, reason: "cannot create: \(error.localizedDescription)")
        }
    }

    /// Whether a relative path stays inside its folder (no absolute path, no `..`).
    private static func isInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }
}
