import AsyncHTTPClient
import Foundation
import KioskCore
import KioskSecurity
import Logging
import SyncProtocol
import Testing
import TestSupport
import TownCenter
import TownDesk

/// A desk served on 127.0.0.1 at a free port, over a center on a manual clock with an account of each
/// role (`li.na` window, `sp.zhao` approver, `mz.wang` 民政局 and `rs.sun` 人社局 department,
/// `cx.qian` auditor, `root.admin` admin; password `good-password-1`).
struct RunningDesk {
    let center: Center
    let clock: ManualClock
    let port: Int
    let http: HTTPClient

    typealias Browser = DeskClient.Browser
    typealias Page = DeskClient.Page

    /// The desk's client, keeping each browser's session cookie.
    var client: DeskClient { DeskClient(port: port, http: http) }

    func request(_ method: String, _ path: String, form: [String: String]? = nil, browser: Browser) async throws -> Page {
        try await client.request(method, path, form: form, browser: browser)
    }

    /// The body of a GET of `path` as bytes (for downloads that are not text).
    func bytes(_ path: String, browser: Browser) async throws -> Data { try await client.bytes(path, browser: browser) }

    /// Signs `id` in on a fresh browser; returns the browser and the last page.
    func signIn(_ id: String, password: String = "good-password-1") async throws -> (Browser, Page) {
        try await client.signIn(id, password: password)
    }
}

func withRunningDesk(
    silentAfter: Int64 = 3 * 3600, printingTo cups: PrivateCups? = nil, calendar: WorkingDayCalendar = WorkingDayCalendar(schedules: []),
    _ body: @Sendable (RunningDesk) async throws -> Void
) async throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let clock = ManualClock(Date(timeIntervalSince1970: 1_795_000_000))
    let center = try await Center.initialize(
        dataDirectory: directory.appendingPathComponent("data").path, catalogDirectory: demoCatalog, clock: clock)
    let hash = try await StaffPasswords(parameters: .fastForTesting).hash("good-password-1")
    for (id, role, department) in [("li.na", StaffRole.window, Department?.none), ("mz.wang", .department, .civilAffairs),
                                   ("root.admin", .admin, nil), ("sp.zhao", .approver, nil), ("cx.qian", .auditor, nil),
                                   ("rs.sun", .department, .humanResources)] {
        try await center.database.addStaff(
            StaffAccount(id: id, name: "测试", role: role, department: department, disabled: false, createdAt: center.now),
            passwordHash: hash)
    }
    var logger = Logger(label: "desk-test")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = try await DeskServer(
        center: center,
        configuration: DeskConfiguration(
            port: 0, templates: packageRoot.appendingPathComponent("Resources/desk").path, silentAfter: silentAfter, calendar: calendar),
        logger: logger,
        formPrinter: cups.map { CaseFormPrinter(center: center, destination: "bianmin-a4", server: $0.server, authority: "XX县新河镇人民政府") },
        noticeIssuer: NoticeIssuer(center: center, authority: "XX县新河镇人民政府", county: "XX县", town: "新河"),
        receiptPrinter: cups.map {
            CaseReceiptPrinter(center: center, destination: "bianmin-receipt", server: $0.server, authority: "XX县新河镇人民政府", county: "XX县")
        }
    ) { continuation.yield($0) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await offThePool("test-desk") { try await server.run() } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            try await body(RunningDesk(center: center, clock: clock, port: port, http: http))
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        group.cancelAll()
    }
}

@Suite("Town desk over HTTP")
struct DeskTests {
    static let csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"

    @Test("without a session every page redirects to the login form, which carries a CSRF token and strict headers")
    func unauthenticated() async throws {
        try await withRunningDesk { desk in
            let browser = RunningDesk.Browser()
            let inbox = try await desk.request("GET", "/desk/inbox", browser: browser)
            #expect(inbox.status == 303)
            #expect(inbox.headers["location"] == "/desk/login")
            #expect(inbox.headers["content-security-policy"] == Self.csp)
            let login = try await desk.request("GET", "/desk/login", browser: browser)
            #expect(login.status == 200)
            #expect(login.csrf != nil)
            #expect(login.body.contains(#"name="username""#) && login.body.contains(#"name="password""#))
            #expect(login.headers["cache-control"] == "no-store")
            let cookie = try #require(login.headers["set-cookie"])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/desk"))
        }
    }

