import Foundation
import GRDB
import KioskCore

/// What a notification to a county department reports (审批结果通报).
public enum NotificationEvent: String, Sendable, Codable, CaseIterable {
    /// 已受理.
    case accepted
    /// 不予受理.
    case refused
    /// 准予许可 / 办结.
    case approved
    /// 不予许可.
    case denied
    /// 已送达.
    case delivered
}

/// A result reported to the county department of a case's matter: kept in the center's outbox
/// until the department signs for it (签收). It names the case, never the applicant.
public struct CaseNotification: Sendable, Hashable, Codable {
    /// Its number in the outbox, increasing.
    public var id: Int64
    /// The case's receipt number.
    public var receipt: String
    /// The matter code.
    public var matter: String
    /// The county department the matter belongs to.
    public var department: Department
    /// What happened.
    public var event: NotificationEvent
    /// The staff id who took the step.
    public var staff: String
    /// The refusal's or denial's reasons, where to go instead, or how it was delivered.
    public var detail: String?
    /// Unix seconds the step was taken.
    public var createdAt: Int64
    /// The department's staff id who signed for it.
    public var signedBy: String?
    /// Unix seconds it was signed for.
    public var signedAt: Int64?
}

/// Why signing for a notification was refused.
public enum NotificationSignError: Error, Sendable, Equatable {
    /// No notification of the signer's department has that id.
    case unknown(Int64)
    /// It was signed before.
    case alreadySigned(Int64)
    /// The database failed.
    case center(CenterError)
}

extension CenterDatabase {
    /// Puts a notification of `action`'s result in the outbox, when it is one the county is told
    /// of: acceptance, refusal, a decision or a delivery.
    static func enqueueNotification(
        of action: CaseAction, record: CaseWorkflowRecord, department: Department, staff: String, now: Int64, in db: Database
    ) throws {
        let event: NotificationEvent
        let detail: String?
        switch action {
        case .accept: (event, detail) = (.accepted, nil)
        case .refuse(let reason, let goTo): (event, detail) = (.refused, "\(reason) → \(goTo)")
        case .decide(let approved, let reasons): (event, detail) = approved ? (.approved, reasons.isEmpty ? nil : reasons) : (.denied, reasons)
        case .deliver(let method, _): (event, detail) = (.delivered, method.rawValue)
        default: return
        }
        try db.execute(
            sql: """
                INSERT INTO notification (uuid, receipt, matter, department, event, staff, detail, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.summary.uuid.uuidString, record.summary.receipt, record.summary.matter, department.rawValue, event.rawValue,
                staff, detail, now,
            ])
    }

    /// The newest `limit` notifications, of `department` only when given, unsigned ones only when
    /// asked, made from `since` up to `before` (Unix seconds) when given.
    public func notifications(
        department: Department?, unsignedOnly: Bool, since: Int64? = nil, before: Int64? = nil, limit: Int
    ) async throws(CenterError) -> [CaseNotification] {
        try await read { db in
            var clauses: [String] = []
            var arguments = StatementArguments()
            if let since {
                clauses.append("created_at >= ?")
                arguments += [since]
            }
            if let before {
                clauses.append("created_at < ?")
                arguments += [before]
            }
            if let department {
                clauses.append("department = ?")
                arguments += [department.rawValue]
            }
            if unsignedOnly { clauses.append("signed_at IS NULL") }
            let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT id, receipt, matter, department, event, staff, detail, created_at, signed_by, signed_at
                    FROM notification \(filter) ORDER BY id DESC LIMIT ?
                    """,
                arguments: arguments + [limit]
            ).compactMap(Self.notification)
        }
    }

    /// A notification from a row of its columns; nil for a department or event this build does not know.
    static func notification(_ row: Row) -> CaseNotification? {
        guard let department = Department(rawValue: row["department"]), let event = NotificationEvent(rawValue: row["event"]) else {
            return nil
        }
        return CaseNotification(
            id: row["id"], receipt: row["receipt"], matter: row["matter"], department: department, event: event,
            staff: row["staff"], detail: row["detail"], createdAt: row["created_at"], signedBy: row["signed_by"],
            signedAt: row["signed_at"])
    }

    /// Records that `staff` of `department` signed for the notification `id` at `now`, in the audit trail too.
    public func signNotification(id: Int64, staff: String, department: Department, now: Int64) async throws(NotificationSignError) {
        let outcome: Result<Void, NotificationSignError>
        do {
            outcome = try await write { db in
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT receipt, uuid, signed_at FROM notification WHERE id = ? AND department = ?",
                    arguments: [id, department.rawValue])
                else { return .failure(.unknown(id)) }
                guard (row["signed_at"] as Int64?) == nil else { return .failure(.alreadySigned(id)) }
                try db.execute(sql: "UPDATE notification SET signed_by = ?, signed_at = ? WHERE id = ?", arguments: [staff, now, id])
                try Self.appendAudit(
                    AuditEvent(at: now, event: "notification_signed", receipt: row["receipt"], uuid: row["uuid"], detail: "\(id) \(staff)"),
                    in: db)
                return .success(())
            }
        } catch {
            throw .center(error)
        }
        try outcome.get()
    }

    /// How many notifications no department has signed for and no endpoint has acknowledged yet.
    public func queuedNotifications() async throws(CenterError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification WHERE signed_at IS NULL AND delivered_at IS NULL") ?? 0
        }
    }
}
