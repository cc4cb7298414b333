import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol
import Testing
import TestSupport
import TownCenter

/// The 2026 National Day schedule (Oct 1–7 off, Saturday Oct 10 worked), as `center-config/calendar/2026.yaml` has it.
let nationalDay2026 = WorkingDayCalendar(schedules: [
    HolidaySchedule(
        year: 2026, holidays: Set((1...7).compactMap { CalendarDate(year: 2026, month: 10, day: $0) }),
        workingWeekendDays: [CalendarDate(year: 2026, month: 10, day: 10)!])
])

/// Unix seconds of 10:00 China time on `day` (YYYY-MM-DD).
func chinaMorning(_ day: String) -> Date {
    let date = CalendarDate(iso: day)!
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .china
    return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 10))!
}

/// A center on a manual clock with `count` MZ-GG-01 (民政局) submissions received on 2026-09-30 and
/// the staff accounts `win` (window), `boss` (approver), `mz` (民政局 department), `rs` (人社局
/// department) and `admin`.
func workflowCenter(_ count: Int) async throws -> (center: Center, clock: ManualClock, receipts: [String], directory: URL) {
    let directory = try temporaryDirectory()
    let clock = ManualClock(chinaMorning("2026-09-30"))
    let center = try await Center.initialize(
        dataDirectory: directory.appendingPathComponent("data").path, catalogDirectory: demoCatalog, clock: clock)
    let station = TestStation()
    let items = try (1...count).map { try station.item(to: center.keys.agreement.publicKey, sequence: $0) }
    try await enrolAndStore(items, from: station, at: center)
    for (id, role, department) in [
        ("win", StaffRole.window, Department?.none), ("boss", .approver, nil), ("mz", .department, .civilAffairs),
        ("rs", .department, .humanResources), ("admin", .admin, nil),
    ] {
        try await center.database.addStaff(
            StaffAccount(id: id, name: id, role: role, department: department, disabled: false, createdAt: center.now),
            passwordHash: "not-a-password")
    }
    let receipts = try items.map { try SignedReceipt(qrText: $0.receipt).record.receiptNumber.description }
    return (center, clock, receipts, directory)
}

@Suite("case workflow at the center")
struct WorkflowTests {
    @Test("a case runs supplement → accept → suspend → extend → county → approve → deliver → archive, each step recorded and audited")
    func fullCase() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let receipt = receipts[0]
        let calendar = nationalDay2026
        func step(_ action: CaseAction, _ staff: String) async throws -> CaseWorkflowRecord {
            try await center.transition(receipt: receipt, action, staff: staff, calendar: calendar).record
        }
        let asked = try await center.transition(
            receipt: receipt, .requestSupplement(items: ["户口簿复印件", " ", "收入证明"]), staff: "win", calendar: calendar)
        #expect(asked.effects == [.issueNotice(.supplement)])
        #expect(asked.record.file.state == .needsSupplement)
        #expect(asked.record.file.supplementItems == ["户口簿复印件", "收入证明"])
        #expect(asked.record.summary.state == "needs_more")

