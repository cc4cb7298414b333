import Foundation
import GRDB
import KioskCore
import KioskSecurity

/// The kiosk's one SQLite database (WAL, `synchronous = FULL`), owning its `DatabaseWriter`.
public struct AppDatabase: Sendable {
    /// The writer every access goes through.
    public let writer: any DatabaseWriter
    /// The signed head of the audit trail, moved on after every commit that appends to it; nil
    /// when the database was opened without the station's key.
    public let anchor: AuditAnchor?

    /// Opens (creating and migrating) the database file at `path`; with `anchor`, the audit
    /// trail's signed head follows every commit that appends to it.
    public static func open(at path: String, anchor: AuditAnchor? = nil) throws(StoreError) -> AppDatabase {
        var config = Configuration()
        // Another process (the forwarder, the text-mode kiosk) may hold the write lock for a moment.
        config.busyMode = .timeout(15)
        config.prepareDatabase { db in
            // Purged payloads are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // Every commit synced to disk. Set here, not in prepareDatabase: the pool turns WAL
            // on after that and with it `synchronous = NORMAL`, which may lose the last commits
            // (receipts already printed) when the power fails.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            let database = AppDatabase(writer: pool, anchor: anchor)
            try migrator.migrate(pool)
            if let anchor { pool.add(transactionObserver: AuditLog.table.anchoring(anchor, in: pool), extent: .databaseLifetime) }
            return database
        } catch {
            throw StoreError(error, path: path)
        }
    }

    /// Every schema change, registered in one place.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: submissions, receipt counters, audit log, settings") { db in
            try db.create(table: "submission") { t in
                t.primaryKey("uuid", .text)
                t.column("receipt", .text).notNull().unique()
                t.column("station", .text).notNull()
                t.column("matter", .text).notNull()
                t.column("catalogVersion", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("assistantID", .text)
                t.column("createdAt", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("decision", .text)
                t.column("decisionReason", .text)
                t.column("decidedAt", .integer)
                t.column("receiptPrint", .text).notNull()
                t.column("formPrint", .text).notNull()
                t.column("applicantMasked", .text).notNull()
                t.column("receiptQR", .text).notNull()
                t.column("payloadDigest", .blob).notNull()
                t.column("sealedKeyID", .text).notNull()
                t.column("sealed", .blob)
                t.column("forwardAttempts", .integer).notNull().defaults(to: 0)
                t.column("lastError", .text)
                t.column("acknowledgedAt", .integer)
                t.column("purgedAt", .integer)
            }
            // Each index serves one query of `queue list` / `queue stats` without scanning the table.
            try db.create(index: "submission_on_createdAt", on: "submission", columns: ["createdAt"])
            try db.create(index: "submission_on_state_createdAt", on: "submission", columns: ["state", "createdAt"])
            try db.create(index: "submission_on_decision", on: "submission", columns: ["decision"], condition: Column("decision") != nil)
            try db.create(
                index: "submission_not_printed", on: "submission", columns: ["receipt"],
                condition: Column("receiptPrint") == "failed" || Column("formPrint") == "failed")
            try db.create(index: "submission_purged", on: "submission", columns: ["purgedAt"], condition: Column("purgedAt") != nil)
            try db.create(table: "receiptCounter") { t in
                t.column("station", .text).notNull()
                t.column("day", .text).notNull()
                t.column("last", .integer).notNull()
                t.primaryKey(["station", "day"])
            }
            try db.create(table: "auditEntry") { t in
                t.primaryKey("sequence", .integer)
                t.column("at", .integer).notNull()
                t.column("event", .text).notNull()
                t.column("receipt", .text)
                t.column("detail", .text).notNull()
                t.column("previousHash", .blob).notNull()
                t.column("hash", .blob).notNull()
            }
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2: village assistants") { db in
            try db.create(table: "assistant") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("pinHash", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
        }
        migrator.registerMigration("v3: case workflow progress") { db in
            try db.alter(table: "submission") { t in
                t.add(column: "caseState", .text)
                t.add(column: "caseDue", .text)
                t.add(column: "caseDueEstimated", .boolean)
                t.add(column: "caseMissing", .text)
                t.add(column: "caseGoTo", .text)
            }
        }
        migrator.registerMigration("v4: the town's notices") { db in
            // Notices the town issued on this station's submissions (applicant masked), for the
            // assistant to print, and when one was printed and that print reported to the center.
            try db.create(table: "notice") { t in
                t.primaryKey("number", .text)
                t.column("uuid", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("document", .blob).notNull()
                t.column("receivedAt", .integer).notNull()
                t.column("printedAt", .integer)
                t.column("printedBy", .text)
                t.column("reportedAt", .integer)
            }
        }
        migrator.registerMigration("v5: residents' ratings") { db in
            // One rating per application (a later one replaces it), and when it was last sent to the town.
            try db.create(table: "rating") { t in
                t.primaryKey("uuid", .text)
                t.column("level", .integer).notNull()
                t.column("reasons", .text).notNull()
                t.column("ratedAt", .integer).notNull()
                t.column("sentAt", .integer)
            }
        }
        return migrator
    }
}

/// A storage failure, with what to tell the resident and what to tell the assistant.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        case diskFull
        case corrupt
        case readOnly
        case io
        /// Every receipt number of the day has been issued (the sequence has four digits).
        case receiptNumbersUsedUp
        case other
    }

    public var kind: Kind
    /// The database or file involved.
    public var path: String
    /// The underlying error, for the assistant and the log (never holds personal data).
    public var detail: String

    init(_ error: any Error, path: String) {
        self.path = path
        if let e = error as? StoreError {
            self = e
            return
        }
        detail = "\(error)"
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_FULL: kind = .diskFull
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: kind = .corrupt
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: kind = .readOnly
            case .SQLITE_IOERR: kind = .io
            default: kind = .other
            }
        } else {
            kind = (error as NSError).code == Int(ENOSPC) ? .diskFull : .other
        }
    }

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// Why, for the screens' words.
    public var reason: FailureReason {
        switch kind {
        case .diskFull: .diskFull
        case .receiptNumbersUsedUp: .receiptNumbersUsedUp
        default: .storeFailed
        }
    }

    public var description: String {
        switch kind {
        case .diskFull: "the disk holding \(path) is full; nothing was saved (\(detail))"
        case .corrupt: "the database \(path) is damaged (\(detail))"
        case .readOnly: "cannot write \(path) (\(detail))"
        case .io: "input/output error on \(path) (\(detail))"
        case .receiptNumbersUsedUp: "\(detail); nothing was saved in \(path) (numbering starts again tomorrow)"
        case .other: "database error on \(path): \(detail)"
        }
    }
}
