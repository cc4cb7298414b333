import Foundation
import GRDB
import KioskCore
import SyncProtocol
import Testing
import TestSupport
@testable import TownCenter

/// Enrols `station` once and stores cases through it, each at the center clock's time of the call.
struct CaseFeeder {
    let center: Center
    let station: TestStation
    var sequence = 0

    init(center: Center, station: TestStation) async throws {
        self.center = center
        self.station = station
        try await center.enrolDirectly(station)
    }

    /// Stores one case of `matter` with `answers`; returns its receipt number.
    @discardableResult
    mutating func store(_ matter: String, answers: String) async throws -> String {
        sequence += 1
        let item = try station.item(to: center.keys.agreement.publicKey, sequence: sequence, matter: matter, answers: answers)
        let checker = try await center.submissionChecker(for: station.publicKey)
        let results = try await center.database.ingest(station: station.id, items: [checker.check(item)], now: center.now)
        try #require(results.first?.outcome == .stored, "\(results)")
        return try ReceiptNumber(station: station.id, date: Date(timeIntervalSince1970: 1_795_000_000), timeZone: .china, sequence: sequence).description
    }
}

/// A civil-affairs answer set (MZ-GG-01) for `name`.
func elderAnswers(_ name: String) -> String {
    #"{"name":"\#(name)","id_number":"110101194001011234","phone":"13800138000","address":"柳树湾村3组","applicant":"self","bank_card":"6222021234567890123","bank_name":"农业银行"}"#
}

/// A human-resources answer set (RS-GG-01) for `name`.
func employmentAnswers(_ name: String) -> String {
    #"{"name":"\#(name)","id_number":"110101199003071234","phone":"13900139000"}"#
}

@Suite("Town desk inbox over HTTP")
struct DeskInboxTests {
    @Test("filters by state, matter, department, station, channel, dates and overdue; searches receipts and, for window staff, names; masks applicants; counts per state")
    func filters() async throws {
        try await withRunningDesk { desk in
            let center = desk.center
            var xh03 = try await CaseFeeder(center: center, station: TestStation("XH03"))
            var lsw1 = try await CaseFeeder(center: center, station: TestStation("LSW1"))
            let first = try await xh03.store("MZ-GG-01", answers: elderAnswers("张三丰"))  // day 0
            desk.clock.advance(by: 2 * 86_400)
            try await xh03.store("RS-GG-01", answers: employmentAnswers("李四"))        // day 2
            desk.clock.advance(by: 2 * 86_400)
            let third = try await lsw1.store("MZ-GG-01", answers: elderAnswers("王五"))  // day 4
            try await center.database.decide(receipt: third, state: .accepted, reason: nil, now: center.now)
            // Day 10 (Saturday 2026-11-28) and an hour: RS-GG-01 (5 working days, received Friday 11-20, no
            // supplement asked within 5 working days, so accepted by law that day) was due Friday 11-27.
            desk.clock.advance(by: 6 * 86_400 + 3600)

            let (window, _) = try await desk.signIn("li.na")
            func inbox(_ query: String, _ browser: RunningDesk.Browser) async throws -> RunningDesk.Page {
                try await desk.request("GET", "/desk/inbox" + query, browser: browser)
            }
            func receipts(_ page: RunningDesk.Page) -> [String] {
                page.body.matches(of: /<a href="\/desk\/cases\/([A-Z0-9-]+)">/).map { String($0.1) }
            }
            let all = try await inbox("", window)
            #expect(all.status == 200)
            #expect(receipts(all).count == 3)
            #expect(all.body.contains("张**") && !all.body.contains("张三丰") && !all.body.contains("110101194001011234"))
            #expect(all.body.contains("1101**********1234"))
            #expect(all.body.contains(#"待受理 <span class="count">2</span>"#))
            #expect(all.body.contains(#"已受理 <span class="count">1</span>"#))
            #expect(receipts(try await inbox("?state=accepted", window)) == [third])
            #expect(receipts(try await inbox("?matter=RS-GG-01", window)).count == 1)
            #expect(receipts(try await inbox("?department=%E6%B0%91%E6%94%BF%E5%B1%80", window)).count == 2)  // 民政局
            #expect(receipts(try await inbox("?station=LSW1", window)) == [third])
            #expect(receipts(try await inbox("?channel=self", window)).isEmpty)
            #expect(receipts(try await inbox("?channel=assisted", window)).count == 3)
            let start = CalendarDate(desk.clock.now().addingTimeInterval(-10 * 86_400))
            #expect(receipts(try await inbox("?from=\(start.adding(days: 1))&to=\(start.adding(days: 3))", window)).count == 1)
            #expect(receipts(try await inbox("?to=\(start)", window)) == [first])
            let overdue = try await inbox("?overdue=1", window)
            #expect(receipts(overdue).count == 1)
            #expect(overdue.body.contains(#"class="overdue""#))
            #expect(receipts(try await inbox("?q=\(first.prefix(9))", window)).count == 2)
            #expect(receipts(try await inbox("?q=\(first.lowercased())", window)) == [first])
            #expect(receipts(try await inbox("?q=%E5%BC%A0%E4%B8%89%E4%B8%B0", window)) == [first])  // 张三丰
            #expect(receipts(try await inbox("?q=%E5%BC%A0%E4%B8%89", window)).isEmpty)  // 张三: names match whole
            // Filters combine, and the counts follow every filter but the state.
            let combined = try await inbox("?matter=MZ-GG-01&state=received", window)
            #expect(receipts(combined) == [first])
            #expect(combined.body.contains(#"已受理 <span class="count">1</span>"#))
            for bad in ["?state=lost", "?matter=XX-00-01", "?station=%3Cscript%3E", "?from=2026-02-30", "?page=0", "?page=abc",
                        "?overdue=yes", "?channel=fax"] {
                #expect(try await inbox(bad, window).status == 400, "\(bad)")
            }

            // A department account sees only its department's cases, whatever it asks, and may not search names.
            let (department, _) = try await desk.signIn("mz.wang")
            #expect(receipts(try await inbox("", department)).count == 2)
            #expect(receipts(try await inbox("?matter=RS-GG-01", department)).isEmpty)
            #expect(receipts(try await inbox("?department=%E4%BA%BA%E7%A4%BE%E5%B1%80", department)).isEmpty)  // 人社局
            #expect(receipts(try await inbox("?q=%E5%BC%A0%E4%B8%89%E4%B8%B0", department)).isEmpty)
            #expect(receipts(try await inbox("?q=\(first)", department)) == [first])
        }
    }

