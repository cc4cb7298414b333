import Foundation
import KioskCore
import Spreadsheets
import TownCenter

/// A department's results (审批结果通报) as a file, for a department with no receiving endpoint:
/// CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese), XLSX or JSON, with the desk's words.
public enum ResultsExport {
    /// The column keys, in order; their titles are the desk's `results_<key>` words.
    static let columns = ["id", "at", "receipt", "matter", "event", "detail", "staff", "signed_by", "signed_at"]

    /// The rows' cells; `matterName` names a matter code.
    static func cells(
        _ notifications: [CaseNotification], words: [String: String], matterName: (String) -> String?
    ) -> [[SpreadsheetCell]] {
        notifications.map { notification in
            let detail = notification.event == .delivered
                ? notification.detail.map { words["delivery_\($0)"] ?? $0 } ?? "" : notification.detail ?? ""
            let matter = matterName(notification.matter).map { "\(notification.matter) \($0)" } ?? notification.matter
            return [
                .number(Double(notification.id)), .time(Date(timeIntervalSince1970: TimeInterval(notification.createdAt))),
                .text(notification.receipt), .text(matter.neutralizedForSpreadsheet),
                .text(words["notification_\(notification.event.rawValue)"] ?? notification.event.rawValue),
                .text(detail.neutralizedForSpreadsheet), .text(notification.staff.neutralizedForSpreadsheet),
                .text((notification.signedBy ?? "").neutralizedForSpreadsheet),
                notification.signedAt.map { .time(Date(timeIntervalSince1970: TimeInterval($0))) } ?? .empty,
            ]
        }
    }

    /// Writes `notifications` to `path` as `format` (`csv`, `xlsx` or `json`) in `language`, with the
    /// words of the desk's string table in `templates`.
    public static func write(
        _ notifications: [CaseNotification], format: String, to path: String, language: KioskLanguage, templates: String,
        matterName: (String) -> String?
    ) throws {
        let words = try DeskPages.loadWords(directory: templates, language: language)
        let titles = columns.map { words["results_\($0)"] ?? $0 }
        let rows = cells(notifications, words: words, matterName: matterName)
        switch format {
        case "xlsx":
            try XLSX.write(
                [SpreadsheetSheet(name: words["notifications_title"] ?? "results", columns: titles.map { ($0, $0 == titles[3] ? 40 : 16) }, rows: rows)],
                to: path)
        case "csv":
            let sheet = SpreadsheetSheet(name: "results", columns: titles.map { ($0, 16) }, rows: rows)
            try Data(CSV.text(sheet).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(notifications).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}
