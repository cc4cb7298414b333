import AsyncHTTPClient
import Foundation
import KioskCore
import Testing
import TestSupport
import TownCenter

@Suite("the case workflow end to end: kiosk, forwarder, desk", .serialized)
struct WorkflowEndToEndTests {
    @Test("kiosk submit → forward → desk asks for supplements → the kiosk shows the missing list → accept → county → the department approves → deliver → archive; audit trails verify")
    func wholeCase() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
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
            try await step(["action": "deliver", "method": "window", "recipient": "申请人本人"], as: window)
            try await step(["action": "archive", "number": "2026-MZ-0001"], as: window)
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.body.contains("<dd>已归档</dd>") && !page.body.contains("/step\""), "an archived case takes no step")
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }

        let steps = try await center.open().workflow(receipt: receipt).transitions.map { "\($0.action) \($0.staff)" }
        #expect(steps == [
            "request_supplement li.na", "resubmit li.na", "accept li.na", "send_to_county li.na", "decide mz.wang", "deliver li.na",
            "archive li.na",
        ])
        let notified = try await center.open().database.notifications(department: .civilAffairs, unsignedOnly: true, limit: 10)
        #expect(notified.map(\.event) == [.delivered, .approved, .accepted])
        #expect(try run("towncenter", ["audit", "verify", "--data", center.data]).status == 0)
        #expect(try run("kiosk", ["audit", "verify"] + common).status == 0)
    }
}
