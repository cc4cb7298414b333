@preconcurrency import Crypto
import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter
import TownDesk

@Suite("the town's notices at the village station")
struct StationNoticeTests {
    @Test("a notice on a station's case travels with its updates, applicant masked; the station's print is recorded once and a decision notice's print delivers the case")
    func noticeToStationAndBack() async throws {
        let (center, _, _, directory) = try await workflowCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation("XH07")
        let item = try station.item(
            to: center.keys.agreement.publicKey, sequence: 1, answers: #"{"name":"张三丰","id_number":"110101193003071237","phone":"13800138000"}"#)
        try await enrolAndStore([item], from: station, at: center)
        let receipt = try SignedReceipt(qrText: item.receipt).record.receiptNumber.description
        let calendar = WorkingDayCalendar(schedules: [])
        for (action, staff) in [(CaseAction.accept, "win"), (.sendToCounty(unit: "县民政局"), "win"), (.decide(approved: true, reasons: ""), "mz")] {
            try await center.transition(receipt: receipt, action, staff: staff, calendar: calendar)
        }
        let issuer = NoticeIssuer(center: center, authority: "XX县新河镇人民政府", county: "XX县", town: "新河")
        let (number, _) = try await issuer.issue(.decision, receipt: receipt, staff: "win", calendar: calendar)

        let page = try await center.database.updates(station: "XH07", after: UpdatesCursor(sequence: 0), limit: 50)
        let carried = page.decisions.compactMap(\.notice)
        #expect(carried.map(\.number) == [number], "only the notice's own update carries it")
        let notice = try #require(carried.first)
        let name = try #require(try JSONSerialization.jsonObject(with: try await center.openAnswers(receipt: receipt).answers) as? [String: Any])["name"] as? String
        let applicant = try #require(name)
        #expect(notice.kind == "decision" && notice.addressee == Masking.name(applicant), "\(notice.addressee)")
        let everything = ([notice.title, notice.addressee, notice.date] + notice.paragraphs + notice.items + notice.closing).joined()
        #expect(!everything.contains(applicant), "the station's copy never names the applicant in full")
        #expect(page.decisions.last?.notice == notice && page.decisions.last?.caseState == "approved")

        let uuid = try await center.database.submission(receipt: receipt).summary.uuid
        let print = NoticePrint(number: number, uuid: uuid, printedAt: center.now, assistant: "A01")
        // Another station cannot report this station's notice, nor can a print name a notice no case has.
        let foreign = try await center.recordNoticePrints([print], station: "XH05", calendar: calendar)
        #expect(foreign == NoticePrintsAnswer(recorded: [], unknown: [number]))
        let made = NoticePrint(number: "新河便决〔2026〕第9999号", uuid: uuid, printedAt: center.now, assistant: nil)
        let first = try await center.recordNoticePrints([print, made], station: "XH07", calendar: calendar)
        #expect(first == NoticePrintsAnswer(recorded: [number], unknown: [made.number]))
        let delivered = try await center.workflow(receipt: receipt)
        #expect(delivered.file.state == .delivered && delivered.deliveryMethod == .villageStation)
        #expect(delivered.deliveryRecipient == "村便民服务站 XH07 代办员 A01" && delivered.transitions.last?.staff == "station:XH07")
        // Reported again (an answer lost on the way): recorded, nothing happens twice.
        #expect(try await center.recordNoticePrints([print], station: "XH07", calendar: calendar).recorded == [number])
        #expect(try await center.workflow(receipt: receipt).transitions.count == delivered.transitions.count)
        #expect(try await center.database.auditEvents().filter { $0.event == "notice_printed_at_station" }.count == 1)
    }

    @Test("a notice print report out of range is refused before anything is recorded")
    func outOfRange() {
        let uuid = UUID()
        let one = NoticePrint(number: "N1", uuid: uuid, printedAt: 0, assistant: nil)
        #expect(NoticePrints(prints: [one]).outOfRange == nil)
        #expect(NoticePrints(prints: []).outOfRange != nil)
        #expect(NoticePrints(prints: Array(repeating: one, count: NoticePrints.maxPrints + 1)).outOfRange != nil)
        #expect(NoticePrints(prints: [NoticePrint(number: String(repeating: "号", count: 65), uuid: uuid, printedAt: 0, assistant: nil)]).outOfRange != nil)
        #expect(NoticePrints(prints: [NoticePrint(number: "N1", uuid: uuid, printedAt: -1, assistant: nil)]).outOfRange != nil)
        #expect(NoticePrints(prints: [NoticePrint(number: "N1", uuid: uuid, printedAt: 0, assistant: "代办员")]).outOfRange != nil)
    }
}

@Suite("the inbox's overdue filter counts working days")
struct OverdueByWorkingDaysTests {
    @Test("a 5-working-day case accepted on 2026-09-30 is due 10-13 (National Day and the worked Saturday): overdue from 10-14, not before")
    func nationalDay() async throws {
        let (center, clock, _, directory) = try await workflowCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation("XH09")
        let item = try station.item(to: center.keys.agreement.publicKey, sequence: 1, matter: "RS-GG-01")
        try await enrolAndStore([item], from: station, at: center)
        let receipt = try SignedReceipt(qrText: item.receipt).record.receiptNumber.description
        try await center.transition(receipt: receipt, .accept, staff: "win", calendar: nationalDay2026)
        let catalog = try await center.publishedCatalog()
        let matters = Dictionary(uniqueKeysWithValues: catalog.matters.map { ($0.code, $0) })

        func overdue(at day: String, hour: Int) async throws -> [String] {
            clock.set(chinaMorning(day).addingTimeInterval(TimeInterval((hour - 10) * 3600)))
            try await center.indexCases(matters: matters, calendar: nationalDay2026)
            let page = try await center.database.inbox(SubmissionFilter(overdueAt: center.now), offset: 0, limit: 10)
            return page.rows.filter { $0.summary.station == "XH09" }.map(\.summary.receipt)
        }
        // Five calendar days would make it late on 10-06; by working days it is due at the end of 10-13.
        #expect(try await overdue(at: "2026-10-08", hour: 10).isEmpty)
        #expect(try await overdue(at: "2026-10-13", hour: 20).isEmpty)
        #expect(try await overdue(at: "2026-10-14", hour: 9) == [receipt])
        let row = try #require(try await center.database.inbox(SubmissionFilter(station: "XH09"), offset: 0, limit: 1).rows.first)
        #expect(row.dueAt.map { ChinaTime.day($0 - 1).description } == "2026-10-13")
    }
}

@Suite("residents' ratings at the center")
struct RatingCenterTests {
    @Test("a station's signed rating of its own case is kept (the latest wins); another station's case or a bad signature is refused; a bad rating opens one follow-up task, closed with a note")
    func ratings() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        let uuid = try await center.database.submission(receipt: receipts[0]).summary.uuid
        let key = station.identity.signingKey
        let bad = CaseRating(uuid: uuid, level: .veryDissatisfied, reasons: [.outcome, .attitude], ratedAt: 100)
        let signed = try SignedRating(bad, signedWith: key)
        #expect(signed.verified(with: key.publicKey) == bad)
        var forged = signed
        forged.level = 5
        #expect(forged.verified(with: key.publicKey) == nil, "a changed level breaks the signature")
        #expect(try SignedRating(bad, signedWith: Curve25519.Signing.PrivateKey()).verified(with: key.publicKey) == nil)

