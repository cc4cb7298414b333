import Foundation
import GRDB
import KioskCore
import SyncProtocol

/// The opaque `after` cursor of the updates feed: the last decision sequence seen.
public struct UpdatesCursor: Sendable, Hashable {
    /// The last decision sequence number the station has seen (0: none).
    public let sequence: Int64

    /// A cursor after `sequence`.
    public init(sequence: Int64) {
        self.sequence = sequence
    }

    /// Parses a cursor text; nil for anything this center did not issue.
    public init?(text: String) {
        guard text.hasPrefix("d"), let sequence = Int64(text.dropFirst()), sequence >= 0 else { return nil }
        self.sequence = sequence
    }

    /// The text given to stations.
    public var text: String { "d\(sequence)" }
}

extension CenterDatabase {
    /// Records a decision on the submission with `receipt` with the four states of the desk's form
    /// (its workflow state follows, as the migration carries such decisions over); completed and
    /// rejected are final, and a case that moved through the workflow refuses it.
    @discardableResult
    public func decide(
        receipt: String, state: DecisionState, reason: String?, now: Int64, staff: String? = nil
    ) async throws(CenterError) -> DecisionUpdate {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if state == .rejected || state == .needsMore, reason?.isEmpty ?? true { throw .decisionNeedsReason(state) }
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT uuid, station, state FROM submission WHERE receipt = ?", arguments: [receipt])
            else { throw CenterError.unknownReceipt(receipt) }
            if try Self.followsWorkflow(uuid: row["uuid"], in: db) { throw CenterError.followsWorkflow(receipt: receipt) }
            if let current = DecisionState(rawValue: row["state"]), current == .completed || current == .rejected {
                throw CenterError.decisionFinal(receipt: receipt, state: current)
            }
            let uuid: String = row["uuid"]
            let station: String = row["station"]
            try db.execute(
                sql: "INSERT INTO decision (uuid, station, state, reason, decided_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [uuid, station, state.rawValue, reason, now])
            try db.execute(
                sql: "UPDATE submission SET state = ?, decision_reason = ?, decided_at = ? WHERE uuid = ?",
                arguments: [state.rawValue, reason, now, uuid])
            try Self.carryOverDecisions(in: db, uuid: uuid)
            try Self.appendAudit(
                AuditEvent(at: now, event: "decided", station: station, receipt: receipt, uuid: uuid,
                           detail: staff.map { "\(state.rawValue) \($0)" } ?? state.rawValue),
                in: db)
            return DecisionUpdate(uuid: UUID(uuidString: uuid)!, receipt: receipt, state: state, reason: reason, decidedAt: now)
        }
    }

    /// Up to `limit` decisions on `station`'s submissions after `cursor`, oldest first, with
    /// the cursor to continue from and whether more remain.
    public func updates(
        station: String, after cursor: UpdatesCursor, limit: Int
    ) async throws(CenterError) -> (decisions: [DecisionUpdate], cursor: UpdatesCursor, more: Bool) {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.seq, \(Self.decisionColumns)
                    FROM decision d JOIN submission s ON s.uuid = d.uuid
                    WHERE d.station = ? AND d.seq > ? ORDER BY d.seq LIMIT ?
                    """,
                arguments: [station, cursor.sequence, limit + 1])
            let page = rows.prefix(limit)
            let decisions = page.map(Self.decisionUpdate)
            let last = page.last.map { UpdatesCursor(sequence: $0["seq"]) } ?? cursor
            return (decisions, last, rows.count > limit)
        }
    }

    /// The columns `decisionUpdate` reads, from `decision d JOIN submission s`.
    static let decisionColumns =
        "d.uuid, s.receipt, d.state, d.reason, d.decided_at, d.case_state, d.due, d.due_estimated, d.missing, d.go_to, d.notice"

    /// A decision row (`decisionColumns`) as stations receive it.
    static func decisionUpdate(_ row: Row) -> DecisionUpdate {
        DecisionUpdate(
            uuid: UUID(uuidString: row["uuid"])!, receipt: row["receipt"], state: DecisionState(rawValue: row["state"]) ?? .accepted,
            reason: row["reason"], decidedAt: row["decided_at"], caseState: row["case_state"], due: row["due"],
            dueEstimated: row["due_estimated"],
            missing: (row["missing"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) },
            goTo: row["go_to"],
            notice: (row["notice"] as String?).flatMap { try? JSONDecoder().decode(StationNotice.self, from: Data($0.utf8)) })
    }
}
