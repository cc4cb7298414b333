import Foundation
import GRDB
import KioskSecurity
import SyncProtocol

/// A station whose reported audit head went backwards against the one the center keeps.
public struct StationAuditFlag: Sendable, Hashable, CustomStringConvertible {
    /// The station.
    public var station: String
    /// How the report went backwards (the first time it did).
    public var problem: AuditHeadProblem
    /// The entry count of that report.
    public var reportedCount: Int64
    /// The entry count of the head the center keeps.
    public var keptCount: Int64
    /// When the report arrived, Unix seconds.
    public var at: Int64

    /// A flag from its fields.
    public init(station: String, problem: AuditHeadProblem, reportedCount: Int64, keptCount: Int64, at: Int64) {
        self.station = station
        self.problem = problem
        self.reportedCount = reportedCount
        self.keptCount = keptCount
        self.at = at
    }

    public var description: String {
        switch problem {
        case .cutShort:
            "站点 \(station) 的审计日志被截短 (station \(station) reported \(reportedCount) audit entries, "
                + "fewer than the \(keptCount) it reported before: its trail was cut short)"
        case .rewritten:
            "站点 \(station) 的审计日志被改写 (station \(station) reported \(reportedCount) audit entries "
                + "with another last hash than before: its trail was rewritten)"
        }
    }
}

extension CenterDatabase {
    /// Keeps `head`, which `station` signed (checked by the caller), unless it goes backwards against
    /// the head kept so far: fewer entries, or as many with another hash. A report that goes
    /// backwards leaves the kept head, is flagged (the first flag stays) and audited.
    public func recordAuditHead(_ head: AuditHead, station: String, now: Int64) async throws(CenterError) -> AuditHeadAnswer {
        try await write { db in
            let kept = try Row.fetchOne(db, sql: "SELECT count, head FROM station_audit_head WHERE station = ?", arguments: [station])
            let keptCount: Int64? = kept?["count"]
            let keptHead: Data = kept?["head"] ?? Data()
            let problem: AuditHeadProblem? = switch keptCount {
            case let count? where head.count < count: .cutShort
            case let count? where head.count == count && head.head != keptHead: .rewritten
            default: nil
            }
            if let problem, let keptCount {
                try db.execute(
                    sql: """
                        UPDATE station_audit_head SET problem = ?, problem_count = ?, problem_at = ?
                        WHERE station = ? AND problem IS NULL
                        """,
                    arguments: [problem.rawValue, head.count, now, station])
                try Self.appendAudit(
                    AuditEvent(at: now, event: "audit_head_\(problem.rawValue)", station: station, detail: "\(head.count)/\(keptCount)"),
                    in: db)
                return AuditHeadAnswer(count: keptCount, problem: problem)
            }
            try db.execute(
                sql: """
                    INSERT INTO station_audit_head (station, count, head, signed_at, signature, reported_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (station) DO UPDATE SET count = excluded.count, head = excluded.head,
                      signed_at = excluded.signed_at, signature = excluded.signature, reported_at = excluded.reported_at
                    """,
                arguments: [station, head.count, head.head, head.at, head.signature, now])
            return AuditHeadAnswer(count: head.count, problem: nil)
        }
    }

    /// The signed audit head `station` last reported (the highest), or nil.
    public func auditHead(station: String) async throws(CenterError) -> AuditHead? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT count, head, signed_at, signature FROM station_audit_head WHERE station = ?", arguments: [station])
                .map { AuditHead(count: $0["count"], head: $0["head"], at: $0["signed_at"], signature: $0["signature"]) }
        }
    }

    /// The stations whose reported audit head went backwards, by station code.
    public func stationAuditFlags() async throws(CenterError) -> [StationAuditFlag] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT station, problem, problem_count, count, problem_at FROM station_audit_head
                    WHERE problem IS NOT NULL ORDER BY station
                    """
            ).compactMap { row in
                AuditHeadProblem(rawValue: row["problem"]).map {
                    StationAuditFlag(
                        station: row["station"], problem: $0, reportedCount: row["problem_count"], keptCount: row["count"], at: row["problem_at"])
                }
            }
        }
    }
}
