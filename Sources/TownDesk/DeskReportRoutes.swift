import Documents
import Executors
import Foundation
import Hummingbird
import KioskCore
import Spreadsheets
import TownCenter

/// The reports page (信息汇总): a month's or a year's figures per matter, department, station and
/// channel, with bar charts drawn on the server as SVG, and the same report as XLSX.
extension DeskRoutes {
    /// A report period from the query: `YYYY-MM` (a month) or `YYYY` (a year), 2000–2099.
    static func period(_ text: String) -> (from: CalendarDate, through: CalendarDate)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 4, let year = Int(parts[0]), (2000...2099).contains(year) else { return nil }
        if parts.count == 1 { return (CalendarDate(year: year, month: 1, day: 1)!, CalendarDate(year: year, month: 12, day: 31)!) }
        guard parts[1].count == 2, let month = Int(parts[1]), let first = CalendarDate(year: year, month: month, day: 1) else { return nil }
        return (first, CalendarDate(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1)!.adding(days: -1))
    }

    /// The report of the period the query names (this month by default), for every role; a
    /// department account sees its department's matters only.
    func report(_ request: Request, _ context: DeskContext) async throws -> (session: DeskSession, period: String, report: CaseReport)? {
        guard let session = try session(context, roles: Set(StaffRole.allCases)) else { return nil }
        let today = ChinaTime.day(now)
        let text = request.uri.queryParameters.get("period").map { String($0) } ?? String(format: "%04d-%02d", today.year, today.month)
        guard text.count <= 7, let (from, through) = Self.period(text) else { throw HTTPError(.badRequest) }
        let report = try await center.report(
            from: from, through: through, department: session.role == .department ? session.department : nil, calendar: calendar)
        return (session, text, report)
    }

    func reportPage(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let (session, period, report) = try await report(request, context) else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let language = session.language
        let strings = pages.words(language)
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        func figures(_ name: String, _ figures: ReportFigures) -> [String: Any] {
            [
                "name": name, "received": figures.received, "accepted": figures.accepted, "refused": figures.refused,
                "approved": figures.approved, "denied": figures.denied, "supplement_rate": percent(figures.supplementRate),
                "on_time_rate": percent(figures.onTimeRate), "average_days": figures.averageWorkingDays.map { String(format: "%.1f", $0) } ?? "—",
                "p90_days": figures.workingDaysP90.map(String.init) ?? "—", "rated": figures.rated,
                "satisfaction_rate": percent(figures.satisfactionRate), "bad": figures.bad,
            ]
        }
        let sections = ReportDimension.allCases.map { dimension -> [String: Any] in
            let lines = report.lines[dimension] ?? []
            let names = lines.map { line in
                ReportExport.lineName(line.key, of: dimension, words: strings) { matters[$0]?.name.text(language) }
            }
            return [
                "title": strings["report_sheet_\(dimension.rawValue)"] ?? dimension.rawValue,
                "heading": strings["report_\(dimension.rawValue)"] ?? dimension.rawValue,
                "chart": Self.barChart(zip(names, lines).map { ($0, $1.figures) }, label: strings["report_chart"] ?? ""),
                "lines": zip(names, lines).map { figures($0, $1.figures) },
            ]
        }
        let opens = session.role != .admin
        let overdue = report.overdue.map { item -> [String: Any] in
            [
                "receipt": item.receipt, "link": opens ? "/desk/cases/" + item.receipt : false,
                "matter": matters[item.matter].map { "\(item.matter) \($0.name.text(language))" } ?? item.matter,
                "station": item.station, "due": item.due.description, "days": item.workingDaysOverdue,
            ]
        }
        let values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "back": "/desk/reports?period=" + period, "period": period,
            "from": report.from.description, "through": report.through.description, "total": figures("", report.total),
            "sections": sections, "download": "/desk/reports.xlsx?period=" + period, "download_pdf": "/desk/reports.pdf?period=" + period,
            "inbox": opens, "overdue": overdue, "overdue_count": report.overdue.count,
        ]
        return html(pages.render("reports", values, language: language), noStore: true)
    }

    /// The report as XLSX: the same workbook as `towncenter report`.
    func reportWorkbook(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let (session, period, report) = try await report(request, context) else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let language = session.language
        let matters = matters
        let sheets = try ReportExport.sheets(report, language: language, templates: pages.directory) { matters[$0]?.name.text(language) }
        var headers: HTTPFields = [.cacheControl: "no-store", .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        headers[.contentDisposition] = #"attachment; filename="bianmin-report-\#(period).xlsx""#
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await Self.workbook(sheets))))
    }

    /// The report as an A4 PDF: the same document as `towncenter report --format pdf`.
    func reportDocument(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let (session, period, report) = try await report(request, context) else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let language = session.language
        let matters = matters
        let document = try ReportExport.document(
            report, title: pages.words(language)["report_title"] ?? "", madeOn: ChinaTime.day(now), calendar: calendar, language: language,
            templates: pages.directory
        ) { matters[$0]?.name.text(language) }
        let executor = BlockingWorkExecutor(label: "bianmin.desk.report")
        let rendered: Result<Data, DocumentError> = await withTaskExecutorPreference(executor) { Result { () throws(DocumentError) in try Documents.reportPDF(document) } }
        let pdf = try withExtendedLifetime(executor) { try rendered.get() }
        var headers: HTTPFields = [.cacheControl: "no-store", .contentType: "application/pdf"]
        headers[.contentDisposition] = #"attachment; filename="bianmin-report-\#(period).pdf""#
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    /// A horizontal bar chart of the received cases of each line, with its on-time share, as the
    /// values of an inline SVG: sizes computed here, so the page needs no script and no style attribute.
    static func barChart(_ lines: [(name: String, figures: ReportFigures)], label: String) -> [String: Any] {
        let rowHeight = 22
        let labelWidth = 260
        let barSpace = 300
        let largest = max(1, lines.map(\.figures.received).max() ?? 1)
        let bars = lines.enumerated().map { index, line -> [String: Any] in
            let width = line.figures.received * barSpace / largest
            let y = index * rowHeight
            let onTime = line.figures.onTimeRate.map { String(format: " · %.0f%%", $0 * 100) } ?? ""
            return [
                "name": line.name, "y": y + 3, "text_y": y + 15, "width": max(width, line.figures.received > 0 ? 1 : 0),
                "value_x": labelWidth + width + 6, "value": "\(line.figures.received)\(onTime)", "label_x": labelWidth - 6,
            ]
        }
        return ["label": label, "bars": bars, "height": max(rowHeight, lines.count * rowHeight), "bar_x": labelWidth,
                "width": labelWidth + barSpace + 120]
    }
}
