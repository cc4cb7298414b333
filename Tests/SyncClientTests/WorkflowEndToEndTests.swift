import AsyncHTTPClient
import Foundation
import KioskCore
import KioskStore
import Testing
import TestSupport
import TownCenter

@Suite("the case workflow end to end: kiosk, forwarder, desk", .serialized)
struct WorkflowEndToEndTests {
    @Test("kiosk submit → forward → desk asks for supplements → the kiosk shows the missing list → accept → county → the department approves → the decision notice printed at the village station delivers it → archive; audit trails verify")
    func wholeCase() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cups = try PrivateCups()
        let (center, common, receipt) = try forwardedCase(in: directory)
        let password = "柳树湾-窗口-2026\n"
        for (id, role, department) in [("li.na", "window", nil), ("mz.wang", "department", "民政局")] as [(String, String, String?)] {
            let added = try run(
                "towncenter", ["staff", "add", "--id", id, "--name", id, "--role", role, "--data", center.data]
                    + (department.map { ["--department", $0] } ?? []),
                stdin: Data(password.utf8))
            try #require(added.status == 0, "\(added.stderr)")
        }

        func progress() throws -> [String: Any]? {
            #expect(try run("kiosk", ["forward", "--once"] + common).status == 0)
            let shown = try run("kiosk", ["queue", "show", receipt, "--json"] + common)
            return (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["progress"] as? [String: Any]
        }

        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            let desk = DeskClient(port: try #require(Int(center.deskURL.split(separator: ":").last ?? "")), http: http)
            let (window, _) = try await desk.signIn("li.na", password: String(password.dropLast()))
            func step(_ fields: [String: String], as browser: DeskClient.Browser) async throws {
                let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: browser)
                var form = fields
                form["csrf"] = page.csrf ?? ""
                let answer = try await desk.request("POST", "/desk/cases/\(receipt)/step", form: form, browser: browser)
                #expect(answer.status == 303, "\(fields): \(answer.body.prefix(300))")
            }
            try await step(["action": "request_supplement", "items": "户口簿复印件\n银行卡复印件"], as: window)
            let asked = try #require(try progress())
            #expect(asked["state"] as? String == "needs_supplement" && asked["missing"] as? [String] == ["户口簿复印件", "银行卡复印件"], "\(asked)")

            try await step(["action": "resubmit"], as: window)
            try await step(["action": "accept"], as: window)
            #expect(try progress()?["state"] as? String == "accepted")
            try await step(["action": "send_to_county", "unit": "县民政局"], as: window)
            let (department, _) = try await desk.signIn("mz.wang", password: String(password.dropLast()))
            try await step(["action": "approve"], as: department)
            #expect(try progress()?["state"] as? String == "approved")
            // The decision notice goes to the station with the next updates, the applicant masked; the
            // assistant prints it for the resident and the next round records the delivery.
            let issued = try run(
                "towncenter",
                ["submissions", "notice", receipt, "--kind", "decision", "--out", directory.appendingPathComponent("decision.pdf").path,
                 "--staff", "li.na", "--authority", "XX县新河镇人民政府", "--county", "XX县", "--town", "新河", "--data", center.data])
            try #require(issued.status == 0, "\(issued.stderr)")
            #expect(try progress()?["state"] as? String == "approved")
            let listed = try run("kiosk", ["notice", "list", receipt, "--json"] + common)
            let notices = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(notices.count == 1 && notices.first?["kind"] as? String == "decision" && notices.first?["printed"] == nil, "\(notices)")
            let number = try #require(notices.first?["number"] as? String)
            #expect(number.hasPrefix("新河便决〔") && number.hasSuffix("〕第0001号"))
            let printed = try run("kiosk", ["notice", "print", number, "--assistant", "A01"] + common, environment: ["CUPS_SERVER": cups.server])
            #expect(printed.status == 0, "\(printed.stdout) \(printed.stderr)")
            let output = cups.output(of: "bianmin-a4")
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: output) && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
            let text = try runTool("pdftotext", [output, "-"]).output.filter { !$0.isWhitespace }
            let opened = try JSONSerialization.jsonObject(with: try await center.open().openAnswers(receipt: receipt).answers) as? [String: Any]
            let name = try #require(opened?["name"] as? String)
            #expect(text.contains(number) && text.contains(receipt) && text.contains("办结通知书") && text.contains(Masking.name(name)), "\(text)")
            #expect(!text.contains(name), "the station's copy names the applicant masked")
            // This round reports the print and the center delivers the case; the next one brings the step back.
            #expect(try progress()?["state"] as? String == "approved")
            #expect(try progress()?["state"] as? String == "delivered")
            let delivered = try await center.open().workflow(receipt: receipt)
            #expect(delivered.deliveryMethod == .villageStation && delivered.deliveryRecipient == "村便民服务站 XH03 代办员 A01")
            #expect(try await center.open().database.auditEvents().contains { $0.event == "notice_printed_at_station" && $0.detail == "\(number) A01" })
            // The resident rates the decided case at the kiosk (the screen's keys are tested in KioskUITests): badly.
            let kioskData = try #require(common.last)
            let queue = try StationFiles(dataDirectory: kioskData).openQueue()
            let uuid = try #require(try queue.find(receipt: receipt)).uuid
            try queue.keepRating(CaseRating(uuid: uuid, level: .dissatisfied, reasons: [.tooSlow], ratedAt: Int64(Date().timeIntervalSince1970)), at: Date())
            #expect(try progress()?["state"] as? String == "delivered")
            #expect(try queue.unsentRatings(limit: 10).isEmpty, "sent with the round")
            let rated = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(rated.body.contains("不满意 · 办得太慢 (村站终端)"), "\(rated.body.prefix(1500))")
            let followUps = try await desk.request("GET", "/desk/follow-ups", browser: window)
            #expect(followUps.body.contains(receipt) && followUps.body.contains("办得太慢"))
            let task = try #require(followUps.body.firstMatch(of: /follow-ups\/([0-9]+)\/close/)).1
            let empty = try await desk.request("POST", "/desk/follow-ups/\(task)/close", form: ["csrf": followUps.csrf ?? "", "note": " "], browser: window)
            #expect(empty.status == 422, "closing needs a note")
            let closed = try await desk.request(
                "POST", "/desk/follow-ups/\(task)/close", form: ["csrf": followUps.csrf ?? "", "note": "已电话回访，说明了办理时限"], browser: window)
            #expect(closed.status == 303)
            #expect(!(try await desk.request("GET", "/desk/follow-ups", browser: window)).body.contains(receipt), "no open task left")
            let month = CalendarDate(Date())
            let report = try await desk.request("GET", String(format: "/desk/reports?period=%04d-%02d", month.year, month.month), browser: window)
            #expect(report.body.contains("<td>1</td><td>0.0%</td><td>1</td></tr>"), "one rating, none satisfied, one bad: \(report.body.prefix(3000))")
            let before = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            let suggested = String(CalendarDate(Date()).year) + "-MZ-0001"
            #expect(before.body.contains(#"name="number" maxlength="500" value="\#(suggested)""#), "the desk suggests the next archive number")
            try await step(["action": "archive", "number": suggested], as: window)
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.body.contains("<dd>已归档</dd>") && !page.body.contains("/step\""), "an archived case takes no step")
            #expect(page.body.contains("案件已归档，档案包已写入 \(suggested)"), "\(page.body.prefix(2000))")
            let year = String(CalendarDate(Date()).year)
            let package = URL(fileURLWithPath: center.data).appendingPathComponent("archive/\(year)/\(suggested)").path
            let verified = try run("towncenter", ["archive", "verify", package, "--data", center.data])
            #expect(verified.status == 0 && verified.stdout.contains("verified"), "\(verified.stdout) \(verified.stderr)")
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }

        let steps = try await center.open().workflow(receipt: receipt).transitions.map { "\($0.action) \($0.staff)" }
        #expect(steps == [
            "request_supplement li.na", "resubmit li.na", "accept li.na", "send_to_county li.na", "decide mz.wang", "deliver station:XH03",
            "archive li.na",
        ])
        let notified = try await center.open().database.notifications(department: .civilAffairs, unsignedOnly: true, limit: 10)
        #expect(notified.map(\.event) == [.delivered, .approved, .accepted])
        #expect(try run("towncenter", ["audit", "verify", "--data", center.data]).status == 0)
        #expect(try run("kiosk", ["audit", "verify"] + common).status == 0)
    }
}