    @Test("paging keeps the filters: 60 matching cases make two pages whose links carry the filter")
    func paging() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            for index in 0..<65 {
                try await feeder.store(index < 60 ? "MZ-GG-01" : "RS-GG-01", answers: elderAnswers("张三"))
                desk.clock.advance(by: 60)
            }
            let (window, _) = try await desk.signIn("li.na")
            let first = try await desk.request("GET", "/desk/inbox?matter=MZ-GG-01", browser: window)
            #expect(first.body.contains("共 60"))
            let next = try #require(first.body.firstMatch(of: /<a href="([^"]+)" rel="next">/).map { String($0.1) })
            #expect(next == "/desk/inbox?matter=MZ-GG-01&amp;page=2")
            let second = try await desk.request("GET", next.replacingOccurrences(of: "&amp;", with: "&"), browser: window)
            #expect(second.body.matches(of: /<a href="\/desk\/cases\//).count == 10)
            #expect(!second.body.contains(#"rel="next""#))
            #expect(second.body.contains(#"<a href="/desk/inbox?matter=MZ-GG-01" rel="prev">"#))
        }
    }

    @Test("every inbox filter, its counts per state and the case history are served by an index (EXPLAIN QUERY PLAN)")
    func indexes() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let filters: [SubmissionFilter] = [
            SubmissionFilter(state: "received"), SubmissionFilter(matter: "MZ-GG-01"), SubmissionFilter(station: "XH03"),
            SubmissionFilter(channel: .selfService), SubmissionFilter(receivedSince: 1, receivedBefore: 2),
            SubmissionFilter(matters: ["MZ-GG-01", "MZ-GG-02"]), SubmissionFilter(receiptPrefix: "XH03-2611"),
            SubmissionFilter(applicantTag: Data([1])), SubmissionFilter(overdueAt: 100),
            SubmissionFilter(matter: "MZ-GG-01", state: "received"),
        ]
        for filter in filters {
            let (clause, arguments) = filter.sql
            let plan = try await center.database.writer.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT * FROM submission \(clause) \(CenterDatabase.inboxOrder) LIMIT 50",
                    arguments: arguments
                ).map { $0["detail"] as String }.joined(separator: "; ")
            }
            let (countSQL, countArguments) = CenterDatabase.stateCounts(filter)
            let countPlan = try await center.database.writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + countSQL, arguments: countArguments).map { $0["detail"] as String }
                    .joined(separator: "; ")
            }
            print("plan for \(clause): \(plan); counts: \(countPlan)")
            #expect(plan.contains("SEARCH submission USING"), "\(clause): \(plan)")
            // The counts read the kept counts or an index alone, or search one for the few cases of a receipt or a name.
            #expect(
                countPlan.contains("case_count") || countPlan.contains("USING COVERING INDEX") || countPlan.contains("SEARCH submission USING INDEX"),
                "\(clause): \(countPlan)")
            if filter.station == nil, filter.channel == nil, filter.receivedSince == nil, filter.receiptPrefix == nil, filter.applicantTag == nil,
               filter.overdueAt == nil {
                #expect(countPlan.contains("case_count"), "a filter on matters alone counts from the kept counts: \(countPlan)")
            }
        }
        let history = try await center.database.writer.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT body FROM audit WHERE json_extract(CAST(body AS TEXT), '$.receipt') = ? ORDER BY seq",
                arguments: ["XH03"]
            ).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(history.contains("USING INDEX audit_receipt"), "\(history)")
    }
}

@Suite("Town desk inbox deadlines")
struct DeskInboxDeadlineTests {
    @Test("the due column shows each case's deadline in working days with its light, from its workflow")
    func lights() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            try await feeder.store("MZ-GG-01", answers: elderAnswers("张三丰"))  // Wednesday 2026-11-18
            let accepted = try await feeder.store("MZ-GG-01", answers: elderAnswers("王五"))
            try await desk.center.transition(receipt: accepted, .accept, staff: "li.na", calendar: WorkingDayCalendar(schedules: []))
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/inbox", browser: window).body
            // The supplement window: 5 working days after receipt; the decision: 20 working days after acceptance.
            #expect(page.contains(#"<td class="light light-green">2026-11-25 · 剩余 5 个工作日</td>"#), "\(page)")
            #expect(page.contains(#"<td class="light light-green">2026-12-16 · 剩余 20 个工作日</td>"#))
            desk.clock.advance(by: 6 * 86_400)  // Tuesday 2026-11-24
            let (again, _) = try await desk.signIn("li.na")
            let later = try await desk.request("GET", "/desk/inbox", browser: again).body
            #expect(later.contains(#"<td class="light light-yellow">2026-11-25 · 剩余 1 个工作日</td>"#), "\(later)")
        }
    }
}
