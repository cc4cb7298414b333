import Foundation
import KioskCore
import Testing
import TestSupport
import TownCenter

@Suite("Town desk roles and languages over HTTP")
struct DeskRoleTests {
    /// What each role gets from each page and action on a 民政局 case (303: done, then redirected).
    static let matrix: [Row] = [
        ("li.na", 200, 200, 200, 303, 303, 200, 422),       // window
        ("sp.zhao", 200, 200, 200, 303, 303, 200, 422),     // approver
        ("mz.wang", 200, 200, 200, 403, 409, 403, 403),     // department, its own matter (only the county unit's result)
        ("rs.sun", 200, 403, 403, 403, 403, 403, 403),      // department, another department's matter
        ("cx.qian", 200, 200, 200, 403, 403, 403, 403),     // auditor
        ("root.admin", 403, 403, 403, 403, 403, 403, 403),  // admin
    ]
    /// `walkIn` is the walk-in form's page, `takeWalkIn` an (empty, so refused with 422) application posted to it.
    typealias Row = (id: String, inbox: Int, page: Int, print: Int, materials: Int, decide: Int, walkIn: Int, takeWalkIn: Int)

    @Test("every role tries every page and action, and gets what its role allows", arguments: matrix)
    func roleMatrix(_ row: Row) async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let (browser, signedIn) = try await desk.signIn(row.id)
            #expect(signedIn.status == 303)
            let inbox = try await desk.request("GET", "/desk/inbox", browser: browser)
            #expect(inbox.status == row.inbox, "inbox")
            // The session's token (admin has no desk page yet: the sign-in form carries the session's token too).
            let csrf = try #require(try await desk.request("GET", "/desk/login", browser: browser).csrf)
            #expect(try await desk.request("GET", "/desk/cases/\(receipt)", browser: browser).status == row.page, "case page")
            #expect(try await desk.request("GET", "/desk/cases/\(receipt)/print", browser: browser).status == row.print, "print view")
            // Reports hold no personal data: every role reads them (a department its own matters).
            #expect(try await desk.request("GET", "/desk/reports", browser: browser).status == 200, "reports")
            #expect(try await desk.request(
                "POST", "/desk/cases/\(receipt)/materials", form: ["csrf": csrf, "m0": "1"], browser: browser).status == row.materials,
                "materials")
            #expect(try await desk.request(
                "POST", "/desk/cases/\(receipt)/step", form: ["csrf": csrf, "action": "accept"], browser: browser).status == row.decide,
                "accept")
            let state = try await desk.center.database.submission(receipt: receipt).summary.state
            #expect(state == (row.decide == 303 ? "accepted" : "received"))
            #expect(try await desk.request("GET", "/desk/walk-in/MZ-GG-01", browser: browser).status == row.walkIn, "walk-in form")
            #expect(try await desk.request(
                "POST", "/desk/walk-in/MZ-GG-01", form: ["csrf": csrf, "action": "submit"], browser: browser).status == row.takeWalkIn,
                "walk-in application")
            #expect(try await desk.center.database.submissionCount() == 1)
        }
    }

    @Test("English: the switch (CSRF checked) keeps the session through sign-in, the pages and the catalog's labels speak English; a foreign back link is refused")
    func english() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let browser = RunningDesk.Browser()
            let login = try await desk.request("GET", "/desk/login", browser: browser)
            #expect(login.body.contains(#"<html lang="zh-Hans">"#) && login.body.contains("工号"))
            let switchForm = ["lang": "en", "back": "/desk/login"]
            #expect(try await desk.request("POST", "/desk/language", form: switchForm, browser: browser).status == 403)
            var withToken = switchForm
            withToken["csrf"] = login.csrf
            let switched = try await desk.request("POST", "/desk/language", form: withToken, browser: browser)
            #expect(switched.status == 303 && switched.headers["location"] == "/desk/login")
            let english = try await desk.request("GET", "/desk/login", browser: browser)
            #expect(english.body.contains(#"<html lang="en">"#) && english.body.contains("Staff id") && !english.body.contains("工号"))
            let signedIn = try await desk.request(
                "POST", "/desk/login", form: ["csrf": english.csrf ?? "", "username": "li.na", "password": "good-password-1"],
                browser: browser)
            #expect(signedIn.status == 303)
            let inbox = try await desk.request("GET", "/desk/inbox", browser: browser)
            #expect(inbox.body.contains("<h1>Inbox</h1>") && inbox.body.contains("Old-Age Allowance for People Aged 80 and Over"))
            #expect(inbox.body.contains("Waiting for acceptance"))
            #expect(inbox.body.contains(#"<option value="民政局">Civil Affairs</option>"#))
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: browser)
            #expect(page.body.contains(#"<th scope="row">Full name of the older person</th><td>张三</td>"#))
            #expect(page.body.contains("Signature valid"))
            #expect(page.body.contains(#"name="m0" value="1"> 老年人居民身份证 (original)"#))
            var away = withToken
            away["csrf"] = page.csrf
            away["back"] = "//evil.example/desk/"
            #expect(try await desk.request("POST", "/desk/language", form: away, browser: browser).headers["location"] == "/desk/inbox")
            away["back"] = "https://evil.example/"
            #expect(try await desk.request("POST", "/desk/language", form: away, browser: browser).headers["location"] == "/desk/inbox")
        }
    }

    @Test("the Chinese and English string tables have the same keys, none empty")
    func stringTables() throws {
        var tables: [[String: String]] = []
        for language in ["zh-Hans", "en"] {
            let url = packageRoot.appendingPathComponent("Resources/desk/strings.\(language).json")
            tables.append(try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url)))
        }
        #expect(Set(tables[0].keys) == Set(tables[1].keys))
        #expect(tables.allSatisfy { $0.values.allSatisfy { !$0.isEmpty } })
    }
}
