import Crypto
import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol
import Testing
import TestSupport
import TownCenter

/// A valid posted walk-in form for ZJ-GG-01 (public rental housing) by a migrant worker, with two
/// household members; `extra` replaces or adds fields.
func rentalHousingForm(csrf: String, _ extra: [String: String] = [:]) -> [String: String] {
    var form = [
        "csrf": csrf, "action": "submit", "f.name": "孙八", "f.id_number": "110101199003071233", "f.phone": "13800138000",
        "f.address": "新河镇柳树湾村3组", "f.applicant_type": "migrant_worker", "f.work_years": "3", "f.housing_area": "0",
        "n.members": "2", "g.members.0.member_name": "孙八", "g.members.0.relationship": "self", "g.members.0.income": "3000",
        "g.members.1.member_name": "周九", "g.members.1.relationship": "spouse", "g.members.1.income": "1000",
    ]
    form.merge(extra) { $1 }
    return form
}

@Suite("Walk-in applications at the town window")
struct DeskWalkInTests {
    @Test("the center numbers walk-ins in its own series, seals them to its key, signs the receipt; invalid answers store nothing; the series is no station's")
    func centerSeries() async throws {
        try await withRunningDesk { desk in
            let center = desk.center
            let matter = try await center.publishedMatter("ZJ-GG-01")
            let answers: Answers = [
                "name": .text("孙八"), "id_number": .text("110101199003071233"), "phone": .text("13800138000"),
                "address": .text("柳树湾村3组"), "applicant_type": .text("new_employee"), "housing_area": .number(20),
                "members": .group([["member_name": .text("孙八"), "relationship": .text("self"), "income": .number(3000)]]),
            ]
            let first = try await center.takeWalkIn(matter: matter, answers: answers, series: "XHZX", staff: "li.na")
            let second = try await center.takeWalkIn(matter: matter, answers: answers, series: "XHZX", staff: "li.na")
            // 1_795_000_000 is 2026-11-18 in China.
            #expect(first.receipt.hasPrefix("XHZX-261118-0001-") && second.receipt.hasPrefix("XHZX-261118-0002-"))
            #expect(first.answers["household_size"] == .number(1) && first.answers["per_capita_area"] == .number(20))
            let stored = try await center.database.submission(receipt: first.receipt)
            #expect(stored.summary.channel == .window && stored.summary.station == "XHZX" && stored.summary.matter == "ZJ-GG-01")
            let opened = try AnswersJSON.decode(try await center.openAnswers(receipt: first.receipt).answers)
            #expect(opened["name"] == .text("孙八") && opened["work_years"] == nil)
            #expect(try await center.checkReceipt(of: stored) == .valid)
            guard case .success(let found) = try await center.verifyReceipt(qrText: first.receiptQR) else {
                Issue.record("the window's receipt does not verify")
                return
            }
            #expect(found.stored?.receipt == first.receipt)
            // A receipt of the series signed by any other key is refused.
            let forged = SignedReceipt(record: found.record, signature: try Curve25519.Signing.PrivateKey().signature(for: found.record.encoded()))
            guard case .failure(.signatureInvalid) = try await center.verifyReceipt(qrText: forged.qrText) else {
                Issue.record("a forged window receipt verified")
                return
            }
            let walkIns = try await center.database.auditEvents().filter { $0.event == "walk_in" }
            #expect(walkIns.map(\.detail) == ["li.na", "li.na"] && walkIns.map(\.receipt) == [first.receipt, second.receipt])

            var missing = answers
            missing["name"] = nil
            missing["applicant_type"] = .text("migrant_worker")
            let invalid = await #expect(throws: WalkInError.self) {
                try await center.takeWalkIn(matter: matter, answers: missing, series: "XHZX", staff: "li.na")
            }
            guard case .invalid(let issues)? = invalid else {
                Issue.record("invalid answers: \(String(describing: invalid))")
                return
            }
            #expect(issues.map(\.path) == ["name", "work_years"])
            #expect(try await center.database.submissionCount() == 2)
            let notDelegated = try await center.publishedMatter("MZ-QR-03")
            let refused = await #expect(throws: WalkInError.self) {
                try await center.takeWalkIn(matter: notDelegated, answers: [:], series: "XHZX", staff: "li.na")
            }
            #expect(refused.map { if case .notDelegated("MZ-QR-03", _) = $0 { true } else { false } } == true)
            // No station may enrol under the series, and no series may be a station's code.
            await #expect(throws: CenterError.windowSeries("XHZX")) { try await center.issueToken(station: "XHZX") }
            _ = try await CaseFeeder(center: center, station: TestStation("XH03"))
            await #expect(throws: WalkInError.seriesIsStation("XH03")) {
                try await center.takeWalkIn(matter: matter, answers: answers, series: "XH03", staff: "li.na")
            }
        }
    }

    @Test("the form: relevance and calculations redrawn on update, entries added and removed, every problem beside its field, a valid one stored as a window case")
    func formOverHTTP() async throws {
        try await withRunningDesk { desk in
            let (window, _) = try await desk.signIn("li.na")
            let picker = try await desk.request("GET", "/desk/walk-in", browser: window)
            #expect(picker.status == 200 && picker.body.contains(#"<a href="/desk/walk-in/ZJ-GG-01">ZJ-GG-01"#))
            #expect(picker.body.contains(#"href="/desk/walk-in/CG-XK-04""#) && picker.body.contains("仅限中心办理"))
            #expect(!picker.body.contains("MZ-QR-03"), "a matter not delegated is not offered")
            #expect(try await desk.request("GET", "/desk/walk-in/MZ-QR-03", browser: window).status == 404)

            let empty = try await desk.request("GET", "/desk/walk-in/ZJ-GG-01", browser: window)
            #expect(empty.status == 200 && empty.headers["cache-control"] == "no-store")
            #expect(empty.body.contains(#"<label for="f-name">申请人姓名 <abbr title="必填">*</abbr></label>"#))
            #expect(empty.body.contains(#"<input type="hidden" name="n.members" value="1">"#), "the required group starts with one entry")
            #expect(empty.body.contains(#"id="g-members-0-relationship" name="g.members.0.relationship""#))
            #expect(!empty.body.contains("f.work_years"), "work years are asked of migrant workers only")
            #expect(empty.body.contains(#"id="f-applicant_type" name="f.applicant_type" aria-required="true" data-refresh"#))
            #expect(empty.body.contains(#"<script src="/desk/desk.js" defer></script>"#))
            let csrf = try #require(empty.csrf)
            let path = "/desk/walk-in/ZJ-GG-01"
            #expect(try await desk.request("POST", path, form: rentalHousingForm(csrf: "wrong"), browser: window).status == 403)

            // Update: the relevant field appears, calculations follow, no errors yet.
            var partial = rentalHousingForm(csrf: csrf, ["action": "update", "f.name": "", "f.work_years": ""])
            let updated = try await desk.request("POST", path, form: partial, browser: window)
            #expect(updated.status == 200 && updated.body.contains(#"name="f.work_years""#))
            #expect(updated.body.contains(#"<output id="f-household_size">2</output>"#))
            #expect(updated.body.contains(#"<output id="f-per_capita_income">2000</output>"#))
            #expect(!updated.body.contains(#"class="error""#))
            #expect(updated.body.contains(#"value="周九""#))

            // Add and remove entries; what was typed stays.
            partial["action"] = "add.members"
            let added = try await desk.request("POST", path, form: partial, browser: window)
            #expect(added.body.contains(#"name="n.members" value="3""#) && added.body.contains(#"name="g.members.2.member_name""#))
            partial["action"] = "remove.members.0"
            let removed = try await desk.request("POST", path, form: partial, browser: window)
            #expect(removed.body.contains(#"name="n.members" value="1""#) && removed.body.contains(#"value="周九""#) && !removed.body.contains(#"value="孙八""#))

            // Submit with problems: 422, each message beside its field, nothing stored.
            partial["action"] = "submit"
            partial["g.members.1.income"] = "abc"
            let refused = try await desk.request("POST", path, form: partial, browser: window)
            #expect(refused.status == 422)
            #expect(refused.body.contains("有 3 处需要修改"), "\(refused.body)")
            #expect(refused.body.contains(#"<span class="error" id="f-name-error">这一项必须填写</span>"#))
            #expect(refused.body.contains(#"<span class="error" id="f-work_years-error">这一项必须填写</span>"#))
            #expect(refused.body.contains(#"id="g-members-1-income" name="g.members.1.income" type="text" value="abc""#))
            #expect(refused.body.contains(#"<span class="error" id="g-members-1-income-error">这一项的答案类型不对</span>"#))
            #expect(try await desk.center.database.submissionCount() == 0)

            // Hostile values cost nothing: a huge entry count is capped, unknown fields and actions ignored.
            let hostile = try await desk.request(
                "POST", path, form: rentalHousingForm(csrf: csrf, ["action": "remove.members.-1", "n.members": "99999999999999999999", "f.nope": "1"]),
                browser: window)
            #expect(hostile.status == 200 && hostile.body.contains(#"name="n.members" value="50""#))

            // A valid application, with markup in an answer: stored, receipt of the window series, shown escaped.
            let stored = try await desk.request(
                "POST", path, form: rentalHousingForm(csrf: csrf, ["f.address": "<script>alert(1)</script>"]), browser: window)
            #expect(stored.status == 303)
            let location = try #require(stored.headers["location"])
            #expect(location.hasPrefix("/desk/cases/ZX-261118-0001-"))
            let receipt = String(location.dropFirst("/desk/cases/".count))
            let page = try await desk.request("GET", location, browser: window)
            #expect(page.body.contains("申请已登记，回执编号 \(receipt)"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.body.contains("<script>alert"))
            #expect(page.body.contains("<dd>窗口受理 </dd>") && page.body.contains(#"<dd class="verified">签名有效"#))
            #expect(page.body.contains("<tr><td>周九</td><td>配偶</td><td>1000</td></tr>"))
            let again = try await desk.request("GET", location, browser: window)
            #expect(!again.body.contains("申请已登记"), "the message is shown once")
            let summary = try await desk.center.database.submission(receipt: receipt).summary
            #expect(summary.channel == .window && summary.station == "ZX")

            // The walk-in resident rates the service at the window (a bad rating needs a reason and opens a follow-up).
            #expect(page.body.contains(#"action="/desk/cases/\#(receipt)/rating""#))
            let rate = "/desk/cases/\(receipt)/rating"
            #expect(try await desk.request("POST", rate, form: ["csrf": csrf, "level": "2"], browser: window).status == 422)
            #expect(try await desk.request("POST", rate, form: ["csrf": csrf, "level": "9"], browser: window).status == 400)
            #expect(try await desk.request("POST", rate, form: ["csrf": csrf, "level": "2", "r.attitude": "1"], browser: window).status == 303)
            let (department, _) = try await desk.signIn("rs.sun")
            #expect(try await desk.request("POST", rate, form: ["csrf": csrf, "level": "5"], browser: department).status == 403)
            let ratedPage = try await desk.request("GET", location, browser: window)
            #expect(ratedPage.body.contains("不满意 · 工作人员态度不好 (中心窗口)") && ratedPage.body.contains("评价已保存"))
            #expect(try await desk.center.database.followUps().map(\.receipt) == [receipt])

            // A walk-in case is a case like any other: in the inbox under its channel, through the workflow.
            let inbox = try await desk.request("GET", "/desk/inbox?channel=window", browser: window)
            #expect(inbox.body.contains(receipt) && inbox.body.contains("孙*"))
            let accepted = try await desk.request(
                "POST", "/desk/cases/\(receipt)/step", form: ["csrf": csrf, "action": "accept"], browser: window)
            #expect(accepted.status == 303)
            #expect(try await desk.center.database.submission(receipt: receipt).summary.state == "accepted")
        }
    }

    @Test("every delegated matter of the catalog: its example answers typed into its HTML form are stored as they validate (every field type, groups, relevance)")
    func everyMatterRoundTrip() async throws {
        try await withRunningDesk { desk in
            let (window, _) = try await desk.signIn("li.na")
            let catalog = try await desk.center.publishedCatalog()
            let today = ChinaTime.day(desk.center.now)
            var taken = 0
            for matter in catalog.matters where matter.delegated {
                let page = try await desk.request("GET", "/desk/walk-in/\(matter.code)", browser: window)
                #expect(page.status == 200, "\(matter.code)")
                let example = ExampleAnswers.generate(for: matter.form, today: today)
                let expected = FormValidator.validate(example, form: matter.form, today: today)
                try #require(expected.isValid, "\(matter.code): \(expected.issues)")
                for field in matter.form.fields where field.isAnswered && field.relevant == nil && field.type != .repeat {
                    #expect(page.body.contains(#"name="f.\#(field.id)"#), "\(matter.code): no control for \(field.id)")
                }
                var form = ["csrf": page.csrf ?? "", "action": "submit"]
                for field in matter.form.fields where field.isAnswered {
                    guard let value = example[field.id] else { continue }
                    if case .group(let entries) = value {
                        form["n.\(field.id)"] = String(entries.count)
                        for (i, entry) in entries.enumerated() {
                            for member in field.fields { post(entry[member.id], of: member, as: "g.\(field.id).\(i).\(member.id)", into: &form) }
                        }
                    } else {
                        post(value, of: field, as: "f.\(field.id)", into: &form)
                    }
                }
                let stored = try await desk.request("POST", "/desk/walk-in/\(matter.code)", form: form, browser: window)
                #expect(stored.status == 303, "\(matter.code): \(stored.body.prefix(3000))")
                guard let location = stored.headers["location"] else { continue }
                let opened = try await desk.center.openAnswers(receipt: String(location.dropFirst("/desk/cases/".count)))
                #expect(try AnswersJSON.decode(opened.answers) == expected.answers, "\(matter.code)")
                taken += 1
            }
            #expect(taken == catalog.matters.filter(\.delegated).count && taken > 20)
        }
    }

    /// Puts `value` in the posted form as the walk-in form's controls would.
    private func post(_ value: AnswerValue?, of field: Field, as name: String, into form: inout [String: String]) {
        switch value {
        case .text(let text)?: form[name] = text
        case .number(let number)?: form[name] = ExpressionValue.format(number)
        case .list(let chosen)?:
            for (index, choice) in field.choices.enumerated() where chosen.contains(choice.value) { form["\(name).\(index)"] = "1" }
        default: break
        }
    }

    @Test("a walk-in's receipt is printed on the center's 80 mm queue when it is stored, and any case's receipt again from its page", .needsRoot("a private cupsd"))
    func receiptPrinting() async throws {
        let cups = try PrivateCups()
        try await withRunningDesk(printingTo: cups) { desk in
            let (window, _) = try await desk.signIn("li.na")
            let csrf = try #require(try await desk.request("GET", "/desk/walk-in/ZJ-GG-01", browser: window).csrf)
            let stored = try await desk.request("POST", "/desk/walk-in/ZJ-GG-01", form: rentalHousingForm(csrf: csrf), browser: window)
            let location = try #require(stored.headers["location"])
            let receipt = String(location.dropFirst("/desk/cases/".count))
            let page = try await desk.request("GET", location, browser: window)
            #expect(page.body.contains("回执已送到打印机 bianmin-receipt"), "\(page.body.prefix(1500))")
            let text = try await printed(cups.output(of: "bianmin-receipt"))
            #expect(text.contains(receipt) && text.contains("XX县新河镇人民政府") && text.contains("为民服务中心窗口"))
            #expect(text.contains("孙*") && !text.contains("孙八") && !text.contains("110101199003071233"))
            try FileManager.default.removeItem(atPath: cups.output(of: "bianmin-receipt"))

            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let stationCase = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let casePage = try await desk.request("GET", "/desk/cases/\(stationCase)", browser: window)
            #expect(casePage.body.contains("打印回执 (bianmin-receipt)"))
            #expect(try await desk.request("POST", "/desk/cases/\(stationCase)/print-receipt", form: [:], browser: window).status == 403)
            let (auditor, _) = try await desk.signIn("cx.qian")
            #expect(try await desk.request(
                "POST", "/desk/cases/\(stationCase)/print-receipt", form: ["csrf": casePage.csrf ?? ""], browser: auditor).status == 403)
            let reprinted = try await desk.request(
                "POST", "/desk/cases/\(stationCase)/print-receipt", form: ["csrf": casePage.csrf ?? ""], browser: window)
            #expect(reprinted.status == 200 && reprinted.body.contains("回执已送到打印机 bianmin-receipt"))
            let again = try await printed(cups.output(of: "bianmin-receipt"))
            #expect(again.contains(stationCase) && again.contains("村便民服务站(XH03)") && again.contains("张*"))
        }
    }

    /// The text of the PDF a file queue writes, once it is there.
    private func printed(_ output: String) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: output) && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        return try noticeText(output)
    }
}
