import Foundation
import GRDB
import KioskCore

/// A resident's rating of a case as the center keeps it.
public struct StoredRating: Sendable, Hashable {
    public var rating: CaseRating
    /// `kiosk` (signed by the station) or `window`.
    public var channel: String
}

/// A follow-up task (回访整改) made by a bad rating.
public struct FollowUp: Sendable, Hashable {
    public var id: Int64
    public var receipt: String
    public var matter: String
    public var level: RatingLevel
    public var reasons: [RatingReason]
    public var createdAt: Int64
    /// The last working day to follow up.
    public var due: CalendarDate
    public var closedAt: Int64?
    public var closedBy: String?
    public var note: String?
}

/// Why a follow-up task was not closed.
public enum FollowUpError: Error, Sendable, Equatable {
    /// No such task, or it is closed already.
    case notOpen
    /// Closing needs a note of what was done (1–500 characters).
    case noteRequired
}

extension Center {
    /// Working days to follow a bad rating up.
    public static let followUpWorkingDays = 5

    /// Keeps `rating` of a case (`station`'s, when given: a station rates only its own cases) from
    /// `channel`, unless a later one is kept already; a bad rating opens a follow-up task due in
    /// `followUpWorkingDays` working days, unless one is open for the case. Returns false when the
    /// case is not the station's (or unknown).
    @discardableResult
    public func recordRating(
        _ rating: CaseRating, channel: String, station: String?, signature: String?, calendar: WorkingDayCalendar, staff: String? = nil
    ) async throws(CenterError) -> Bool {
        let now = now
        let due = calendar.adding(workingDays: Self.followUpWorkingDays, to: ChinaTime.day(now))?.date ?? ChinaTime.day(now)
        return try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT receipt, station FROM submission WHERE uuid = ?", arguments: [rating.uuid.uuidString]),
                  station.map({ $0 == (row["station"] as String) }) ?? true
            else { return false }
            let receipt: String = row["receipt"]
            let reasons = rating.reasons.map(\.rawValue).joined(separator: ",")
            try db.execute(
                sql: """
                    INSERT INTO rating (uuid, level, reasons, rated_at, channel, signature, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (uuid) DO UPDATE SET level = excluded.level, reasons = excluded.reasons, rated_at = excluded.rated_at,
                        channel = excluded.channel, signature = excluded.signature, received_at = excluded.received_at
                    WHERE excluded.rated_at > rating.rated_at
                    """,
                arguments: [rating.uuid.uuidString, rating.level.rawValue, reasons, rating.ratedAt, channel, signature, now])
            guard db.changesCount > 0 else { return true }  // an older rating, or the same again
            try CenterDatabase.appendAudit(
                AuditEvent(at: now, event: "rated", station: row["station"], receipt: receipt, uuid: rating.uuid.uuidString,
                           detail: "\(rating.level.rawValue) \(channel)" + (staff.map { " \($0)" } ?? "")),
                in: db)
            if rating.level.isBad, try Bool.fetchOne(
                db, sql: "SELECT 1 FROM follow_up WHERE uuid = ? AND closed_at IS NULL", arguments: [rating.uuid.uuidString]) != true {
                try db.execute(
                    sql: "INSERT INTO follow_up (uuid, level, reasons, created_at, due_on) VALUES (?, ?, ?, ?, ?)",
                    arguments: [rating.uuid.uuidString, rating.level.rawValue, reasons, now, due.description])
                try CenterDatabase.appendAudit(
                    AuditEvent(at: now, event: "follow_up_opened", station: row["station"], receipt: receipt, uuid: rating.uuid.uuidString,
                               detail: due.description),
                    in: db)
            }
            return true
        }
    }
}

extension CenterDatabase {
    /// The rating kept for the case `uuid`.
    public func rating(uuid: UUID) async throws(CenterError) -> StoredRating? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM rating WHERE uuid = ?", arguments: [uuid.uuidString]).flatMap { row in
                RatingLevel(rawValue: row["level"]).map { level in
                    StoredRating(
                        rating: CaseRating(uuid: uuid, level: level, reasons: Self.reasons(row["reasons"]), ratedAt: row["rated_at"]),
                        channel: row["channel"])
                }
            }
        }
    }

    /// Follow-up tasks, open ones only unless `all`, oldest due first (at most 500), of `matters` only when given.
    public func followUps(all: Bool = false, matters: [String]? = nil) async throws(CenterError) -> [FollowUp] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.*, s.receipt, s.matter FROM follow_up f JOIN submission s ON s.uuid = f.uuid
                    \(all ? "" : "WHERE f.closed_at IS NULL") ORDER BY f.closed_at IS NOT NULL, f.due_on, f.id LIMIT 500
                    """
            ).compactMap { row -> FollowUp? in
                guard let level = RatingLevel(rawValue: row["level"]), let due = CalendarDate(iso: row["due_on"]) else { return nil }
                let matter: String = row["matter"]
                if let matters, !matters.contains(matter) { return nil }
                return FollowUp(
                    id: row["id"], receipt: row["receipt"], matter: matter, level: level, reasons: Self.reasons(row["reasons"]),
                    createdAt: row["created_at"], due: due, closedAt: row["closed_at"], closedBy: row["closed_by"], note: row["note"])
            }
        }
    }

    /// Closes the open follow-up task `id` as `staff` with `note` (what was done), audited.
    public func closeFollowUp(id: Int64, staff: String, note: String, now: Int64) async throws(CenterError) -> Result<Void, FollowUpError> {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(note.count) else { return .failure(.noteRequired) }
        return try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT f.uuid, s.receipt, s.station FROM follow_up f JOIN submission s ON s.uuid = f.uuid WHERE f.id = ? AND f.closed_at IS NULL",
                arguments: [id])
            else { return .failure(.notOpen) }
            try db.execute(sql: "UPDATE follow_up SET closed_at = ?, closed_by = ?, note = ? WHERE id = ?", arguments: [now, staff, note, id])
            try Self.appendAudit(
                AuditEvent(at: now, event: "follow_up_closed", station: row["station"], receipt: row["receipt"], uuid: row["uuid"], detail: staff),
                in: db)
            return .success(())
        }
    }

    static func reasons(_ text: String) -> [RatingReason] {
        text.split(separator: ",").compactMap { RatingReason(rawValue: String($0)) }
    }
}
