import CXlsxwriter
import FileSystem
import Foundation
import KioskCore

/// One cell of a sheet.
public enum SpreadsheetCell: Sendable, Hashable {
    /// Text, stored as a string cell: never read as a formula, whatever it starts with.
    case text(String)
    /// A number.
    case number(Double)
    /// A calendar date, stored as a date shown `yyyy-mm-dd`.
    case date(CalendarDate)
    /// An instant, stored as a date and time in China Standard Time, shown `yyyy-mm-dd hh:mm`.
    case time(Date)
    /// Nothing.
    case empty
}

/// One sheet: a frozen header row of column titles, then rows of cells.
public struct SpreadsheetSheet: Sendable, Hashable {
    /// The sheet's name (at most 31 characters; `[]:*?/\` are replaced).
    public var name: String
    /// Column titles, with each column's width in characters.
    public var columns: [(title: String, width: Double)]
    /// The rows, each as many cells as there are columns (fewer are padded, more are cut).
    public var rows: [[SpreadsheetCell]]

    /// A sheet from its parts.
    public init(name: String, columns: [(title: String, width: Double)], rows: [[SpreadsheetCell]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    public static func == (a: SpreadsheetSheet, b: SpreadsheetSheet) -> Bool {
        a.name == b.name && a.columns.map(\.title) == b.columns.map(\.title) && a.columns.map(\.width) == b.columns.map(\.width)
            && a.rows == b.rows
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(columns.map(\.title))
        hasher.combine(rows)
    }
}

/// Why a spreadsheet could not be written.
public enum SpreadsheetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libxlsxwriter refused (its message).
    case library(String)
    /// More rows or columns than a sheet holds.
    case tooLarge(rows: Int, columns: Int)
    /// The finished file could not be put in place.
    case file(DurableFile.Failure)

    public var description: String {
        switch self {
        case .library(let message): "cannot write the spreadsheet: \(message)"
        case .tooLarge(let rows, let columns): "a sheet holds at most 1,048,575 rows and 16,384 columns, not \(rows) and \(columns)"
        case .file(let failure): "cannot save the spreadsheet: \(failure)"
        }
    }
}

/// Writes XLSX workbooks through libxlsxwriter. Blocking: call it off the cooperative pool.
public enum XLSX {
    /// Writes `sheets` to `path`, atomically: the file appears whole or not at all.
    public static func write(_ sheets: [SpreadsheetSheet], to path: String) throws(SpreadsheetError) {
        for sheet in sheets where sheet.rows.count >= 1_048_576 || sheet.columns.count > 16_384 {
            throw .tooLarge(rows: sheet.rows.count, columns: sheet.columns.count)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let scratch = (folder.isEmpty ? "" : folder + "/") + ".\((path as NSString).lastPathComponent).\(UInt64.random(in: .min ... .max)).xlsx"
        defer { unlink(scratch) }
        try render(sheets, to: scratch)
        guard let bytes = FileManager.default.contents(atPath: scratch) else {
            throw .library("the workbook was not written to \(scratch)")
        }
        do {
            try DurableFile.write(bytes, to: path)
        } catch {
            throw .file(error)
        }
    }

    private static func render(_ sheets: [SpreadsheetSheet], to path: String) throws(SpreadsheetError) {
        guard let workbook = workbook_new(path) else { throw .library("cannot create \(path)") }
        let header = workbook_add_format(workbook)
        format_set_bold(header)
        format_set_bg_color(header, 0xDDEBF7)
        let dateFormat = workbook_add_format(workbook)
        format_set_num_format(dateFormat, "yyyy-mm-dd")
        let timeFormat = workbook_add_format(workbook)
        format_set_num_format(timeFormat, "yyyy-mm-dd hh:mm")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .china
        var failure: lxw_error = LXW_NO_ERROR
        func check(_ error: lxw_error) { if failure == LXW_NO_ERROR, error != LXW_NO_ERROR { failure = error } }
        for (index, sheet) in sheets.enumerated() {
            let worksheet = workbook_add_worksheet(workbook, sheetName(sheet.name, index: index, among: sheets))
            for (column, spec) in sheet.columns.enumerated() {
                check(worksheet_set_column(worksheet, lxw_col_t(column), lxw_col_t(column), spec.width, nil))
                check(worksheet_write_string(worksheet, 0, lxw_col_t(column), spec.title, header))
            }
            worksheet_freeze_panes(worksheet, 1, 0)
            for (offset, row) in sheet.rows.enumerated() {
                let r = lxw_row_t(offset + 1)
                for (column, cell) in row.prefix(sheet.columns.count).enumerated() {
                    let c = lxw_col_t(column)
                    switch cell {
                    case .text(let text): check(worksheet_write_string(worksheet, r, c, text, nil))
                    case .number(let number): check(worksheet_write_number(worksheet, r, c, number, nil))
                    case .date(let date):
                        var value = lxw_datetime(year: Int32(date.year), month: Int32(date.month), day: Int32(date.day), hour: 0, min: 0, sec: 0)
                        check(worksheet_write_datetime(worksheet, r, c, &value, dateFormat))
                    case .time(let instant):
                        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
                        var value = lxw_datetime(
                            year: Int32(p.year ?? 1900), month: Int32(p.month ?? 1), day: Int32(p.day ?? 1), hour: Int32(p.hour ?? 0),
                            min: Int32(p.minute ?? 0), sec: Double(p.second ?? 0))
                        check(worksheet_write_datetime(worksheet, r, c, &value, timeFormat))
                    case .empty: break
                    }
                }
            }
        }
        let closed = workbook_close(workbook)
        if failure == LXW_NO_ERROR { failure = closed }
        guard failure == LXW_NO_ERROR else { throw .library(String(cString: lxw_strerror(failure))) }
    }

    /// A name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
    static func sheetName(_ name: String, index: Int, among sheets: [SpreadsheetSheet]) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        let earlier = sheets.prefix(index).map { String($0.name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31)) }
        return cleaned.isEmpty || earlier.contains(cleaned) ? "Sheet\(index + 1)" : cleaned
    }
}
