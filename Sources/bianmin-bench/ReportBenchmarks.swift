import Foundation
import GRDB
import KioskCore
import Spreadsheets
import TownCenter
import TownDesk

/// The town's yearly report over a center database of many cases, beside a plain count grouped
/// by the same columns over the same rows, in the same run.
enum ReportBenchmarks {
    static func run(directory: String, cases: Int, rounds: Int) async throws {
        let dir = directory + "/bianmin-bench-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalogDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/kiosk-config/catalog")
        let center = try await Center.initialize(dataDirectory: dir + "/center", catalogDirectory: catalogDirectory)
        let matters = try await center.publishedCatalog().matters.map(\.code)

        print("== report: the yearly report over \(cases) cases received in 2026")
        var setup = Samples()
        try await setup.timeAsync { try await fill(center.database.writer, cases: cases, matters: matters) }
        print(String(format: "  setup (not measured below): %d cases inserted in %.1f s", cases, setup.values[0] / 1000))

        let from = CalendarDate(year: 2026, month: 1, day: 1)!
        let through = CalendarDate(year: 2026, month: 12, day: 31)!
        let since = ChinaTime.startOfDay(from)
        let before = ChinaTime.startOfDay(through.adding(days: 1))
        var baseline = Samples()
        var compiled = Samples()
        var workbook = Samples()
        var received = 0
        for round in 0..<max(1, rounds) {
            let groups = try await baseline.timeAsync {
                try await center.database.writer.read { db in
                    try Int.fetchAll(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM submission WHERE received_at >= ? AND received_at < ?
                            GROUP BY matter, station, channel, state
                            """,
                        arguments: [since, before]).count
                }
            }
            let report = try await compiled.timeAsync { try await center.report(from: from, through: through, calendar: WorkingDayCalendar(schedules: [])) }
            received = report.total.received
            try await workbook.timeAsync {
                let sheets = try ReportExport.sheets(
                    report, language: .zhHans, templates: DeskConfiguration.templatesDirectory(explicit: nil)) { $0 }
                try XLSX.write(sheets, to: dir + "/report-\(round).xlsx")
            }
            if round == 0 { print("  \(groups) groups of matter, station, channel and state") }
        }
        guard received == cases else { throw BenchFailure("the report counted \(received) of \(cases) cases") }
        print(String(format: "  yearly report (query + figures per matter, department, station, channel), median of %d: %@   goal: under 2 s",
                     baseline.values.count, ms(compiled.median)))
        print("  baseline (plain SELECT COUNT(*) … GROUP BY matter, station, channel, state over the same rows): \(ms(baseline.median))   ratio "
            + String(format: "%.2fx", compiled.median / baseline.median))
        print("  the workbook of that report written as XLSX: \(ms(workbook.median))")
    }

    /// Inserts `cases` cases received through 2026, spread over 40 stations, three channels and
    /// the catalog's matters, with the facts reports count as the workflow keeps them (setup, not measured).
    static func fill(_ writer: any DatabaseWriter, cases: Int, matters: [String]) async throws {
        var random = BenchRandom(seed: 2026)
        let yearStart = ChinaTime.startOfDay(CalendarDate(year: 2026, month: 1, day: 1)!)
        let chunk = 50_000
        for start in stride(from: 0, to: cases, by: chunk) {
            let rows = (start..<min(start + chunk, cases)).map { index in
                BenchCase(index: index, random: &random, yearStart: yearStart, matters: matters)
            }
            try await writer.write { db in
                let submission = try db.makeStatement(sql: """
                    INSERT INTO submission (uuid, station, receipt, matter, catalog_version, channel, created_at, received_at,
                      form_printed, receipt_qr, sealed_payload, content_hash, state, applicant_masked, due_at, case_state,
                      supplemented, outcome, decision_working_days, decision_on_time, report_channel)
                    VALUES (?, ?, ?, ?, '2026.11.1', ?, ?, ?, 1, '', x'', x'', ?, '张*', ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows {
                    try submission.execute(arguments: [
                        row.uuid, row.station, row.receipt, row.matter, row.channel, row.receivedAt, row.receivedAt, row.legacyState,
                        row.receivedAt + 20 * 86_400, row.state == .received ? nil : row.state.rawValue, row.supplemented,
                        row.outcome?.rawValue, row.workingDays, row.workingDays.map { $0 <= 20 }, row.channel,
                    ])
                }
            }
        }
    }
}

/// One generated case.
struct BenchCase {
    var uuid: String
    var station: String
    var receipt: String
    var matter: String
    var channel: String
    var receivedAt: Int64
    var state: CaseState
    var supplemented: Bool
    var outcome: CaseOutcome?
    var workingDays: Int?

    init(index: Int, random: inout BenchRandom, yearStart: Int64, matters: [String]) {
        uuid = UUID().uuidString
        station = String(format: "ST%02d", Int(random.next() % 40))
        receipt = String(format: "R%09d", index)
        matter = matters[Int(random.next() % UInt64(matters.count))]
        channel = ["self", "assisted", "window"][Int(random.next() % 3)]
        receivedAt = yearStart + Int64(random.next() % (365 * 86_400))
        supplemented = random.next() % 10 == 0
        let roll = random.next() % 100
        workingDays = nil
        outcome = nil
        switch roll {
        case 0..<5: state = .received
        case 5..<8: state = .needsSupplement
        case 8..<13: state = .refused
            outcome = .refused
        case 13..<17: state = .denied
            outcome = .denied
        case 17..<20: state = [.accepted, .withCounty, .suspended][Int(roll % 3)]
        default: state = [.approved, .delivered, .archived][Int(roll % 3)]
            outcome = .approved
        }
        if outcome == .approved || outcome == .denied { workingDays = Int(random.next() % 26) }
        if state == .needsSupplement { supplemented = true }
    }

    /// The closest of the four older states, which the submission row keeps.
    var legacyState: String {
        switch state {
        case .received, .delivered, .archived: "received"
        case .needsSupplement: "needs_more"
        case .accepted, .inProgress, .suspended, .withCounty: "accepted"
        case .refused, .denied: "rejected"
        case .approved: "completed"
        }
    }
}

/// SplitMix64: the same cases on every run.
struct BenchRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
