import Foundation
import GRDB
import KioskCore

extension CenterDatabase {
    /// Keeps on the case `uuid`'s row what reports count after `action` made `file`: its state,
    /// whether a supplement was asked for and, when `action` ends the case, how (for a decision,
    /// with its working days and whether it was on time by `calendar`).
    static func keepReportFacts(of action: CaseAction, file: CaseFile, uuid: String, calendar: WorkingDayCalendar, in db: Database) throws {
        try db.execute(
            sql: "UPDATE submission SET case_state = ?, supplemented = ? WHERE uuid = ?",
            arguments: [file.state.rawValue, file.supplementRequestedOn != nil, uuid])
        let outcome: CaseOutcome
        switch action {
        case .refuse: outcome = .refused
        case .decide(let approved, _): outcome = approved ? .approved : .denied
        default: return
        }
        let timing = outcome == .refused ? nil : CaseWorkflow.decisionTiming(of: file, calendar: calendar)
        try db.execute(
            sql: "UPDATE submission SET outcome = ?, decision_working_days = ?, decision_on_time = ? WHERE uuid = ?",
            arguments: [outcome.rawValue, timing?.workingDays, timing?.onTime, uuid])
    }

    /// The query of the cases received in a range of Unix seconds (and of `matterCount` matters
    /// when given), grouped by every fact a report counts.
    static func caseFactsSQL(matterCount: Int?) -> String {
        let matters = matterCount.map { " AND matter IN (\(Array(repeating: "?", count: max($0, 1)).joined(separator: ", ")))" } ?? ""
        return """
            SELECT matter, station, report_channel, COALESCE(case_state, 'received') AS state, supplemented, outcome,
                decision_working_days, decision_on_time, COUNT(*) AS n
            FROM submission INDEXED BY submission_report -- grouped in the index's order: no sort
            WHERE received_at >= ? AND received_at < ?\(matters)
            GROUP BY matter, station, report_channel, case_state, supplemented, outcome, decision_working_days, decision_on_time
            """
    }

    /// The report of the cases received from `since` up to `before` (Unix seconds) over the days
    /// `from` through `through`, of `matters` only when given; `department` gives a matter's
    /// department. The groups stream from the database into the report, one row at a time.
    public func report(
        from: CalendarDate, through: CalendarDate, since: Int64, before: Int64, matters: [String]?,
        department: @escaping @Sendable (String) -> Department?
    ) async throws(CenterError) -> CaseReport {
        try await read { db in
            var builder = CaseReport.Builder(from: from, through: through)
            let rows = try Row.fetchCursor(
                db, sql: Self.caseFactsSQL(matterCount: matters?.count),
                arguments: StatementArguments([since, before]) + StatementArguments(matters.map { $0.isEmpty ? [""] : $0 } ?? []))
            while let row = try rows.next() {
                // By column index, in the order of the query: a million cases can make hundreds of thousands of groups.
                let matter: String = row[0]
                builder.add(CaseFactGroup(
                    matter: matter, department: department(matter), station: row[1], channel: row[2],
                    state: CaseState(rawValue: row[3]) ?? .received, supplemented: row[4],
                    outcome: (row[5] as String?).flatMap(CaseOutcome.init(rawValue:)), workingDays: row[6], onTime: row[7], count: row[8]))
            }
            // Ratings of the period's cases (one per case at most), read from the ratings (CROSS JOIN keeps
            // them the outer loop: the other way round probes every case of the period).
            let ratings = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.matter, s.station, s.report_channel, r.level, COUNT(*) FROM rating r CROSS JOIN submission s ON s.uuid = r.uuid
                    WHERE s.received_at >= ? AND s.received_at < ?
                    GROUP BY s.matter, s.station, s.report_channel, r.level
                    """,
                arguments: [since, before])
            while let row = try ratings.next() {
                let matter: String = row[0]
                guard matters.map({ $0.contains(matter) }) ?? true, let level = RatingLevel(rawValue: row[3]) else { continue }
                builder.addRatings(matter: matter, department: department(matter), station: row[1], channel: row[2], level: level, count: row[4])
            }
            return builder.report
        }
    }
}

extension Center {
    /// The most cases an overdue list names.
    public static let overdueListLimit = 500

    /// The town's statistics over the cases received from `from` through `through` (China Standard
    /// Time days), of `department`'s matters only when given, with the cases received by then that
    /// are overdue today by `calendar`'s working days.
    public func report(
        from: CalendarDate, through: CalendarDate, department only: Department? = nil, calendar: WorkingDayCalendar
    ) async throws(CenterError) -> CaseReport {
        let catalog = try await publishedCatalog()
        let departments = Dictionary(uniqueKeysWithValues: catalog.matters.map { ($0.code, $0.department) })
        let matters = only.map { only in departments.filter { $0.value == only }.map(\.key).sorted() }
        let before = ChinaTime.startOfDay(through.adding(days: 1))
        var report = try await database.report(
            from: from, through: through, since: ChinaTime.startOfDay(from), before: before, matters: matters
        ) { departments[$0] }
        try await refreshDueTimes(matters: Dictionary(uniqueKeysWithValues: catalog.matters.map { ($0.code, $0) }), calendar: calendar)
        let now = now
        let today = ChinaTime.day(now)
        let limit = Self.overdueListLimit
        let rows = try await database.read { db in
            // One index range per open state, each already in due order and cut at the limit: a
            // million cases, most of them long due, cost a few thousand rows.
            let only = matters.map { " AND matter IN (\(Array(repeating: "?", count: max($0.count, 1)).joined(separator: ", ")))" } ?? ""
            return try SubmissionFilter.openStates.flatMap { state in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT receipt, matter, station, due_at FROM submission INDEXED BY submission_due
                        WHERE state = ? AND due_at < ? AND received_at < ?\(only) ORDER BY due_at LIMIT ?
                        """,
                    arguments: StatementArguments([state, now, before] as [any DatabaseValueConvertible])
                        + StatementArguments(matters.map { $0.isEmpty ? [""] : $0 } ?? []) + StatementArguments([limit])
                ).map { (receipt: $0["receipt"] as String, matter: $0["matter"] as String, station: $0["station"] as String, dueAt: $0["due_at"] as Int64) }
            }.sorted { ($0.dueAt, $0.receipt) < ($1.dueAt, $1.receipt) }
        }
        report.overdue = rows.compactMap { row -> OverdueCase? in
            let due = ChinaTime.day(row.dueAt - 1)
            return OverdueCase(
                receipt: row.receipt, matter: row.matter, station: row.station, due: due,
                workingDaysOverdue: calendar.workingDays(after: due, through: today)?.days ?? 0)
        }.prefix(limit).map { $0 }
        return report
    }
}
