import Foundation
import KioskCore
import Spreadsheets

/// A town report as a workbook: a summary sheet, then one sheet per dimension, with the desk's words.
public enum ReportExport {
    /// The sheets of `report` in `language`, with the words of the desk's string table in `templates`;
    /// `matterName` names a matter code.
    public static func sheets(
        _ report: CaseReport, language: KioskLanguage, templates: String, matterName: (String) -> String?
    ) throws(DeskError) -> [SpreadsheetSheet] {
        let words = try DeskPages.loadWords(directory: templates, language: language)
        func word(_ key: String) -> String { words[key] ?? key }
        let titles = ["received", "accepted", "refused", "approved", "denied", "supplement_rate", "on_time_rate", "average_days", "p90_days"]
            .map { (title: word("report_\($0)"), width: 12.0) }
        func cells(_ figures: ReportFigures) -> [SpreadsheetCell] {
            func share(_ value: Double?) -> SpreadsheetCell { value.map { .number(($0 * 1000).rounded() / 10) } ?? .empty }
            return [
                .number(Double(figures.received)), .number(Double(figures.accepted)), .number(Double(figures.refused)),
                .number(Double(figures.approved)), .number(Double(figures.denied)), share(figures.supplementRate),
                share(figures.onTimeRate), figures.averageWorkingDays.map { .number(($0 * 10).rounded() / 10) } ?? .empty,
                figures.workingDaysP90.map { .number(Double($0)) } ?? .empty,
            ]
        }
        let summary = SpreadsheetSheet(
            name: word("report_sheet_summary"),
            columns: [(word("report_from"), 12), (word("report_through"), 12)] + titles,
            rows: [[.date(report.from), .date(report.through)] + cells(report.total)])
        let dimensions = ReportDimension.allCases.map { dimension in
            SpreadsheetSheet(
                name: word("report_sheet_\(dimension.rawValue)"),
                columns: [(word("report_\(dimension.rawValue)"), dimension == .matter ? 40 : 16)] + titles,
                rows: (report.lines[dimension] ?? []).map { line in
                    let name: String = switch dimension {
                    case .matter: matterName(line.key).map { "\(line.key) \($0)" } ?? line.key
                    case .department: line.key.isEmpty ? word("report_unknown") : word("department_\(line.key)")
                    case .channel: word("channel_\(line.key)")
                    case .station: line.key
                    }
                    return [.text(name.neutralizedForSpreadsheet)] + cells(line.figures)
                })
        }
        return [summary] + dimensions
    }
}
