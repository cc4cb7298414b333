import ArgumentParser
import Documents
import Foundation
import KioskCore
import Spreadsheets
import TownCenter
import TownDesk

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The town's statistics (信息汇总) over the cases received in a month or a year.",
        subcommands: [Monthly.self, Yearly.self, Results.self])

    /// What both periods take.
    struct ReportOptions: ParsableArguments {
        @OptionGroup var center: CenterOptions

        @OptionGroup var calendar: CalendarCommand.CalendarOptions
        @Option(help: "pdf (an A4 report with bar charts), xlsx (a summary sheet, one per matter, department, station and channel, and the overdue list) or json.")
        var format: Format
        @Option(help: "The title of the PDF report, e.g. 新河镇为民服务中心信息汇总.")
        var title = "为民服务中心信息汇总"

        @Option(help: "The file to write.")
        var out: String

        @Option(help: "The language of the workbook's words: zh-Hans or en.")
        var language: String = "zh-Hans"

        @Option(help: "The desk's templates, whose string tables give the words (default ./Resources/desk, then /usr/share/bianmin/desk).")
        var templates: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case pdf, xlsx, json }

        /// Compiles the report of the cases received from `from` through `through` and writes it.
        func write(from: CalendarDate, through: CalendarDate) async throws {
            guard let language = KioskLanguage(rawValue: language) else { throw ValidationError("--language must be zh-Hans or en") }
            let center = try center.open()
            let (_, workingDays) = try calendar.load()
            let report = try await reporting { () async throws(CenterError) in
                try await center.report(from: from, through: through, calendar: workingDays)
            }
            let catalog = try await reporting { () async throws(CenterError) in try await center.publishedCatalog() }
            try writing(out) {
                switch format {
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    try encoder.encode(ReportJSON(report)).write(to: URL(fileURLWithPath: out), options: .atomic)
                case .pdf:
                    let document = try ReportExport.document(
                        report, title: title, madeOn: ChinaTime.day(center.now), calendar: workingDays, language: language,
                        templates: DeskConfiguration.templatesDirectory(explicit: templates)
                    ) { catalog.matter($0)?.name.text(language) }
                    try Documents.reportPDF(document).write(to: URL(fileURLWithPath: out), options: .atomic)
                case .xlsx:
                    let sheets = try ReportExport.sheets(
                        report, language: language, templates: DeskConfiguration.templatesDirectory(explicit: templates)
                    ) { catalog.matter($0)?.name.text(language) }
                    try XLSX.write(sheets, to: out)
                }
            }
            print("\(out): \(report.total.received) cases received \(from) – \(through), \(report.overdue.count) overdue")
        }
    }

    struct Monthly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "monthly", abstract: "The report of one month.")
        @OptionGroup var options: ReportOptions
        @Option(help: "The month, YYYY-MM.") var month: String

        func run() async throws {
            let parts = month.split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]),
                  let first = CalendarDate(year: year, month: number, day: 1), (2000...2099).contains(year)
            else { throw ValidationError("--month must be YYYY-MM, 2000–2099, not '\(month)'") }
            let last = CalendarDate(year: number == 12 ? year + 1 : year, month: number % 12 + 1, day: 1)!.adding(days: -1)
            try await options.write(from: first, through: last)
        }
    }

    struct Yearly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "yearly", abstract: "The report of one year.")
        @OptionGroup var options: ReportOptions
        @Option(help: "The year, 2000–2099.") var year: Int

        func run() async throws {
            guard (2000...2099).contains(year) else { throw ValidationError("--year must be 2000–2099") }
            try await options.write(from: CalendarDate(year: year, month: 1, day: 1)!, through: CalendarDate(year: year, month: 12, day: 31)!)
        }
    }
}

