import Foundation
import KioskCore

/// A sheet as CSV for Excel: UTF-8 with a byte-order mark, CRLF lines, text that looks like a formula neutralised.
public enum CSV {
    /// The sheet's header row and rows as CSV text.
    public static func text(_ sheet: SpreadsheetSheet) -> String {
        func field(_ cell: SpreadsheetCell) -> String {
            switch cell {
            case .text(let text): text.csvField
            case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case .time(let date): ChinaTime.minuteText(Int64(date.timeIntervalSince1970))
            case .date(let day): day.description
            case .empty: ""
            }
        }
        let lines = [sheet.columns.map(\.title.csvField)] + sheet.rows.map { $0.map(field) }
        return "\u{FEFF}" + lines.map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}
