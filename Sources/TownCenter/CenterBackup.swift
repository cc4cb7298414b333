import Backups
import Foundation
import KioskSecurity

extension Center {
    /// What `towncenter backup` writes and `towncenter restore` accepts.
    public static let backupKind = "towncenter"

    /// Copies the data directory to `destination` (new or empty) while the center serves: the
    /// database online (a consistent snapshot). The keys are not in it: they are backed up offline
    /// (docs/center-keys.md), and the data opens nothing without them.
    public func backup(to destination: String) throws(DataBackup.Failure) -> DataBackup.Manifest {
        // The signed head as of the last commit: a move still queued would copy an older one.
        AuditAnchor.settle()
        return try DataBackup.take(
            kind: Self.backupKind, of: directory.url.path, database: (directory.database as NSString).lastPathComponent,
            reader: database.writer, first: [], excluded: [], to: destination, now: clock.now())
    }

    /// Restores the backup at `source` into `directory`'s data folder, which must be new or empty:
    /// every file checked against the manifest, and the copy opened with `directory`'s keys and its
    /// audit trail's links checked before it is put in place. A backup older than the signed head
    /// beside the keys then shows as a trail cut short in `towncenter audit verify`, as it is.
    public static func restore(from source: String, into directory: CenterDirectory) throws(DataBackup.Failure) -> DataBackup.Manifest {
        try DataBackup.restore(kind: backupKind, from: source, into: directory.url.path) { folder in
            do {
                let center = try Center.open(dataDirectory: folder, keysDirectory: directory.keys.path)
                let entries = try center.database.writer.read { db in try CenterDatabase.auditEntries(db) }
                let links = HashChain.verify(entries)
                guard links.isIntact else { return "audit trail: \(links)" }
                // The signed head beside the keys is usually ahead of a backup; where the backup
                // holds its entry, the two must agree, or the keys are another center's.
                if let head = try center.database.anchor.read(), head.count > 0, head.count <= entries.count,
                   entries[Int(head.count) - 1].hash != head.head {
                    return "the database does not open with the keys in \(directory.keys.path): its audit trail is not the one they signed"
                }
                return nil
            } catch {
                return "the database does not open with the keys in \(directory.keys.path): \(error)"
            }
        }
    }
}
