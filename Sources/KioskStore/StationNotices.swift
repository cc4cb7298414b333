import Foundation
import GRDB
import KioskCore

/// A written notice of the town on one of this station's submissions, as the station keeps it.
public struct StoredNotice: Sendable, Hashable {
    /// The notice's number.
    public var number: String
    /// The submission it belongs to.
    public var uuid: UUID
    /// The submission's receipt number.
    public var receipt: String
    /// Its kind (`NoticeKind`'s raw value).
    public var kind: String
    /// The notice as the center sent it (the applicant masked).
    public var notice: StationNotice
    /// When it arrived.
    public var receivedAt: Date
    /// When it was printed for the resident; nil until then.
    public var printedAt: Date?
    /// The assistant signed in when it was printed.
    public var printedBy: String?
}

/// A print of a notice the center has not yet been told of.
public struct UnreportedNoticePrint: Sendable, Hashable {
    public var number: String
    public var uuid: UUID
    public var printedAt: Date
    public var printedBy: String?
}

extension SubmissionQueue {
    /// Keeps a notice of the town for `uuid`'s submission (once: the same number again changes nothing);
    /// returns whether it was new. A notice for a submission this station does not hold is dropped.
    @discardableResult
    public func keepNotice(_ notice: StationNotice, uuid: UUID, at: Date) throws(StoreError) -> Bool {
        let (number, kind, title) = (notice.number, notice.kind, notice.title)
        return try write { db in
            let document = try JSONEncoder().encode(notice)
            guard let receipt = try String.fetchOne(db, sql: "SELECT receipt FROM submission WHERE uuid = ?", arguments: [uuid.uuidString]),
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM notice WHERE number = ?", arguments: [number]) != true
            else { return false }
            try db.execute(
                sql: "INSERT INTO notice (number, uuid, kind, title, document, receivedAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [number, uuid.uuidString, kind, title, document, Int64(at.timeIntervalSince1970)])
            try AuditLog.append(.noticeReceived, receipt: receipt, detail: "\(kind) \(number)", at: at, in: db)
            return true
        }
    }

    /// The notices of the submission with `receipt` (all notices when nil), oldest first.
    public func notices(receipt: String? = nil) throws(StoreError) -> [StoredNotice] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT n.*, s.receipt FROM notice n JOIN submission s ON s.uuid = n.uuid
                    WHERE ? IS NULL OR s.receipt = ? ORDER BY n.receivedAt, n.number
                    """,
                arguments: [receipt, receipt]
            ).compactMap(Self.notice)
        }
    }

    /// The notice numbered `number`, if this station holds it.
    public func notice(number: String) throws(StoreError) -> StoredNotice? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT n.*, s.receipt FROM notice n JOIN submission s ON s.uuid = n.uuid WHERE n.number = ?", arguments: [number]
            ).flatMap(Self.notice)
        }
    }

    /// Records that `number` was printed for the resident (by `assistant`), to report to the center;
    /// a notice printed again keeps its first print.
    public func markNoticePrinted(_ number: String, by assistant: String?, at: Date) throws(StoreError) {
        try write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT s.receipt, n.printedAt FROM notice n JOIN submission s ON s.uuid = n.uuid WHERE n.number = ?",
                arguments: [number])
            else { return }
            if (row["printedAt"] as Int64?) == nil {
                try db.execute(
                    sql: "UPDATE notice SET printedAt = ?, printedBy = ? WHERE number = ?",
                    arguments: [Int64(at.timeIntervalSince1970), assistant, number])
            }
            try AuditLog.append(.noticePrinted, receipt: row["receipt"], detail: number, at: at, in: db)
        }
    }

    /// Prints not yet reported to the center, oldest first, at most `limit`.
    public func unreportedNoticePrints(limit: Int) throws(StoreError) -> [UnreportedNoticePrint] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, uuid, printedAt, printedBy FROM notice WHERE printedAt IS NOT NULL AND reportedAt IS NULL ORDER BY printedAt LIMIT ?",
                arguments: [limit]
            ).map { row in
                UnreportedNoticePrint(
                    number: row["number"], uuid: UUID(uuidString: row["uuid"]) ?? UUID(),  // written by keepNotice from a UUID
                    printedAt: Date(timeIntervalSince1970: TimeInterval(row["printedAt"] as Int64)), printedBy: row["printedBy"])
            }
        }
    }

    /// Marks the prints of `numbers` as reported.
    public func markNoticePrintsReported(_ numbers: [String], at: Date) throws(StoreError) {
        try write { db in
            for number in numbers {
                try db.execute(sql: "UPDATE notice SET reportedAt = ? WHERE number = ?", arguments: [Int64(at.timeIntervalSince1970), number])
            }
        }
    }

    /// The stored row as a notice; nil when its document does not read (never written so by `keepNotice`).
    private static func notice(_ row: Row) -> StoredNotice? {
        guard let uuid = UUID(uuidString: row["uuid"]), let notice = try? JSONDecoder().decode(StationNotice.self, from: row["document"] as Data)
        else { return nil }
        return StoredNotice(
            number: row["number"], uuid: uuid, receipt: row["receipt"], kind: row["kind"], notice: notice,
            receivedAt: Date(timeIntervalSince1970: TimeInterval(row["receivedAt"] as Int64)),
            printedAt: (row["printedAt"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }, printedBy: row["printedBy"])
    }
}
