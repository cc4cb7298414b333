import AuditTrail
import Foundation
import GRDB
import KioskCore
import KioskSecurity

/// What the append-only audit trail records; never personal data.
public enum AuditEvent: String, Sendable, CaseIterable {
    case submitted, printed, printFailed = "print_failed", forwarded, acknowledged, setAside = "set_aside"
    case decided, purged, assistantLogin = "assistant_login", assistantLoginFailed = "assistant_login_failed"
    case assistantLogout = "assistant_logout"
    case assistantLocked = "assistant_locked", catalogApplied = "catalog_applied", centerKeyChanged = "center_key_changed"
    case noticeReceived = "notice_received", noticePrinted = "notice_printed", rated
}

/// One entry of the audit trail.
public struct AuditEntry: Sendable, Hashable {
    public var sequence: Int64
    public var at: Date
    public var event: String
    public var receipt: String?
    public var detail: String
}

/// The hash-chained audit trail in the kiosk database.
public enum AuditLog {
    /// Appends an entry inside the caller's transaction, chained to the previous one.
    static func append(_ event: AuditEvent, receipt: String?, detail: String = "", at: Date, in db: Database) throws {
        let (count, previous) = try head(db)
        let sequence = count + 1
        let seconds = Int64(at.timeIntervalSince1970)
        let body = canonicalBody(sequence: sequence, at: seconds, event: event.rawValue, receipt: receipt, detail: detail)
        let hash = HashChain.link(previous: previous.isEmpty ? nil : previous, entry: body)
        try db.cachedStatement(sql: "INSERT INTO auditEntry (sequence, at, event, receipt, detail, previousHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [sequence, seconds, event.rawValue, receipt, detail, previous, hash])
    }

    static func canonicalBody(sequence: Int64, at: Int64, event: String, receipt: String?, detail: String) -> Data {
        Data("\(sequence)\u{1F}\(at)\u{1F}\(event)\u{1F}\(receipt ?? "")\u{1F}\(detail)".utf8)
    }

    /// Checks the whole chain, and against its signed head when the database has an anchor; the
    /// verdict names the first bad entry, or how the chain differs from its signed head.
    public static func verify(_ database: AppDatabase) throws -> ChainVerdict {
        // The signed head first: an entry appended meanwhile only extends it.
        let anchored = database.anchor.map { anchor in Result { () throws(AuditAnchorError) in try anchor.read() } }
        let rows = try database.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM auditEntry ORDER BY rowid") }
        let entries = rows.map { row in
            let sequence: Int64 = row["sequence"]
            let body = canonicalBody(sequence: sequence, at: row["at"], event: row["event"], receipt: row["receipt"], detail: row["detail"])
            return ChainEntry(sequence: sequence, previousHash: row["previousHash"], hash: row["hash"], body: body)
        }
        guard let anchor = database.anchor, let anchored else { return HashChain.verify(entries) }
        return anchor.verify(entries, against: anchored)
    }

    /// Where the trail lives.
    static let table = AuditTable(name: "auditEntry", sequence: "sequence")

    /// The number of entries and the last hash (empty when there are none).
    static func head(_ db: Database) throws -> (count: Int64, head: Data) {
        try table.head(db)
    }

    /// The most recent entries, newest last.
    public static func recent(_ database: AppDatabase, limit: Int = 50) throws -> [AuditEntry] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEntry ORDER BY sequence DESC LIMIT ?", arguments: [limit]).reversed().map {
                AuditEntry(sequence: $0["sequence"], at: Date(timeIntervalSince1970: TimeInterval($0["at"] as Int64)), event: $0["event"], receipt: $0["receipt"], detail: $0["detail"])
            }
        }
    }
}