    @Test("sign-in: a missing or wrong CSRF token is refused with 403, a wrong password with 401, the right one opens the inbox")
    func signIn() async throws {
        try await withRunningDesk { desk in
            let browser = RunningDesk.Browser()
            let login = try await desk.request("GET", "/desk/login", browser: browser)
            let credentials = ["username": "li.na", "password": "good-password-1"]
            #expect(try await desk.request("POST", "/desk/login", form: credentials, browser: browser).status == 403)
            var wrong = credentials
            wrong["csrf"] = String(repeating: "0", count: 64)
            #expect(try await desk.request("POST", "/desk/login", form: wrong, browser: browser).status == 403)
            var bad = credentials
            bad["csrf"] = login.csrf
            bad["password"] = "not-the-password"
            #expect(try await desk.request("POST", "/desk/login", form: bad, browser: browser).status == 401)
            var good = credentials
            good["csrf"] = login.csrf
            let signedIn = try await desk.request("POST", "/desk/login", form: good, browser: browser)
            #expect(signedIn.status == 303)
            #expect(signedIn.headers["location"] == "/desk/inbox")
            let inbox = try await desk.request("GET", "/desk/inbox", browser: browser)
            #expect(inbox.status == 200)
            #expect(inbox.body.contains("待办"))
            #expect(inbox.headers["cache-control"] == "no-store")
            #expect(inbox.headers["content-security-policy"] == Self.csp)
            // Logging out needs the session's token; afterwards the inbox is closed.
            #expect(try await desk.request("POST", "/desk/logout", form: [:], browser: browser).status == 403)
            let out = try await desk.request("POST", "/desk/logout", form: ["csrf": inbox.csrf ?? ""], browser: browser)
            #expect(out.status == 303)
            #expect(try await desk.request("GET", "/desk/inbox", browser: browser).status == 303)
            let events = try await desk.center.database.auditEvents().map(\.event)
            #expect(events.contains("staff_signed_in") && events.contains("staff_sign_in_failed"))
        }
    }

    @Test("five failures lock the account for five minutes on the center's clock")
    func lockout() async throws {
        try await withRunningDesk { desk in
            for attempt in 1...5 {
                let (_, page) = try await desk.signIn("li.na", password: "wrong-password")
                #expect(page.status == (attempt < 5 ? 401 : 429))
            }
            #expect(try await desk.signIn("li.na").1.status == 429)
            desk.clock.advance(by: 300)
            #expect(try await desk.signIn("li.na").1.status == 303)
        }
    }

    @Test("a session idle for more than 30 minutes ends")
    func idleExpiry() async throws {
        try await withRunningDesk { desk in
            let (browser, _) = try await desk.signIn("li.na")
            desk.clock.advance(by: 29 * 60)
            #expect(try await desk.request("GET", "/desk/inbox", browser: browser).status == 200)
            desk.clock.advance(by: 29 * 60)
            #expect(try await desk.request("GET", "/desk/inbox", browser: browser).status == 200)
            desk.clock.advance(by: 31 * 60)
            #expect(try await desk.request("GET", "/desk/inbox", browser: browser).status == 303)
        }
    }

    @Test("roles: window and department see the inbox, admin does not")
    func roles() async throws {
        try await withRunningDesk { desk in
            for (id, status) in [("li.na", 200), ("mz.wang", 200), ("root.admin", 403)] {
                let (browser, signedIn) = try await desk.signIn(id)
                #expect(signedIn.status == 303)
                #expect(try await desk.request("GET", "/desk/inbox", browser: browser).status == status, "\(id)")
            }
        }
    }