        clock.set(chinaMorning("2026-10-09"))
        _ = try await step(.resubmit, "win")
        _ = try await step(.accept, "win")
        _ = try await step(.suspend(.inspection, reason: "现场勘察住房"), "win")
        clock.set(chinaMorning("2026-10-12"))
        _ = try await step(.resume, "win")
        await #expect(throws: CenterError.workflow(receipt: receipt, .notPermitted(action: "extend", role: .window))) {
            try await step(.extend(workingDays: 5, reason: "需补充调查"), "win")
        }
        _ = try await step(.extend(workingDays: 5, reason: "需补充调查"), "boss")
        await #expect(throws: CenterError.workflow(receipt: receipt, .alreadyExtended)) {
            try await step(.extend(workingDays: 2, reason: "再延"), "boss")
        }
        let sent = try await center.transition(receipt: receipt, .sendToCounty(unit: "县民政局"), staff: "win", calendar: calendar)
        #expect(sent.effects == [.forwardToCounty(unit: "县民政局")])
        await #expect(throws: CenterError.workflow(receipt: receipt, .notPermitted(action: "decide", role: .department))) {
            try await step(.decide(approved: true, reasons: ""), "rs")
        }
        let approved = try await step(.decide(approved: true, reasons: ""), "mz")
        #expect(approved.summary.state == "completed")
        _ = try await step(.deliver(.villageStation, recipient: "张三"), "win")
        await #expect(throws: CenterError.workflow(receipt: receipt, .notPermitted(action: "archive", role: .admin))) {
            try await step(.archive(number: "2026-民政-0001"), "admin")
        }
        await #expect(throws: CenterError.unknownStaff("nobody")) { try await step(.archive(number: "x"), "nobody") }
        _ = try await step(.archive(number: "2026-民政-0001"), "win")
        await #expect(throws: CenterError.workflow(receipt: receipt, .illegal(action: "accept", state: .archived))) {
            try await step(.accept, "boss")
        }

        let record = try await center.workflow(receipt: receipt)
        #expect(record.file.state == .archived)
        #expect(record.file.acceptedOn == CalendarDate(iso: "2026-10-09"))
        #expect(record.file.suspensions == [
            CaseSuspension(kind: .inspection, reason: "现场勘察住房", from: CalendarDate(iso: "2026-10-09")!, to: CalendarDate(iso: "2026-10-12"))
        ])
        #expect(record.file.extensionDays == 5 && record.extensionReason == "需补充调查")
        #expect(record.file.countyUnit == "县民政局")
        #expect(record.deliveryMethod == .villageStation && record.deliveryRecipient == "张三")
        #expect(record.file.archiveNumber == "2026-民政-0001")
        #expect(record.transitions.map(\.action) == [
            "request_supplement", "resubmit", "accept", "suspend", "resume", "extend", "send_to_county", "decide", "deliver", "archive",
        ])
        #expect(record.transitions.map(\.staff) == ["win", "win", "win", "win", "win", "boss", "win", "mz", "win", "win"])
        #expect(record.transitions.first?.why == "户口簿复印件；收入证明")

        // The trail has one entry per transition (refused ones leave none), naming who, and verifies.
        let history = try await center.database.caseHistory(receipt: receipt).filter { $0.event == "transition" }
        #expect(history.count == 10)
        #expect(history[5].detail?.hasPrefix("extend in_progress->in_progress boss why=") == true)
        #expect(history.allSatisfy { !($0.detail ?? "").contains("张三") })
        guard case .intact = try await center.database.verifyAudit() else { Issue.record("audit trail broken"); return }

        // Stations learn every step: the closest of the four states (a resubmitted case still
        // needs_more to older stations), the workflow state, the deadline, the missing list.
        let stored = try await center.database.submission(receipt: receipt)
        #expect(stored.decisions.map(\.state) == [.needsMore, .needsMore] + Array(repeating: .accepted, count: 5) + Array(repeating: .completed, count: 3))
        #expect(stored.decisions.map(\.caseState) == [
            "needs_supplement", "received", "accepted", "suspended", "in_progress", "in_progress", "with_county", "approved", "delivered", "archived",
        ])
        #expect(stored.decisions.first?.reason == "户口簿复印件；收入证明")
        #expect(stored.decisions.first?.missing == ["户口簿复印件", "收入证明"])
        // Accepted Fri Oct 9 with 20 working days (MZ-GG-01): Sat Oct 10 is worked, so the 20th is Nov 5.
        #expect(stored.decisions[2].due == "2026-11-05" && stored.decisions[2].dueEstimated == false)
        #expect(stored.decisions[2].missing == nil)
        // An older station decodes the page with the four states and ignores the rest.
        let page = try await center.database.updates(station: stored.summary.station, after: UpdatesCursor(sequence: 0), limit: 20)
        let body = try SyncJSON.encode(UpdatesPage(
            decisions: page.decisions, cursor: page.cursor.text, more: page.more, catalogVersion: "v", centerPublicKey: "k", keyID: "i"))
        let older = try JSONDecoder().decode(OlderUpdatesPage.self, from: body)
        #expect(older.decisions.map(\.state.rawValue) == stored.decisions.map(\.state.rawValue))
        await #expect(throws: CenterError.followsWorkflow(receipt: receipt)) {
            try await center.database.decide(receipt: receipt, state: .completed, reason: nil, now: center.now)
        }
    }

    @Test("after 5 working days without a notice the law deems the case accepted from its receipt")
    func fiveDayRule() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Received Wed 2026-09-30: the window ends on 2026-10-13 (Oct 1–7 off, Sat Oct 10 worked).
        clock.set(chinaMorning("2026-10-13"))
        let inTime = try await center.transition(
            receipt: receipts[0], .refuse(reason: "不属本镇受理", goTo: "县民政局"), staff: "win", calendar: nationalDay2026)
        #expect(inTime.record.file.state == .refused && inTime.record.goTo == "县民政局")
        clock.set(chinaMorning("2026-10-14"))
        let deemed = CalendarDate(iso: "2026-09-30")!
        await #expect(throws: CenterError.workflow(receipt: receipts[1], .supplementWindowPassed(acceptedOn: deemed))) {
            try await center.transition(receipt: receipts[1], .requestSupplement(items: ["身份证"]), staff: "win", calendar: nationalDay2026)
        }
        let accepted = try await center.transition(receipt: receipts[1], .accept, staff: "win", calendar: nationalDay2026).record.file
        #expect(accepted.acceptedOn == deemed && accepted.acceptedByLaw)
    }

    @Test("decisions made with the four states are carried over by the migration")
    func legacyDecisionsMigrate() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(5)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = center.database
        try await db.decide(receipt: receipts[0], state: .needsMore, reason: "户口簿", now: center.now)
        try await db.decide(receipt: receipts[1], state: .accepted, reason: nil, now: center.now)
        clock.set(chinaMorning("2026-10-09"))
        try await db.decide(receipt: receipts[2], state: .accepted, reason: nil, now: Int64(chinaMorning("2026-10-08").timeIntervalSince1970))
        try await db.decide(receipt: receipts[2], state: .completed, reason: nil, now: center.now)
        try await db.decide(receipt: receipts[3], state: .rejected, reason: "不属本镇", now: center.now)
        // The database as it was before the migration: no workflow tables, not yet migrated.
        try await db.writer.write { db in
            try db.execute(sql: """
                DROP TABLE case_workflow; DROP TABLE case_suspension; DROP TABLE case_transition; DROP TABLE notice;
                ALTER TABLE decision DROP COLUMN case_state; ALTER TABLE decision DROP COLUMN due;
                ALTER TABLE decision DROP COLUMN due_estimated; ALTER TABLE decision DROP COLUMN missing;
                ALTER TABLE decision DROP COLUMN go_to;
                DELETE FROM grdb_migrations WHERE identifier = 'case-workflow';
                """)
        }
        let reopened = try Center.open(dataDirectory: center.directory.url.path, clock: clock)
        var states: [CaseFile] = []
        for receipt in receipts { states.append(try await reopened.workflow(receipt: receipt).file) }
        #expect(states.map(\.state) == [.needsSupplement, .accepted, .approved, .refused, .received])
        #expect(states[0].supplementItems == ["户口簿"] && states[0].supplementRequestedOn == CalendarDate(iso: "2026-09-30"))
        #expect(states[1].acceptedOn == CalendarDate(iso: "2026-09-30"))
        #expect(states[2].acceptedOn == CalendarDate(iso: "2026-10-08") && states[2].decidedOn == CalendarDate(iso: "2026-10-09"))
        #expect(states[3].reason == "不属本镇")
        // A migrated case goes on through the workflow.
        let decided = try await reopened.transition(
            receipt: receipts[1], .decide(approved: false, reasons: "不符合条件"), staff: "boss", calendar: nationalDay2026)
        #expect(decided.record.file.state == .denied && decided.record.summary.state == "rejected")
    }

    @Test("notice numbers are unique per series and year under concurrent allocation")
    func concurrentNoticeNumbers() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let numbers = try await withThrowingTaskGroup(of: IssuedNotice.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await center.database.allocateNotice(
                        receipt: receipts[0], kind: .acceptance, series: index % 2 == 0 ? "新河便受" : "新河便补", year: 2026,
                        format: .standard, staff: "win", now: center.now)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(numbers.map(\.number)).count == 40)
        #expect(numbers.filter { $0.series == "新河便受" }.map(\.sequence).sorted() == Array(1...20))
        #expect(numbers.contains { $0.number == "新河便受〔2026〕第0001号" })
        let next = try await center.database.allocateNotice(
            receipt: receipts[0], kind: .acceptance, series: "新河便受", year: 2027, format: .standard, staff: "win", now: center.now)
        #expect(next.number == "新河便受〔2027〕第0001号")
    }
}