extension ReportCommand {
    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "results",
            abstract: "A county department's results (审批结果通报) from DATE to DATE as CSV, XLSX or JSON, for a department with no endpoint.",
            discussion: """
                Every acceptance, refusal, decision and delivery of the department's matters made in the days given \
                (China Standard Time), oldest first, with who signed for each. CSV is UTF-8 with a byte-order mark; a \
                value that a spreadsheet would read as a formula is prefixed with an apostrophe in CSV and XLSX.
                """)

        @OptionGroup var center: CenterOptions
        @Option(help: "The county department, e.g. 民政局.") var department: String
        @Option(help: "The first day, YYYY-MM-DD.") var from: String
        @Option(help: "The last day, YYYY-MM-DD (inclusive).") var to: String
        @Option(help: "csv, xlsx or json.") var format: String
        @Option(help: "The file to write.") var out: String
        @Option(help: "The language of the words: zh-Hans or en.") var language = "zh-Hans"
        @Option(help: "The desk's templates, whose string tables give the words (default ./Resources/desk, then /usr/share/bianmin/desk).")
        var templates: String?

        func run() async throws {
            guard let department = Department(rawValue: department) else {
                throw ValidationError("--department must be one of \(Department.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let first = CalendarDate(iso: from), let last = CalendarDate(iso: to), (2000...2099).contains(first.year),
                  (2000...2099).contains(last.year), first <= last
            else { throw ValidationError("--from and --to must be dates YYYY-MM-DD, 2000–2099, --from not after --to") }
            guard ["csv", "xlsx", "json"].contains(format) else { throw ValidationError("--format must be csv, xlsx or json") }
            guard let language = KioskLanguage(rawValue: language) else { throw ValidationError("--language must be zh-Hans or en") }
            let center = try center.open()
            let notifications = try await reporting { () async throws(CenterError) in
                try await center.database.notifications(
                    department: department, unsignedOnly: false, since: ChinaTime.startOfDay(first),
                    before: ChinaTime.startOfDay(last.adding(days: 1)), limit: 1_000_000)
            }.reversed()
            let catalog = try await reporting { () async throws(CenterError) in try await center.publishedCatalog() }
            try writing(out) {
                try ResultsExport.write(
                    Array(notifications), format: format, to: out, language: language,
                    templates: DeskConfiguration.templatesDirectory(explicit: templates)) { catalog.matter($0)?.name.text(language) }
            }
            print("\(out): \(notifications.count) results of \(department.rawValue) \(first) – \(last)")
        }
    }
}

/// Runs `body`, which writes `out`: missing string tables exit 66, a value JSON cannot hold 70, and a
/// file that cannot be written 74, each with a message.
func writing(_ out: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DeskError {
        printError(error.description)
        throw ExitCode(66)
    } catch let error as EncodingError {
        printError("\(out): \(error)")
        throw ExitCode(70)
    } catch {
        printError("\(out): \(error)")
        throw ExitCode(74)
    }
}

/// A report as JSON: the period, the figures of every case and the lines per dimension.
struct ReportJSON: Encodable {
    struct Figures: Encodable {
        var received, accepted, refused, approved, denied, supplemented, timed, onTime: Int
        var supplementRate, onTimeRate, averageWorkingDays: Double?
        var workingDaysP90: Int?
        var rated, satisfied, bad: Int
        var satisfactionRate: Double?

        init(_ figures: ReportFigures) {
            (received, accepted, refused, approved, denied) = (figures.received, figures.accepted, figures.refused, figures.approved, figures.denied)
            (supplemented, timed, onTime) = (figures.supplemented, figures.timed, figures.onTime)
            (supplementRate, onTimeRate) = (figures.supplementRate, figures.onTimeRate)
            (averageWorkingDays, workingDaysP90) = (figures.averageWorkingDays, figures.workingDaysP90)
            (rated, satisfied, bad, satisfactionRate) = (figures.rated, figures.satisfied, figures.bad, figures.satisfactionRate)
        }
    }

    struct Line: Encodable {
        var key: String
        var figures: Figures
    }

    var from: String
    var through: String
    var total: Figures
    var lines: [String: [Line]]
    var overdue: [Overdue]

    struct Overdue: Encodable {
        var receipt, matter, station, due: String
        var workingDaysOverdue: Int
    }

    init(_ report: CaseReport) {
        from = report.from.description
        through = report.through.description
        total = Figures(report.total)
        overdue = report.overdue.map {
            Overdue(receipt: $0.receipt, matter: $0.matter, station: $0.station, due: $0.due.description, workingDaysOverdue: $0.workingDaysOverdue)
        }
        lines = Dictionary(uniqueKeysWithValues: report.lines.map { dimension, lines in
            (dimension.rawValue, lines.map { Line(key: $0.key, figures: Figures($0.figures)) })
        })
    }
}
