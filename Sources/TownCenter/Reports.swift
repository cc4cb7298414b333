import Foundation
import GRDB
import KioskCore

extension CenterDatabase {
    /// Keeps how the case `uuid` ended when `action` ends it: a refusal, or a decision with its
    /// working days and whether it was on time by `calendar`.
    static func recordOutcome(of action: CaseAction, file: CaseFile, uuid: String, calendar: WorkingDayCalendar, in db: Database) throws {
        let outcome: CaseOutcome
        switch action {
        case .refuse: outcome = .refused
        case .decide(let approved, _): outcome = approved ? .approved : .denied
        default: return
        }
        let timing = outcome == .refused ? nil : CaseWorkflow.decisionTiming(of: file, calendar: calendar)
        try db.execute(
            sql: "UPDATE case_workflow SET outcome = ?, decision_working_days = ?, decision_on_time = ? WHERE uuid = ?",
            arguments: [outcome.rawValue, timing?.workingDays, timing?.onTime, uuid])
    }

    /// The cases received from `since` up to `before` (Unix seconds), grouped by every fact a
    /// report counts; `department` gives a matter's department.
    public func caseFacts(since: Int64, before: Int64, department: @escaping @Sendable (String) -> Department?) async throws(CenterError) -> [CaseFactGroup] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.matter, s.station, s.channel, COALESCE(w.state, 'received') AS state,
                        w.supplement_requested_on IS NOT NULL AS supplemented, w.outcome, w.decision_working_days,
                        w.decision_on_time, COUNT(*) AS n
                    FROM submission s LEFT JOIN case_workflow w ON w.uuid = s.uuid
                    WHERE s.received_at >= ? AND s.received_at < ?
                    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                    """,
                arguments: [since, before]
            ).map { row in
                let matter: String = row["matter"]
                return CaseFactGroup(
                    matter: matter, department: department(matter), station: row["station"], channel: row["channel"],
                    state: CaseState(rawValue: row["state"]) ?? .received, supplemented: row["supplemented"],
                    outcome: (row["outcome"] as String?).flatMap(CaseOutcome.init(rawValue:)), workingDays: row["decision_working_days"],
                    onTime: row["decision_on_time"], count: row["n"])
            }
        }
    }
}

extension Center {
    /// The town's statistics over the cases received from `from` through `through` (China Standard Time days).
    public func report(from: CalendarDate, through: CalendarDate) async throws(CenterError) -> CaseReport {
        let departments = Dictionary(uniqueKeysWithValues: try await publishedCatalog().matters.map { ($0.code, $0.department) })
        let groups = try await database.caseFacts(
            since: ChinaTime.startOfDay(from), before: ChinaTime.startOfDay(through.adding(days: 1))) { departments[$0] }
        return CaseReport.compile(groups, from: from, through: through)
    }
}
