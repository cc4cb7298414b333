import Backups
import Foundation
import KioskSecurity

extension StationFiles {
    /// What `kiosk backup` writes and `kiosk restore` accepts.
    public static let backupKind = "kiosk"

    /// Copies this data directory to `destination` (new or empty) while the kiosk may go on
    /// submitting: the audit trail's signed head first, then the queue database online, then the
    /// keys and catalogs. Print jobs waiting in `spool/` are left out (reprint from the queue).
    public func backup(to destination: String, now: Date) throws -> DataBackup.Manifest {
        // The signed head as of the last commit: a move still queued would copy an older one.
        AuditAnchor.settle()
        let queue = try openQueue()
        return try DataBackup.take(
            kind: Self.backupKind, of: dataDirectory, database: (databasePath as NSString).lastPathComponent,
            reader: queue.database.writer, first: [(auditAnchorPath as NSString).lastPathComponent],
            excluded: [(spoolDirectory as NSString).lastPathComponent], to: destination, now: now)
    }

    /// Restores the backup at `source` into this data directory, which must be new or empty: every
    /// file checked against the manifest, and the copy's audit trail verified against its signed
    /// head before it is put in place.
    public func restore(from source: String) throws(DataBackup.Failure) -> DataBackup.Manifest {
        try DataBackup.restore(kind: Self.backupKind, from: source, into: dataDirectory) { folder in
            do {
                let verdict = try AuditLog.verify(try StationFiles(dataDirectory: folder).openQueue().database)
                return verdict.isIntact ? nil : "audit trail: \(verdict)"
            } catch {
                return "the queue does not open: \(error)"
            }
        }
    }
}
