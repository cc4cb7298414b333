import Foundation
import KioskCore
import Testing
import TestSupport
@testable import TownCenter
import GRDB
import Documents
import TownDesk

@Suite("town reports (信息汇总)", .serialized)
struct ReportTests {
    @Test("a month's figures over real workflow steps: working days to decision across the National Day holiday, refusals, supplements")
    func figuresFromTheWorkflow() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(4)
        defer { try? FileManager.default.removeItem(at: directory) }
        let calendar = nationalDay2026
        try await center.transition(receipt: receipts[0], .accept, staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[1], .refuse(reason: "不属于本镇办理", goTo: "县民政局"), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[2], .requestSupplement(items: ["户口簿"]), staff: "win", calendar: calendar)
        clock.set(chinaMorning("2026-10-13"))
        try await center.transition(receipt: receipts[0], .sendToCounty(unit: "县民政局"), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .decide(approved: true, reasons: ""), staff: "mz", calendar: calendar)

        let day = { (text: String) in CalendarDate(iso: text)! }
        let report = try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), calendar: nationalDay2026)
        let total = report.total
        #expect([total.received, total.accepted, total.refused, total.approved, total.denied, total.supplemented] as [Int] == [4, 1, 1, 1, 0, 1])
        // Accepted Sep 30, approved Oct 13: Oct 8, 9, 10 (a worked Saturday), 12, 13.
        #expect(total.timed == 1 && total.onTime == 1 && total.averageWorkingDays == 5 && total.workingDaysP90 == 5)
        #expect(report.lines[ReportDimension.department]?.map { $0.key } == ["民政局"])
        #expect(report.lines[ReportDimension.station]?.map { $0.key } == ["XH03"])
        #expect(try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), department: .civilAffairs, calendar: nationalDay2026).total.received == 4)
        #expect(try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), department: .humanResources, calendar: nationalDay2026).total.received == 0)
        // Cases count in the period they were received in.
        #expect(try await center.report(from: day("2026-10-01"), through: day("2026-10-31"), calendar: nationalDay2026).total.received == 0)
    }

    @Test("the overdue list names the open cases past their working-day deadline (hand-counted across National Day); the A4 PDF report carries it (pdftotext)")
    func overdueListAndPDF() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(3)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await center.transition(receipt: receipts[0], .accept, staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[1], .refuse(reason: "不属于本镇办理", goTo: "县民政局"), staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[2], .accept, staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[2], .sendToCounty(unit: "县民政局"), staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[2], .decide(approved: true, reasons: ""), staff: "mz", calendar: nationalDay2026)
        // Accepted 09-30 with 20 working days: Oct 8, 9, 10 (worked Saturday), 12, 13 … 30, Nov 2, 3.
        clock.set(chinaMorning("2026-11-03"))
        let day = { (text: String) in CalendarDate(iso: text)! }
        #expect(try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), calendar: nationalDay2026).overdue.isEmpty)
        clock.set(chinaMorning("2026-11-10"))
        let report = try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), calendar: nationalDay2026)
        #expect(report.overdue == [OverdueCase(receipt: receipts[0], matter: "MZ-GG-01", station: "XH03", due: day("2026-11-03"), workingDaysOverdue: 5)])
        #expect(try await center.report(from: day("2026-09-01"), through: day("2026-09-30"), department: .humanResources, calendar: nationalDay2026).overdue.isEmpty)

        let document = try ReportExport.document(
            report, title: "新河镇为民服务中心信息汇总", madeOn: day("2026-11-10"), calendar: nationalDay2026, language: .zhHans,
            templates: packageRoot.appendingPathComponent("Resources/desk").path
        ) { _ in "80周岁以上高龄津贴" }
        let path = directory.appendingPathComponent("report.pdf").path
        try Documents.reportPDF(document).write(to: URL(fileURLWithPath: path))
        let text = try noticeText(path)
        #expect(text.contains("新河镇为民服务中心信息汇总") && text.contains("起2026-09-01止2026-09-30") && text.contains("制表日期2026-11-10"))
        #expect(text.contains("逾期未办结(1)") && text.contains(receipts[0]) && text.contains("2026-11-03"), "\(text)")
        #expect(text.contains("按部门") && text.contains("民政局") && text.contains("第1页/共"))
    }

    @Test("towncenter report monthly writes JSON and an XLSX with Chinese headers, dates as dates and a frozen header row (read back with openpyxl)")
    func commandFiles() async throws {
        let (data, receipts, directory) = try await commandCenter(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let refused = try towncenter([
            "submissions", "refuse", receipts[1], "--reason", "不属于本镇办理", "--go-to", "县民政局", "--staff", "win",
            "--data", data, "--calendar", shippedCalendar,
        ])
        try #require(refused.status == 0, "\(refused.stderr)")
        let today = CalendarDate(Date())
        let month = String(format: "%04d-%02d", today.year, today.month)
        let json = directory.appendingPathComponent("report.json").path
        let written = try towncenter(["report", "monthly", "--month", month, "--format", "json", "--out", json, "--data", data])
        #expect(written.status == 0, "\(written.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["received"] as? Int == 2 && total["refused"] as? Int == 1 && total["accepted"] as? Int == 0)
        #expect((object["lines"] as? [String: Any])?.keys.sorted() == ["channel", "department", "matter", "station"])

        let xlsx = directory.appendingPathComponent("report.xlsx").path
        let book = try towncenter([
            "report", "monthly", "--month", month, "--format", "xlsx", "--out", xlsx, "--data", data,
            "--templates", packageRoot.appendingPathComponent("Resources/desk").path,
        ])
        #expect(book.status == 0, "\(book.stderr)")
        let script = """
            import json, sys, openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({s.title: {"freeze": s.freeze_panes, "rows": [[f"{c.data_type}:{c.value}" for c in row] for row in s.iter_rows()]}
                              for s in book.worksheets}, ensure_ascii=False, default=str))
            """
        let read = try run("/usr/bin/python3", ["-c", script, xlsx])
        try #require(read.status == 0, "openpyxl: \(read.stderr)")
        let sheets = try JSONDecoder().decode([String: Sheet].self, from: Data(read.stdout.utf8))
        #expect(Set(sheets.keys) == ["汇总", "按事项", "按部门", "按村站", "按渠道", "逾期未办结"])
        #expect(try #require(sheets["逾期未办结"]).rows == [["s:回执编号", "s:事项", "s:村站", "s:期限", "s:逾期(工作日)"]], "nothing is overdue yet")
        let summary = try #require(sheets["汇总"])
        #expect(summary.freeze == "A2")
        #expect(summary.rows[0].prefix(4) == ["s:起", "s:止", "s:收件", "s:受理"])
        #expect(summary.rows[1][0] == "d:\(today.year)-\(String(format: "%02d", today.month))-01 00:00:00", "\(summary.rows[1])")
        #expect(summary.rows[1][2] == "n:2" && summary.rows[1][4] == "n:1", "\(summary.rows[1])")
        let pdf = directory.appendingPathComponent("report.pdf").path
        let printed = try towncenter([
            "report", "monthly", "--month", month, "--format", "pdf", "--out", pdf, "--data", data, "--title", "新河镇为民服务中心信息汇总",
            "--templates", packageRoot.appendingPathComponent("Resources/desk").path, "--calendar", shippedCalendar,
        ])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(try noticeText(pdf).contains("新河镇为民服务中心信息汇总"))
        let matters = try #require(sheets["按事项"])
        #expect(matters.rows[1][0].hasPrefix("s:MZ-GG-01 "), "\(matters.rows)")
        #expect(try #require(sheets["按部门"]).rows[1][0] == "s:民政局")
    }

    @Test("a report reads one covering index in its grouping order: no table lookups, no sort (EXPLAIN QUERY PLAN)")
    func plan() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try await center.database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + CenterDatabase.caseFactsSQL(matterCount: nil), arguments: [0, 1])
                .map { $0["detail"] as String }
        }
        #expect(plan == ["SCAN submission USING COVERING INDEX submission_report"], "\(plan)")
        // A department's report seeks its matters in the same index.
        let departmentPlan = try await center.database.writer.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + CenterDatabase.caseFactsSQL(matterCount: 2), arguments: [0, 1, "MZ-GG-01", "MZ-GG-02"]
            ).map { $0["detail"] as String }
        }
        #expect(departmentPlan.count == 1 && departmentPlan[0].hasPrefix("SEARCH submission USING COVERING INDEX submission_report (matter=?)"),
                "\(departmentPlan)")
    }

    @Test("towncenter report results writes a department's results as CSV (BOM, formulas neutralised), XLSX (dates as dates, frozen header) and JSON")
    func results() async throws {
        let (data, receipts, directory) = try await commandCenter(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let calendar = ["--data", data, "--calendar", shippedCalendar, "--staff", "win"]
        #expect(try towncenter(["submissions", "accept", receipts[0]] + calendar).status == 0)
        #expect(try towncenter(["submissions", "refuse", receipts[1], "--reason", "=1+1", "--go-to", "县民政局"] + calendar).status == 0)
        let today = CalendarDate(Date()).description
        func export(_ format: String, department: String = "民政局") throws -> (CommandResult, String) {
            let out = directory.appendingPathComponent("results-\(UUID().uuidString).\(format)").path
            let result = try towncenter([
                "report", "results", "--department", department, "--from", today, "--to", today, "--format", format, "--out", out,
                "--data", data, "--templates", packageRoot.appendingPathComponent("Resources/desk").path,
            ])
            return (result, out)
        }
        let (csvRun, csv) = try export("csv")
        #expect(csvRun.status == 0, "\(csvRun.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csv))
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "a byte-order mark, so that Excel reads UTF-8")
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3 && lines[0] == "通报编号,时间,受理编号,事项,通报事项,说明,经办人,签收人,签收时间", "\(lines)")
        #expect(lines[1].hasPrefix("1,") && lines[1].contains(",\(receipts[0]),MZ-GG-01 ") && lines[1].contains(",已受理,,win,,"), "\(lines[1])")
        #expect(lines[2].contains(",不予受理,'=1+1 → 县民政局,win,,"), "\(lines[2])")

        let (xlsxRun, xlsx) = try export("xlsx")
        #expect(xlsxRun.status == 0, "\(xlsxRun.stderr)")
        let script = """
            import json, sys, openpyxl
            s = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
            print(json.dumps({"freeze": s.freeze_panes, "rows": [[f"{c.data_type}:{c.value}" for c in r] for r in s.iter_rows()]}, ensure_ascii=False, default=str))
            """
        let read = try run("/usr/bin/python3", ["-c", script, xlsx])
        try #require(read.status == 0, "openpyxl: \(read.stderr)")
        let sheet = try JSONDecoder().decode(Sheet.self, from: Data(read.stdout.utf8))
        #expect(sheet.freeze == "A2" && sheet.rows.count == 3)
        #expect(sheet.rows[1][0] == "n:1" && sheet.rows[1][1].hasPrefix("d:\(today) ") && sheet.rows[2][5] == "s:'=1+1 → 县民政局", "\(sheet.rows)")

        let (jsonRun, json) = try export("json")
        #expect(jsonRun.status == 0)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [[String: Any]])
        #expect(objects.map { $0["event"] as? String } == ["accepted", "refused"])
        let (other, otherCSV) = try export("csv", department: "人社局")
        let otherText = try String(contentsOfFile: otherCSV, encoding: .utf8)
        #expect(other.status == 0 && otherText.components(separatedBy: "\r\n").count == 2, "only the header row")
        #expect(try export("pdf").0.status == 64)
        #expect(try export("csv", department: "教育局").0.status == 64)
    }

    struct Sheet: Decodable {
        var freeze: String?
        var rows: [[String]]
    }
}

