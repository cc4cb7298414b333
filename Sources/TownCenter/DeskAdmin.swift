import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// One station as the desk's stations page shows it.
public struct StationOverview: Sendable {
    /// The station code.
    public var id: String
    /// Unix seconds it was enrolled.
    public var enrolledAt: Int64
    /// Unix seconds it was revoked; nil while enrolled.
    public var revokedAt: Int64?
    /// Items stored from it.
    public var received: Int
    /// Unix seconds of its last contact the database records: its enrolment, its last stored item or
    /// its last audit-head report, whichever is latest.
    public var lastContact: Int64
    /// The catalog version of its last stored item; nil before the first.
    public var catalogVersion: String?
    /// Its last health report, and when it arrived (Unix seconds); nil before the first.
    public var health: (report: StationHealth, at: Int64)?

    /// Whether a station not revoked has not been heard from for more than `silentAfter` seconds at `now`.
    public func isSilent(at now: Int64, silentAfter: Int64) -> Bool {
        revokedAt == nil && now - lastContact > silentAfter
    }
}

/// One entry of the audit trail with its place in it.
public struct AuditEntry: Sendable, Hashable {
    /// Its sequence number.
    public var sequence: Int64
    /// The event.
    public var event: AuditEvent
}

extension CenterDatabase {
    /// Keeps `health` as `station`'s last report (its ranges checked by the caller), received at `now`.
    public func recordHealth(_ health: StationHealth, station: String, now: Int64) async throws(CenterError) {
        let report: Data
        do {
            report = try SyncJSON.encode(health)
        } catch {
            throw .database("cannot encode a health report: \(error)")
        }
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO station_health (station, reported_at, report) VALUES (?, ?, ?)
                    ON CONFLICT (station) DO UPDATE SET reported_at = excluded.reported_at, report = excluded.report
                    """,
                arguments: [station, now, String(decoding: report, as: UTF8.self)])
        }
    }

    /// Every station ever enrolled, by code, with what the database knows of its contact.
    public func stationOverview() async throws(CenterError) -> [StationOverview] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.enrolled_at, s.revoked_at,
                        (SELECT COUNT(*) FROM submission WHERE station = s.id) AS received,
                        (SELECT MAX(received_at) FROM submission WHERE station = s.id) AS last_item,
                        (SELECT reported_at FROM station_audit_head WHERE station = s.id) AS reported,
                        (SELECT catalog_version FROM submission WHERE station = s.id ORDER BY received_at DESC LIMIT 1) AS catalog,
                        h.reported_at AS health_at, h.report AS health
                    FROM station s LEFT JOIN station_health h ON h.station = s.id ORDER BY s.id
                    """
            ).map { row in
                let enrolled: Int64 = row["enrolled_at"]
                let healthAt: Int64? = row["health_at"]
                let report = (row["health"] as String?).flatMap { try? SyncJSON.decode(StationHealth.self, from: Data($0.utf8)) }
                return StationOverview(
                    id: row["id"], enrolledAt: enrolled, revokedAt: row["revoked_at"], received: row["received"],
                    lastContact: max(enrolled, row["last_item"] ?? enrolled, row["reported"] ?? enrolled, healthAt ?? enrolled),
                    catalogVersion: row["catalog"], health: report.flatMap { report in healthAt.map { (report, $0) } })
            }
        }
    }

    /// The audit entries, newest first, whose event is `event` (any when nil) and, when `text` is
    /// given, whose receipt, station or detail begins with it; `limit` of them after `offset`, and how many match.
    public func auditEntries(event: String?, text: String?, offset: Int, limit: Int) async throws(CenterError) -> (
        entries: [AuditEntry], total: Int
    ) {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let event {
                conditions.append("json_extract(CAST(body AS TEXT), '$.event') = ?")
                arguments += [event]
            }
            if let text {
                let pattern = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                let fields = ["receipt", "station", "detail"].map { "json_extract(CAST(body AS TEXT), '$.\($0)') LIKE ? ESCAPE '\\'" }
                conditions.append("(" + fields.joined(separator: " OR ") + ")")
                arguments += [pattern, pattern, pattern]
            }
            let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit \(clause)", arguments: arguments) ?? 0
            let entries = try Row.fetchAll(
                db, sql: "SELECT seq, body FROM audit \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset]
            ).map { AuditEntry(sequence: $0["seq"], event: try JSONDecoder().decode(AuditEvent.self, from: $0["body"] as Data)) }
            return (entries, total)
        }
    }
}

extension Center {
    /// The cases matching `filter` in the inbox's order, at most `limit`, each with its opened
    /// answers (opened on the database's queue, off the cooperative pool); the export is audited
    /// with the count and the `staff` id.
    public func exportCases(_ filter: SubmissionFilter, limit: Int, staff: String) async throws(CenterError) -> [(
        row: InboxRow, answers: Data
    )] {
        let center = self
        let rows = try await database.read { db in
            let (clause, arguments) = filter.sql
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(CenterDatabase.summaryColumns), applicant_masked, due_at, sealed_payload, receipt_qr
                    FROM submission \(clause) \(CenterDatabase.inboxOrder) LIMIT ?
                    """,
                arguments: arguments + [limit]
            ).map { row -> (row: InboxRow, answers: Data) in
                let summary = CaseSummary(row: row)
                let stored = StoredSubmission(
                    summary: summary, sealedPayload: row["sealed_payload"], receiptQR: row["receipt_qr"], decisions: [])
                return (InboxRow(summary: summary, applicantMasked: row["applicant_masked"] ?? "", dueAt: row["due_at"]),
                        try center.open(stored))
            }
        }
        try await database.audit(AuditEvent(at: now, event: "exported", detail: "\(rows.count) \(staff)"))
        return rows
    }
}