/// The updates page as stations before the case workflow decode it.
struct OlderUpdatesPage: Decodable {
    struct Decision: Decodable {
        enum State: String, Decodable { case accepted, rejected, needs_more, completed }
        var uuid: UUID
        var receipt: String
        var state: State
        var reason: String?
        var decided_at: Int64
    }
    var decisions: [Decision]
    var cursor: String
}

@Suite("kept counts per matter and state")
struct CaseCountTests {
    @Test("after ingest, workflow transitions and the four-state decisions, the kept counts equal a count over the cases")
    func keptCountsFollowEveryChange() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(8)
        defer { try? FileManager.default.removeItem(at: directory) }
        func counts(_ sql: String) async throws -> [String: Int] {
            try await center.database.writer.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql).map { ("\($0["matter"] as String)/\($0["state"] as String)", $0["n"] as Int) })
            }
        }
        func expectSame(_ step: String) async throws {
            let kept = try await counts("SELECT matter, state, n FROM case_count WHERE n > 0")
            let real = try await counts("SELECT matter, state, COUNT(*) AS n FROM submission GROUP BY matter, state")
            #expect(kept == real, "after \(step)")
        }
        try await expectSame("ingest")
        #expect(try await counts("SELECT matter, state, n FROM case_count") == ["MZ-GG-01/received": 8])
        try await center.transition(receipt: receipts[0], .accept, staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[1], .refuse(reason: "不属于本镇", goTo: "县民政局"), staff: "win", calendar: nationalDay2026)
        try await center.transition(receipt: receipts[2], .requestSupplement(items: ["户口簿"]), staff: "win", calendar: nationalDay2026)
        try await expectSame("workflow transitions")
        _ = try await center.database.decide(receipt: receipts[3], state: .accepted, reason: nil, now: center.now)
        _ = try await center.database.decide(receipt: receipts[4], state: .rejected, reason: "材料不符", now: center.now)
        try await expectSame("decisions")
        let page = try await center.database.inbox(SubmissionFilter(), offset: 0, limit: 50)
        #expect(page.counts == ["received": 3, "accepted": 2, "rejected": 2, "needs_more": 1], "the inbox reads the kept counts")
    }
}