@Suite("town reports in the desk")
struct DeskReportTests {
    @Test("the reports page shows a month's figures with SVG bar charts for every role, a department's own matters only; bad periods refused; XLSX download")
    func page() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let refused = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            try await feeder.store("MZ-GG-01", answers: elderAnswers("王五"))
            try await feeder.store("RS-GG-01", answers: employmentAnswers("李四"))
            try await desk.center.transition(
                receipt: refused, .refuse(reason: "不属于本镇办理", goTo: "县民政局"), staff: "li.na", calendar: nationalDay2026)
            let month = CalendarDate(desk.clock.now())
            let period = String(format: "%04d-%02d", month.year, month.month)

            #expect(try await desk.request("GET", "/desk/reports", browser: RunningDesk.Browser()).status == 303)
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/reports?period=\(period)", browser: window)
            #expect(page.status == 200)
            #expect(page.body.contains("<tr><td>3</td><td>0</td><td>1</td><td>0</td><td>0</td>"), "the totals: 3 received, 1 refused")
            #expect(page.body.contains("<svg class=\"chart\"") && page.body.contains("MZ-GG-01 ") && page.body.contains("人社局"))
            #expect(page.body.contains(#"<text x="254" y="15" text-anchor="end" font-size="12">MZ-GG-01"#), "bars are laid out on the server")
            #expect(try await desk.request("GET", "/desk/reports", browser: window).body.contains("value=\"\(period)\""), "this month by default")
            for bad in ["2026-13", "26-01", "2026-1", "abcd", "2026-01-01", "1999"] {
                #expect(try await desk.request("GET", "/desk/reports?period=\(bad)", browser: window).status == 400, "\(bad)")
            }
            let year = try await desk.request("GET", "/desk/reports?period=\(month.year)", browser: window)
            #expect(year.body.contains("\(month.year)-01-01 – \(month.year)-12-31"))