    @Test("window staff print a case's application form on the center's CUPS queue from the case page; CSRF and role checked", .needsRoot("a private cupsd"))
    func printFormFromTheCasePage() async throws {
        let cups = try PrivateCups()
        try await withRunningDesk(printingTo: cups) { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let receipt = try #require(try await desk.center.database.submissions(SubmissionFilter()).first?.receipt)
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.body.contains("/desk/cases/\(receipt)/print-form") && page.body.contains("在中心打印机上打印申请表 (bianmin-a4)"))
            #expect(try await desk.request("POST", "/desk/cases/\(receipt)/print-form", form: [:], browser: window).status == 403)
            let (department, _) = try await desk.signIn("mz.wang")
            let departmentPage = try await desk.request("GET", "/desk/cases/\(receipt)", browser: department)
            #expect(!departmentPage.body.contains("print-form"))
            #expect(try await desk.request(
                "POST", "/desk/cases/\(receipt)/print-form", form: ["csrf": departmentPage.csrf ?? ""], browser: department).status == 403)

            let printed = try await desk.request("POST", "/desk/cases/\(receipt)/print-form", form: ["csrf": page.csrf ?? ""], browser: window)
            #expect(printed.status == 200 && printed.body.contains("申请表已送到打印机 bianmin-a4"), "\(printed.body.prefix(600))")
            let output = cups.output(of: "bianmin-a4")
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: output) && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
            let text = try noticeText(output)
            #expect(text.contains(receipt) && text.contains("XX县新河镇人民政府") && text.contains("张三"))
            let opened = try await desk.center.database.auditEvents().filter { $0.event == "opened" && $0.receipt == receipt }
            #expect(opened.contains { $0.detail?.contains("li.na") == true })
        }
    }

    @Test("notices from the case page: only those the case has, numbered in their series, printed on the center's queue, the print audited")
    func printNoticeFromTheCasePage() async throws {
        let cups = try PrivateCups()
        try await withRunningDesk(printingTo: cups) { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let (window, _) = try await desk.signIn("li.na")
            let received = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(!received.body.contains("/notice\""), "a received case has no notice yet")
            #expect(try await desk.request(
                "POST", "/desk/cases/\(receipt)/step", form: ["csrf": received.csrf ?? "", "action": "accept"], browser: window).status == 303)
            let accepted = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(accepted.body.contains(#"<option value="acceptance">受理通知书</option>"#) && !accepted.body.contains(#"value="refusal""#))
            let path = "/desk/cases/\(receipt)/notice"
            #expect(try await desk.request("POST", path, form: ["kind": "acceptance"], browser: window).status == 403)
            #expect(try await desk.request("POST", path, form: ["csrf": accepted.csrf ?? "", "kind": "memo"], browser: window).status == 400)
            let wrong = try await desk.request("POST", path, form: ["csrf": accepted.csrf ?? "", "kind": "refusal"], browser: window)
            #expect(wrong.body.contains("has no refusal to give notice of"))
            let printed = try await desk.request("POST", path, form: ["csrf": accepted.csrf ?? "", "kind": "acceptance"], browser: window)
            #expect(printed.status == 200 && printed.body.contains("文书已编号并送打印: 新河便受〔2026〕第0001号 → bianmin-a4"), "\(printed.body.prefix(800))")
            let output = cups.output(of: "bianmin-a4")
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: output) && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
            let text = try noticeText(output)
            #expect(text.contains("受理通知书") && text.contains("新河便受〔2026〕第0001号") && text.contains("张三") && text.contains(receipt))
            let trail = try await desk.center.database.auditEvents()
            #expect(trail.contains { $0.event == "notice_issued" && $0.receipt == receipt })
            #expect(trail.contains { $0.event == "notice_printed" && $0.detail?.hasPrefix("新河便受〔2026〕第0001号 bianmin-a4 ") == true && $0.detail?.hasSuffix(" li.na") == true })
            let (auditor, _) = try await desk.signIn("cx.qian")
            let auditorPage = try await desk.request("GET", "/desk/cases/\(receipt)", browser: auditor)
            #expect(!auditorPage.body.contains("/notice\""))
            let auditorPrint = try await desk.request("POST", path, form: ["csrf": auditorPage.csrf ?? "", "kind": "acceptance"], browser: auditor)
            #expect(auditorPrint.status == 403)
        }
    }

    @Test("the case page shows a hostile answer as text to window staff, audited with the staff id; a department account sees them masked, admin nothing")
    func casePage() async throws {
        try await withRunningDesk { desk in
            let center = desk.center
            let station = TestStation()
            let item = try station.item(
                to: center.keys.agreement.publicKey, sequence: 1, answers: #"{"applicant_name":"<script>alert(1)</script>"}"#)
            try await enrolAndStore([item], from: station, at: center)
            let receipt = try #require(try await center.database.submissions(SubmissionFilter()).first?.receipt)

            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.status == 200)
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.body.contains("<script>"))
            #expect(page.headers["cache-control"] == "no-store")
            let opened = try await center.database.auditEvents().last
            #expect(opened?.event == "opened" && opened?.detail == "li.na")

            let (department, _) = try await desk.signIn("mz.wang")
            let readOnly = try await desk.request("GET", "/desk/cases/\(receipt)", browser: department)
            #expect(readOnly.status == 200)
            #expect(!readOnly.body.contains("alert(1)"))
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/cases/\(receipt)", browser: admin).status == 403)
            #expect(try await desk.request("GET", "/desk/cases/XH03-20991231-0001-X", browser: window).status == 404)
            #expect(try await desk.request("GET", "/desk/cases/\(receipt)", browser: RunningDesk.Browser()).status == 303)
        }
    }

    @Test("workflow steps: CSRF checked, only the steps the workflow allows are offered, a refused step says why, the step is audited with the staff id")
    func steps() async throws {
        try await withRunningDesk { desk in
            let center = desk.center
            let station = TestStation()
            let item = try station.item(to: center.keys.agreement.publicKey, sequence: 1)
            try await enrolAndStore([item], from: station, at: center)
            let receipt = try #require(try await center.database.submissions(SubmissionFilter()).first?.receipt)
            let path = "/desk/cases/\(receipt)/step"

            let (department, _) = try await desk.signIn("mz.wang")
            let departmentPage = try await desk.request("GET", "/desk/cases/\(receipt)", browser: department)
            #expect(!departmentPage.body.contains(path), "a department records only its county unit's result")
            let refusedStep = try await desk.request("POST", path, form: ["csrf": departmentPage.csrf ?? "", "action": "accept"], browser: department)
            #expect(refusedStep.status == 409 && refusedStep.body.contains("您的账号不能“受理”。"))

            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.body.contains(#"value="accept""#) && page.body.contains(#"value="refuse""#) && page.body.contains(#"value="request_supplement""#))
            #expect(!page.body.contains(#"value="archive""#) && !page.body.contains(#"value="approve""#))
            #expect(page.body.contains("<dd>已接收</dd>") && page.body.contains("class=\"light light-green\""), "state and supplement window shown")
            #expect(try await desk.request("POST", path, form: ["action": "refuse", "reason": "x", "go_to": "y"], browser: window).status == 403)
            #expect(try await desk.request("POST", path, form: ["csrf": page.csrf ?? "", "action": "fly"], browser: window).status == 400)
            let long = String(repeating: "长", count: 501)
            #expect(try await desk.request("POST", path, form: ["csrf": page.csrf ?? "", "action": "refuse", "reason": long, "go_to": "y"], browser: window).status == 400)
            let empty = try await desk.request("POST", path, form: ["csrf": page.csrf ?? "", "action": "refuse", "reason": " ", "go_to": "县民政局"], browser: window)
            #expect(empty.status == 409 && empty.body.contains("请把理由、材料或编号填写完整。"))
            let refused = try await desk.request(
                "POST", path, form: ["csrf": page.csrf ?? "", "action": "refuse", "reason": "不属于本镇办理", "go_to": "县民政局"], browser: window)
            #expect(refused.status == 303)
            let stored = try await center.database.submission(receipt: receipt)
            #expect(stored.summary.state == "rejected" && stored.summary.reason == "不属于本镇办理")
            let after = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(after.body.contains("<dd>不予受理</dd>") && after.body.contains(#"value="archive""#) && !after.body.contains(#"value="accept""#))
            #expect(after.body.contains("<td>不予受理</td><td>已接收 → 不予受理</td><td>li.na</td><td>不属于本镇办理 → 县民政局</td>"), "the step with who and why")
            #expect(try await center.database.auditEvents().contains { $0.event == "transition" && $0.detail?.hasPrefix("refuse received->refused li.na") == true })
        }
    }

    @Test("a non-loopback address without TLS is refused unless the insecure flag is given")
    func insecureAddress() throws {
        #expect(throws: DeskError.insecureAddress("0.0.0.0")) {
            try DeskConfiguration(host: "0.0.0.0", templates: "/nonexistent").check()
        }
        try DeskConfiguration(host: "0.0.0.0", templates: "/nonexistent", insecureLAN: true).check()
        try DeskConfiguration(host: "0.0.0.0", templates: "/nonexistent", tls: ("cert.pem", "key.pem")).check()
    }

    @Test("with --tls-cert and --tls-key the desk serves HTTPS with a Secure session cookie; plain HTTP gets no page; a bad key stops serve")
    func tls() throws {
        let directory = try TemporaryDirectory()
        let (certificate, key) = (directory.file("cert.pem"), directory.file("key.pem"))
        let made = try runTool("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        try #require(made.status == 0, "\(made.errorOutput)")
        let data = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", data, "--catalog", demoCatalog.path]).status == 0)
        let served = try ServedCenter(data: data, extraArguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { served.kill() }
        let page = try runTool("curl", ["-sk", "-D", "-", "https://127.0.0.1:\(served.deskPort)/desk/login"])
        #expect(page.status == 0 && page.output.hasPrefix("HTTP/1.1 200"), "\(page.output.prefix(300))")
        let cookie = page.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: desk_session=") }
        #expect(cookie?.contains("; Secure") == true && cookie?.contains("HttpOnly") == true, "\(String(describing: cookie))")
        #expect(page.output.contains("name=\"password\""))
        let plain = try runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "http://127.0.0.1:\(served.deskPort)/desk/login"])
        #expect(plain.output != "200")

        try "not a key".write(toFile: key, atomically: true, encoding: .utf8)
        let refused = try run("towncenter", ["serve", "--data", data, "--port", "0", "--desk-port", "0", "--tls-cert", certificate, "--tls-key", key])
        #expect(refused.status == 78 && refused.stderr.contains("TLS certificate or key cannot be used"), "\(refused.stderr)")
        let half = try run("towncenter", ["serve", "--data", data, "--tls-cert", certificate])
        #expect(half.status != 0 && half.stderr.contains("--tls-cert and --tls-key go together"))
    }
}
