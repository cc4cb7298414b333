import Documents
import Foundation
import KioskCore
import Spreadsheets

/// A town report as a workbook (a summary sheet, one sheet per dimension, the overdue list) or as a
/// printable A4 document, with the desk's words.
public enum ReportExport {
    /// The sheets of `report` in `language`, with the words of the desk's string table in `templates`;
    /// `matterName` names a matter code.
    public static func sheets(
        _ report: CaseReport, language: KioskLanguage, templates: String, matterName: @escaping (String) -> String?
    ) throws(DeskError) -> [SpreadsheetSheet] {
        let words = Words(try DeskPages.loadWords(directory: templates, language: language), matterName: matterName)
        let titles = Words.figureKeys.map { (title: words["report_\($0)"], width: 12.0) }
        func cells(_ figures: ReportFigures) -> [SpreadsheetCell] {
            func share(_ value: Double?) -> SpreadsheetCell { value.map { .number(($0 * 1000).rounded() / 10) } ?? .empty }
            return [
                .number(Double(figures.received)), .number(Double(figures.accepted)), .number(Double(figures.refused)),
                .number(Double(figures.approved)), .number(Double(figures.denied)), share(figures.supplementRate),
                share(figures.onTimeRate), figures.averageWorkingDays.map { .number(($0 * 10).rounded() / 10) } ?? .empty,
                figures.workingDaysP90.map { .number(Double($0)) } ?? .empty, .number(Double(figures.rated)),
                share(figures.satisfactionRate), .number(Double(figures.bad)),
            ]
        }
        let summary = SpreadsheetSheet(
            name: words["report_sheet_summary"],
            columns: [(words["report_from"], 12), (words["report_through"], 12)] + titles,
            rows: [[.date(report.from), .date(report.through)] + cells(report.total)])
        let dimensions = ReportDimension.allCases.map { dimension in
            SpreadsheetSheet(
                name: words["report_sheet_\(dimension.rawValue)"],
                columns: [(words["report_\(dimension.rawValue)"], dimension == .matter ? 40 : 16)] + titles,
                rows: (report.lines[dimension] ?? []).map { line in
                    [.text(words.line(line.key, of: dimension).neutralizedForSpreadsheet)] + cells(line.figures)
                })
        }
        let overdue = SpreadsheetSheet(
            name: words["report_sheet_overdue"],
            columns: Words.overdueKeys.enumerated().map { index, key in (words[key], index == 1 ? 40 : 16) },
            rows: report.overdue.map { item in
                [.text(item.receipt), .text(words.line(item.matter, of: ReportDimension.matter).neutralizedForSpreadsheet), .text(item.station),
                 .date(item.due), .number(Double(item.workingDaysOverdue))]
            })
        return [summary] + dimensions + [overdue]
    }

    /// `report` as an A4 document titled `title` (e.g. the center's name) in `language`; `madeOn` is
    /// the day it is made; the years of the period and of that day without a holiday file in
    /// `calendar` are named as estimates.
    public static func document(
        _ report: CaseReport, title: String, madeOn: CalendarDate, calendar: WorkingDayCalendar, language: KioskLanguage, templates: String,
        matterName: @escaping (String) -> String?
    ) throws(DeskError) -> ReportDocument {
        let estimatedYears = Set([report.from.year, report.through.year, madeOn.year]).filter { !calendar.hasSchedule(for: $0) }.sorted()
        let words = Words(try DeskPages.loadWords(directory: templates, language: language), matterName: matterName)
        func row(_ figures: ReportFigures) -> [String] {
            func share(_ value: Double?) -> String { value.map { String(format: "%.1f", $0 * 100) } ?? "–" }
            return [
                String(figures.received), String(figures.accepted), String(figures.refused), String(figures.approved),
                String(figures.denied), share(figures.supplementRate), share(figures.onTimeRate),
                figures.averageWorkingDays.map { String(format: "%.1f", $0) } ?? "–", figures.workingDaysP90.map(String.init) ?? "–",
                String(figures.rated), share(figures.satisfactionRate), String(figures.bad),
            ]
        }
        let figureTitles = Words.figureKeys.map { words["report_\($0)"] }
        let period = words["report_from"] + " \(report.from) " + words["report_through"] + " \(report.through)"
        var subtitle = [period, words["report_made"] + " \(madeOn)"]
        if !estimatedYears.isEmpty {
            subtitle.append(words["calendar_missing"].replacingOccurrences(of: "%@", with: estimatedYears.map(String.init).joined(separator: ", ")))
        }
        let sections = ReportDimension.allCases.map { dimension in
            let lines = report.lines[dimension] ?? []
            return ReportDocument.Section(
                title: words["report_sheet_\(dimension.rawValue)"], columns: [words["report_\(dimension.rawValue)"]] + figureTitles,
                rows: lines.map { [words.line($0.key, of: dimension)] + row($0.figures) },
                bars: dimension == .matter ? nil : lines.map { line -> ReportDocument.Bar in
                    ReportDocument.Bar(label: String(words.line(line.key, of: dimension).prefix(16)), value: line.figures.received)
                },
                barsCaption: words["report_received"])
        }
        let overdue = ReportDocument.Section(
            title: words["report_sheet_overdue"] + " (\(report.overdue.count))", columns: Words.overdueKeys.map { words[$0] },
            rows: report.overdue.map { item -> [String] in
                [item.receipt, words.line(item.matter, of: ReportDimension.matter), item.station, item.due.description, String(item.workingDaysOverdue)]
            })
        return ReportDocument(
            title: title, subtitle: subtitle, summary: zip(figureTitles, row(report.total)).map { (label: $0, value: $1) },
            sections: sections + [overdue], footer: "\(title) \(report.from)–\(report.through)")
    }

    /// The name of the line `key` of `dimension` in the desk's `words`: a matter's code and name, a
    /// department's or channel's words, a station's code.
    static func lineName(_ key: String, of dimension: ReportDimension, words: [String: String], matterName: (String) -> String?) -> String {
        switch dimension {
        case .matter: matterName(key).map { "\(key) \($0)" } ?? key
        case .department: key.isEmpty ? words["report_unknown"] ?? key : words["department_\(key)"] ?? key
        case .channel: words["channel_\(key)"] ?? key
        case .station: key
        }
    }

    /// The desk's words for a report.
    private struct Words {
        static let figureKeys = [
            "received", "accepted", "refused", "approved", "denied", "supplement_rate", "on_time_rate", "average_days", "p90_days", "rated",
            "satisfaction_rate", "bad",
        ]
        static let overdueKeys = ["report_receipt", "report_matter", "report_station", "report_due", "report_days_overdue"]

        let table: [String: String]
        let matterName: (String) -> String?

        init(_ table: [String: String], matterName: @escaping (String) -> String?) {
            self.table = table
            self.matterName = matterName
        }

        subscript(_ key: String) -> String { table[key] ?? key }

        /// The name of a dimension's line with `key`.
        func line(_ key: String, of dimension: ReportDimension) -> String {
            ReportExport.lineName(key, of: dimension, words: table, matterName: matterName)
        }
    }
}