            let (department, _) = try await desk.signIn("mz.wang")
            let own = try await desk.request("GET", "/desk/reports?period=\(period)", browser: department)
            #expect(own.body.contains("<tr><td>2</td><td>0</td><td>1</td>") && !own.body.contains("RS-GG-01"), "a department sees its matters")
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/reports?period=\(period)", browser: admin).status == 200)

            let bytes = try await desk.bytes("/desk/reports.xlsx?period=\(period)", browser: window)
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("report.xlsx").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let read = try run("/usr/bin/python3", ["-c", "import sys, openpyxl; b = openpyxl.load_workbook(sys.argv[1]); print(b.sheetnames, b['汇总']['C2'].value)", path])
            #expect(read.stdout == "['汇总', '按事项', '按部门', '按村站', '按渠道', '逾期未办结'] 3\n", "\(read.stdout) \(read.stderr)")
            #expect(page.body.contains("/desk/reports.pdf?period=\(period)"))
            let pdf = try await desk.bytes("/desk/reports.pdf?period=\(period)", browser: department)
            let pdfPath = directory.appendingPathComponent("report.pdf").path
            try pdf.write(to: URL(fileURLWithPath: pdfPath))
            let text = try noticeText(pdfPath)
            #expect(text.contains("统计报表") && text.contains("按部门") && text.contains("民政局") && !text.contains("RS-GG-01"), "\(text)")
        }
    }
}