@Suite("results reported to the county (通报)")
struct NotificationTests {
    @Test("acceptance, refusal, decisions and delivery each put one notification for the matter's department in the outbox; other steps none; signing is once, by its own department, audited")
    func outbox() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let calendar = nationalDay2026
        try await center.transition(receipt: receipts[0], .requestSupplement(items: ["户口簿"]), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .resubmit, staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .accept, staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .sendToCounty(unit: "县民政局"), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .decide(approved: true, reasons: ""), staff: "mz", calendar: calendar)
        try await center.transition(receipt: receipts[0], .deliver(.villageStation, recipient: "李秀英"), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[0], .archive(number: "2026-MZ-0001"), staff: "win", calendar: calendar)
        try await center.transition(receipt: receipts[1], .refuse(reason: "不属于本镇办理", goTo: "县民政局"), staff: "win", calendar: calendar)
        let all = try await center.database.notifications(department: nil, unsignedOnly: false, limit: 50)
        #expect(all.map { "\($0.receipt) \($0.event.rawValue)" } == [
            "\(receipts[1]) refused", "\(receipts[0]) delivered", "\(receipts[0]) approved", "\(receipts[0]) accepted",
        ])
        #expect(all.allSatisfy { $0.department == .civilAffairs && $0.signedAt == nil })
        #expect(all[0].detail == "不属于本镇办理 → 县民政局" && all[1].detail == "village_station")
        #expect(try await center.database.notifications(department: .humanResources, unsignedOnly: false, limit: 50).isEmpty)

        await #expect(throws: NotificationSignError.unknown(all[0].id)) {
            try await center.database.signNotification(id: all[0].id, staff: "rs", department: .humanResources, now: center.now)
        }
        try await center.database.signNotification(id: all[0].id, staff: "mz", department: .civilAffairs, now: center.now)
        await #expect(throws: NotificationSignError.alreadySigned(all[0].id)) {
            try await center.database.signNotification(id: all[0].id, staff: "mz", department: .civilAffairs, now: center.now)
        }
        let unsigned = try await center.database.notifications(department: .civilAffairs, unsignedOnly: true, limit: 50)
        #expect(unsigned.count == 3 && !unsigned.contains { $0.id == all[0].id })
        #expect(try await center.database.queuedNotifications() == 3)
        let trail = try await center.database.auditEvents()
        #expect(trail.contains { $0.event == "notification_signed" && $0.detail == "\(all[0].id) mz" && $0.receipt == receipts[1] })
        #expect(try await center.database.verifyAudit().isIntact)
    }
}
