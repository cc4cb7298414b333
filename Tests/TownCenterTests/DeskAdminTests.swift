import Foundation
import GRDB
import KioskConfig
import KioskCore
import SyncProtocol
import Testing
import TestSupport
import TownCenter

@Suite("Town desk stations, audit and export pages over HTTP")
struct DeskAdminTests {
    @Test("the admin is told which year's holiday calendar is missing: none with this year's, next year's from December")
    func missingCalendar() async throws {
        let shipped = try HolidayCalendarLoader.load(directory: packageRoot.appendingPathComponent("center-config/calendar"))
        try await withRunningDesk(calendar: shipped) { desk in
            let (admin, _) = try await desk.signIn("root.admin")
            let november = try await desk.request("GET", "/desk/stations", browser: admin)
            #expect(november.status == 200 && !november.body.contains("节假日安排文件"))
            desk.clock.advance(by: 20 * 86_400)  // 2026-12-08
            let (again, _) = try await desk.signIn("root.admin")
            let december = try await desk.request("GET", "/desk/stations", browser: again)
            #expect(december.body.contains("缺少 2027 年的节假日安排文件"), "\(december.body.prefix(1500))")
        }
    }

    @Test("stations (admin only): enrolled, items, catalog version, silent after 3 hours by default; a token issued once (CSRF checked, code checked); revoke")
    func stations() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            for id in ["li.na", "cx.qian", "mz.wang"] {
                let (browser, _) = try await desk.signIn(id)
                #expect(try await desk.request("GET", "/desk/stations", browser: browser).status == 403, "\(id)")
            }
            let (first, signedIn) = try await desk.signIn("root.admin")
            #expect(signedIn.headers["location"] == "/desk/stations")
            let page = try await desk.request("GET", "/desk/stations", browser: first)
            #expect(page.status == 200 && page.headers["cache-control"] == "no-store")
            let version = try await desk.center.database.currentCatalogVersion()
            #expect(page.body.contains("<td>XH03</td>") && page.body.contains("<td>1</td><td>\(version)</td>"))
            #expect(page.body.contains("正常") && !page.body.contains("未联系超过"))
            #expect(page.body.contains("缺少 2026 年的节假日安排文件"), "the desk runs without a holiday calendar here")
            // Three hours later (the session has ended meanwhile: signed in again).
            desk.clock.advance(by: 3 * 3600 + 60)
            #expect(try await desk.request("GET", "/desk/stations", browser: first).status == 303)
            let (later, _) = try await desk.signIn("root.admin")
            let silent = try await desk.request("GET", "/desk/stations", browser: later)
            #expect(silent.body.contains("未联系超过 3.0 小时"))
            let admin = later
            let csrf = try #require(silent.csrf)
            #expect(try await desk.request("POST", "/desk/stations/token", form: ["station": "LSW1"], browser: admin).status == 403)
            let bad = try await desk.request("POST", "/desk/stations/token", form: ["csrf": csrf, "station": "<b>x"], browser: admin)
            #expect(bad.status == 422 && bad.body.contains("站点代码是 2 到 8 位"))
            let issued = try await desk.request("POST", "/desk/stations/token", form: ["csrf": csrf, "station": "lsw1"], browser: admin)
            #expect(issued.status == 200 && issued.headers["cache-control"] == "no-store")
            let token = try #require(issued.body.range(of: #"<code>([^<]+)</code>"#, options: .regularExpression).map {
                String(issued.body[$0].dropFirst(6).dropLast(7))
            })
            #expect(token.count >= 16)
            #expect(!(try await desk.request("GET", "/desk/stations", browser: admin).body.contains(token)))
            #expect(try await desk.center.database.auditEvents().contains { $0.event == "token_issued" && $0.station == "LSW1" })

            let (window, _) = try await desk.signIn("li.na")
            let windowPage = try await desk.request("GET", "/desk/inbox", browser: window)
            #expect(try await desk.request(
                "POST", "/desk/stations/XH03/revoke", form: ["csrf": windowPage.csrf ?? ""], browser: window).status == 403)
            #expect(try await desk.request("POST", "/desk/stations/XH03/revoke", form: [:], browser: admin).status == 403)
            #expect(try await desk.request("POST", "/desk/stations/ZZ99/revoke", form: ["csrf": csrf], browser: admin).status == 404)
            let revoked = try await desk.request("POST", "/desk/stations/XH03/revoke", form: ["csrf": csrf], browser: admin)
            #expect(revoked.status == 303)
            guard case .revoked = try await desk.center.database.standing(of: "XH03") else {
                Issue.record("XH03 is not revoked")
                return
            }
            let after = try await desk.request("GET", "/desk/stations", browser: admin)
            #expect(after.body.contains("已吊销") && !after.body.contains("/desk/stations/XH03/revoke"))
        }
    }

    @Test("stations page: each station's last health report (queue, oldest unsent, printers with their problems, disk, version, last error), silent after the configured hours")
    func stationHealth() async throws {
        try await withRunningDesk(silentAfter: 3600) { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/stations", browser: admin).body.contains("尚未报告"))
            let report = StationHealth(
                queueDepth: 7, oldestUnsentSeconds: 5400,
                printers: [
                    PrinterHealth(role: .forms, queue: "bianmin-a4", state: .idle, problem: nil),
                    PrinterHealth(role: .receipts, queue: "bianmin-receipt", state: .stopped, problem: "media-empty"),
                ],
                diskFreeBytes: 12_300_000_000, version: "0.2.0", catalogVersion: "2026.11", lastError: "<b>center unreachable</b>",
                at: desk.center.now)
            try await desk.center.database.recordHealth(report, station: "XH03", now: desk.center.now)
            let page = try await desk.request("GET", "/desk/stations", browser: admin).body
            #expect(page.contains("待发送 7") && page.contains("最早一件已等 1.5 小时"))
            #expect(page.contains("A4打印机 bianmin-a4: 空闲</li>"))
            #expect(page.contains(#"<li class="overdue">回执打印机 bianmin-receipt: 已停止 (media-empty)</li>"#))
            #expect(page.contains("磁盘剩余 12.3 GB") && page.contains("版本 0.2.0"))
            #expect(page.contains("上次发送出错: &lt;b&gt;center unreachable&lt;/b&gt;") && !page.contains("<b>center"))
            #expect(!page.contains("未联系超过"))
            // The configured hour passes without contact (signed in again: the session ended meanwhile).
            desk.clock.advance(by: 3600 + 60)
            let (later, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/stations", browser: later).body.contains("未联系超过 1.0 小时"))
        }
    }

    @Test("audit trail (admin and auditor): newest first, filtered by event and staff id, verified from the page, a tampered entry found")
    func audit() async throws {
        try await withRunningDesk { desk in
            _ = try await desk.signIn("li.na", password: "wrong-password")
            let (auditor, _) = try await desk.signIn("cx.qian")
            let (window, _) = try await desk.signIn("li.na")
            #expect(try await desk.request("GET", "/desk/audit", browser: window).status == 403)
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/audit", browser: admin).status == 200)
            let all = try await desk.request("GET", "/desk/audit", browser: auditor)
            #expect(all.status == 200 && all.headers["cache-control"] == "no-store")
            let signedIn = try await desk.request("GET", "/desk/audit?event=staff_signed_in&q=li.", browser: auditor)
            #expect(signedIn.body.contains("<td>staff_signed_in</td>") && signedIn.body.contains("<td>li.na</td>"))
            #expect(!signedIn.body.contains("<td>cx.qian</td>"))
            #expect(!signedIn.body.contains("staff_sign_in_failed"))
            #expect(try await desk.request("GET", "/desk/audit?event=%3Cscript%3E", browser: auditor).status == 400)
            let verified = try await desk.request("GET", "/desk/audit?verify=1", browser: auditor)
            #expect(verified.body.contains("日志校验通过"))
            try await desk.center.database.writer.write { db in
                try db.execute(sql: "UPDATE audit SET body = CAST('{\"at\":0,\"event\":\"initialized\"}' AS BLOB) WHERE seq = 1")
            }
            let broken = try await desk.request("GET", "/desk/audit?verify=1", browser: auditor)
            #expect(broken.body.contains("日志校验未通过") && broken.body.contains("第 1 条审计记录被修改"))
        }
    }

    @Test("export of the inbox filter as CSV and XLSX: formula-like cells neutralized (read back with openpyxl), department limited to its matters, audited, admin refused")
    func export() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let hostile = try await feeder.store("MZ-GG-01", answers: elderAnswers(#"=HYPERLINK(\"http://x\")"#))
            try await feeder.store("RS-GG-01", answers: employmentAnswers("李四"))
            try await desk.center.database.decide(receipt: hostile, state: .rejected, reason: "@SUM(A1)", now: desk.center.now)

            let (window, _) = try await desk.signIn("li.na")
            let inbox = try await desk.request("GET", "/desk/inbox?matter=MZ-GG-01", browser: window)
            #expect(inbox.body.contains("/desk/export?matter=MZ-GG-01&amp;format=csv"))
            let csv = try await desk.request("GET", "/desk/export?matter=MZ-GG-01&format=csv", browser: window)
            #expect(csv.status == 200 && csv.headers["cache-control"] == "no-store")
            #expect(csv.headers["content-type"] == "text/csv; charset=utf-8")
            let lines = csv.body.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 2, "\(lines)")
            #expect(lines[0] == "\u{FEFF}受理编号,事项,站点,渠道,收件时间,办结期限,状态,理由,申请人,填报内容")
            #expect(lines[1].hasPrefix(hostile + ","))
            #expect(lines[1].contains(",'@SUM(A1),'=*"), "\(lines[1])")
            #expect(lines[1].contains(#"老人姓名: =HYPERLINK(""http://x"")"#), "\(lines[1])")
            #expect(try await desk.request("GET", "/desk/export?format=pdf", browser: window).status == 400)

            let xlsx = try await desk.request("GET", "/desk/export?format=xlsx", browser: window)
            #expect(xlsx.status == 200 && xlsx.headers["content-type"]?.hasPrefix("application/vnd.openxmlformats") == true)
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("export.xlsx").path
            // The body arrived as text: fetch the bytes again through the same session.
            let bytes = try await desk.bytes("/desk/export?format=xlsx", browser: window)
            try bytes.write(to: URL(fileURLWithPath: path))
            let script = """
                import json, sys, openpyxl
                sheet = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
                print(json.dumps([[f"{c.data_type}:{c.value}" for c in row] for row in sheet.iter_rows()], ensure_ascii=False))
                """
            let read = try run("/usr/bin/python3", ["-c", script, path])
            try #require(read.status == 0, "openpyxl: \(read.stderr)")
            let rows = try JSONDecoder().decode([[String]].self, from: Data(read.stdout.utf8))
            #expect(rows.count == 3)
            #expect(rows[0].first == "s:受理编号")
            let hostileRow = try #require(rows.first { $0.first == "s:\(hostile)" })
            #expect(hostileRow[7] == "s:'@SUM(A1)" && hostileRow[8].hasPrefix("s:'=*"), "\(hostileRow)")
            #expect(rows.allSatisfy { $0.allSatisfy { $0.hasPrefix("s:") || $0 == "n:None" } })

            let (department, _) = try await desk.signIn("mz.wang")
            let own = try await desk.request("GET", "/desk/export?format=csv", browser: department)
            #expect(own.body.split(separator: "\r\n").count == 2 && !own.body.contains("李四"))
            #expect(!own.body.contains("6222021234567890123"))
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/export?format=csv", browser: admin).status == 403)
            #expect(try await desk.request("GET", "/desk/export?format=csv", browser: RunningDesk.Browser()).status == 303)
            let exported = try await desk.center.database.auditEvents().filter { $0.event == "exported" }.map(\.detail)
            #expect(exported == ["1 li.na", "2 li.na", "2 li.na", "1 mz.wang"])
        }
    }
}