@Suite("results to the county in the desk")
struct DeskNotificationTests {
    @Test("a department signs for its notifications (CSRF, own department only, once); town staff see all and those unsigned for more than 2 working days stand out; admin refused")
    func signing() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let first = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let second = try await feeder.store("MZ-GG-01", answers: elderAnswers("王五"))
            for receipt in [first, second] {
                try await desk.center.transition(receipt: receipt, .accept, staff: "li.na", calendar: nationalDay2026)
            }
            let notifications = try await desk.center.database.notifications(department: nil, unsignedOnly: false, limit: 10)
            let id = try #require(notifications.first { $0.receipt == first }?.id)

            let (department, _) = try await desk.signIn("mz.wang")
            let own = try await desk.request("GET", "/desk/notifications", browser: department)
            #expect(own.status == 200 && own.headers["cache-control"] == "no-store")
            #expect(own.body.contains(first) && own.body.contains("已受理") && own.body.contains("action=\"/desk/notifications/\(id)/sign\""))
            #expect(!own.body.contains("张三"), "notifications never name the applicant")
            #expect(try await desk.request("POST", "/desk/notifications/\(id)/sign", form: [:], browser: department).status == 403, "no CSRF token")
            let csrf = try #require(own.csrf)
            let signed = try await desk.request("POST", "/desk/notifications/\(id)/sign", form: ["csrf": csrf], browser: department)
            #expect(signed.status == 303)
            #expect(try await desk.request("POST", "/desk/notifications/\(id)/sign", form: ["csrf": csrf], browser: department).status == 409)
            #expect(try await desk.request("POST", "/desk/notifications/x/sign", form: ["csrf": csrf], browser: department).status == 400)

            let (other, _) = try await desk.signIn("rs.sun")
            let otherList = try await desk.request("GET", "/desk/notifications", browser: other)
            #expect(otherList.status == 200 && !otherList.body.contains(first))
            let otherCSRF = try #require(otherList.csrf)
            #expect(try await desk.request("POST", "/desk/notifications/\(id + 1)/sign", form: ["csrf": otherCSRF], browser: other).status == 404)

            let (window, _) = try await desk.signIn("li.na")
            let town = try await desk.request("GET", "/desk/notifications", browser: window)
            #expect(town.body.contains("mz.wang") && town.body.contains(second) && !town.body.contains("class=\"overdue\""))
            #expect(try await desk.request("POST", "/desk/notifications/\(id + 1)/sign", form: ["csrf": try #require(town.csrf)], browser: window).status == 403)
            desk.clock.advance(by: 5 * 86_400)  // Wednesday to Monday: 3 working days
            let (again, _) = try await desk.signIn("li.na")  // the idle session ended
            let later = try await desk.request("GET", "/desk/notifications?unsigned=1", browser: again)
            #expect(later.body.contains("<tr class=\"overdue\">") && later.body.contains(second) && !later.body.contains("<td>\(first)</td>"), "\(later.body)")
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/notifications", browser: admin).status == 403)
        }
    }
}