        let calendar = nationalDay2026
        #expect(try await !center.recordRating(bad, channel: "kiosk", station: "XH99", signature: signed.signature, calendar: calendar))
        #expect(try await center.database.rating(uuid: uuid) == nil)
        #expect(try await center.recordRating(bad, channel: "kiosk", station: station.id, signature: signed.signature, calendar: calendar))
        let older = CaseRating(uuid: uuid, level: .verySatisfied, reasons: [], ratedAt: 50)
        try await center.recordRating(older, channel: "kiosk", station: station.id, signature: nil, calendar: calendar)
        #expect(try await center.database.rating(uuid: uuid)?.rating == bad, "an older rating does not replace a later one")
        try await center.recordRating(bad, channel: "kiosk", station: station.id, signature: nil, calendar: calendar)
        let tasks = try await center.database.followUps()
        #expect(tasks.count == 1 && tasks[0].reasons == [.attitude, .outcome])
        // Opened 2026-09-30: 5 working days after it, across National Day, is 2026-10-13.
        #expect(tasks[0].due.description == "2026-10-13")
        let refused = try await center.database.closeFollowUp(id: tasks[0].id, staff: "win", note: "  ", now: center.now)
        #expect(throws: FollowUpError.noteRequired) { try refused.get() }
        let closed = try await center.database.closeFollowUp(id: tasks[0].id, staff: "win", note: "已回访", now: center.now)
        #expect(throws: Never.self) { try closed.get() }
        #expect(try await center.database.followUps().isEmpty)
        #expect(try await center.database.followUps(all: true).first?.note == "已回访")
        let later = CaseRating(uuid: uuid, level: .satisfied, reasons: [], ratedAt: 300)
        try await center.recordRating(later, channel: "kiosk", station: station.id, signature: nil, calendar: calendar)
        #expect(try await center.database.rating(uuid: uuid)?.rating.level == .satisfied)
        #expect(try await center.database.followUps().isEmpty)
    }
}
