import Foundation
import KioskCore
import Spreadsheets
import Testing
import TestSupport

/// Reads `path` back with openpyxl (Debian's python3-openpyxl) and returns what it saw, as JSON.
func readBack(_ path: String) throws -> [String: [[String]]] {
    let script = """
        import json, sys, openpyxl
        book = openpyxl.load_workbook(sys.argv[1])
        out = {}
        for sheet in book.worksheets:
            rows = [[sheet.freeze_panes or ""]]
            for row in sheet.iter_rows():
                rows.append([f"{c.data_type}:{c.value.isoformat() if hasattr(c.value, 'isoformat') else c.value}" for c in row])
            out[sheet.title] = rows
        print(json.dumps(out, ensure_ascii=False))
        """
    let result = try run("/usr/bin/python3", ["-c", script, path])
    try #require(result.status == 0, "openpyxl: \(result.stderr)")
    return try JSONDecoder().decode([String: [[String]]].self, from: Data(result.stdout.utf8))
}

@Suite("XLSX through libxlsxwriter, read back with openpyxl")
struct XLSXTests {
    @Test("Chinese headers, a frozen header row, dates as dates, numbers as numbers, formulas as text")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("结果.xlsx")
        let sheet = SpreadsheetSheet(
            name: "民政局", columns: [("回执编号", 22), ("受理日期", 12), ("办结时间", 18), ("用时(工作日)", 10), ("理由", 30)],
            rows: [
                [.text("XH03-260930-0001-7"), .date(CalendarDate(iso: "2026-09-30")!), .time(Date(timeIntervalSince1970: 1_791_000_000)),
                 .number(5), .text("=HYPERLINK(\"http://x\",\"点我\")")],
                [.text("+1+1"), .empty, .empty, .number(2.5), .text("@SUM(A1)")],
            ])
        try XLSX.write([sheet, SpreadsheetSheet(name: "a/b:c", columns: [("x", 5)], rows: [])], to: path)
        let book = try readBack(path)
        #expect(Set(book.keys) == ["民政局", "a_b_c"])
        let rows = try #require(book["民政局"])
        #expect(rows[0] == ["A2"], "the header row is frozen")
        #expect(rows[1] == ["s:回执编号", "s:受理日期", "s:办结时间", "s:用时(工作日)", "s:理由"])
        #expect(rows[2][0] == "s:XH03-260930-0001-7")
        #expect(rows[2][1] == "d:2026-09-30T00:00:00")
        // 1,791,000,000 s is 2026-10-03 04:00 UTC, 12:00 in China.
        #expect(rows[2][2] == "d:2026-10-03T12:00:00")
        #expect(rows[2][3] == "n:5")
        #expect(rows[2][4] == "s:=HYPERLINK(\"http://x\",\"点我\")", "a string cell, not a formula")
        #expect(rows[3][0] == "s:+1+1")
        #expect(rows[3][3] == "n:2.5")
        #expect(rows[3][4] == "s:@SUM(A1)")
    }

    @Test("a folder that cannot be written gives an error and leaves nothing behind")
    func unwritable() throws {
        #expect(throws: SpreadsheetError.self) {
            try XLSX.write([SpreadsheetSheet(name: "x", columns: [("a", 5)], rows: [[.text("b")]])], to: "/nonexistent/bianmin/x.xlsx")
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try XLSX.write([SpreadsheetSheet(name: "x", columns: [("a", 5)], rows: [[.text("b")]])], to: directory.file("ok.xlsx"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ok.xlsx"])
    }
}
