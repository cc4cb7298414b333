import Foundation
import KioskCore
import KioskStore
import Terminal
import Testing

@testable import KioskUI

/// A stored application as the queue returns it (the receipt number is a real, checked one).
func sampleSummary(decision: Decision? = nil, reason: String? = nil) throws -> SubmissionSummary {
    let receipt = try ReceiptNumber(station: "XH03", year: 2026, month: 3, day: 2, sequence: 7).description
    return SubmissionSummary(
        uuid: UUID(uuidString: "00000000-0000-0000-0000-000000000007")!, receipt: receipt, station: "XH03", matter: "MZ-QT-01",
        catalogVersion: demo.catalog.version, channel: "self", assistantID: nil, createdAt: start, state: decision == nil ? .queued : .acknowledged,
        decision: decision, decisionReason: reason, decidedAt: decision == nil ? nil : start.addingTimeInterval(86400 * 3),
        receiptPrint: .pending, formPrint: .notRequired, applicantMasked: "张* 1101**********0017 138****8000", receiptQR: "BM1:TEST",
        forwardAttempts: 0, lastError: nil, acknowledgedAt: nil, purgedAt: nil)
}

/// The application form of `code` at its first question whose field matches.
func formState(_ code: String, atFirst matches: (Field) -> Bool) throws -> KioskState {
    var state = try formState(code)
    let form = demo.catalog.matter(code)!.form
    let steps = state.application!.steps(form, today: CalendarDate(start))
    state.application?.step = try #require(steps.firstIndex { matches(form.fields[$0.field]) })
    return state
}

/// Every screen at 80x24, by name.
func screens() throws -> [(String, KioskState)] {
    var result: [(String, KioskState)] = []
    func add(_ name: String, _ build: (inout KioskState) throws -> Void) throws {
        var state = try freshState()
        try build(&state)
        result.append((name, state))
    }
    try add("home") { _ in }
    try add("home-en") { $0.press(.text("5")) }
    try add("help") { $0.press(.text("6")) }
    try add("find") { $0.press(.text("1")) }
    try add("departments") { $0.press(.text("1"), .text("1")) }
    try add("categories") { $0.press(.text("1"), .text("2")) }
    try add("matters-civil-affairs") { $0.press(.text("1"), .text("1"), .text("6")) }
    try add("search-ylbx") {
        $0.press(.text("1"), .text("3"))
        $0.type("ylbx")
    }
    try add("search-pinyin") {
        $0.press(.text("1"), .text("3"), .function(2))
        $0.type("yanglao")
    }
    try add("search-none") {
        $0.press(.text("1"), .text("3"))
        $0.type("qqq")
    }
    try add("matter-accepted") {
        $0.press(.text("1"))
        $0.push(.matter(code: "MZ-QT-01"))
    }
    try add("matter-refused") {
        $0.press(.text("1"))
        $0.push(.matter(code: "MZ-QR-03"))
    }
    try add("matter-town-only") {
        $0.press(.text("1"))
        $0.push(.matter(code: "CG-XK-04"))
    }
    try add("guide") { $0.push(.guide(code: "MZ-QT-01", page: 0)) }
    try add("guide-page2") {
        $0.push(.guide(code: "MZ-QT-01", page: 0))
        $0.press(.text("9"))
    }
    result.append(("form-text-pinyin", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        return state
    }()))
    result.append(("form-required-error", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.press(.enter)
        return state
    }()))
    result.append(("form-leave", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        state.press(.text("1"), .escape)
        return state
    }()))
    result.append(("form-id-check", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        state.press(.text("1"), .enter)
        state.type(String(residentID(born: "19500101").prefix(17)))
        return state
    }()))
    result.append(("form-choice", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.application?.step = 5
        state.prepareQuestion()
        state.press(.text("2"))
        return state
    }()))
    result.append(("form-multiple", try { () throws -> KioskState in
        var state = try formState("MZ-GG-02")
        let form = demo.catalog.matter("MZ-GG-02")!.form
        if let index = state.application!.steps(form, today: CalendarDate(start)).firstIndex(where: { form.fields[$0.field].type == .multipleChoice }) {
            state.application?.step = index
            state.prepareQuestion()
            state.press(.text("1"))
        }
        return state
    }()))
    result.append(("form-date", try { () throws -> KioskState in
        let code = demo.catalog.matters.first { matter in matter.acceptsAtVillage && matter.form.fields.contains { $0.type == .date && $0.relevant == nil } }!.code
        var state = try formState(code, atFirst: { $0.type == .date })
        state.prepareQuestion()
        state.type("1950030")
        return state
    }()))
    result.append(("form-group", try { () throws -> KioskState in
        var state = try formState("MZ-QR-01", atFirst: { $0.id == "members" })
        state.application?.answers["members"] = .group([["member_name": .text("张三"), "member_id_number": .text(residentID(born: "19500101")), "relationship": .text("self"), "income": .number(800)]])
        state.prepareQuestion()
        return state
    }()))
    result.append(("form-group-entry", try { () throws -> KioskState in
        var state = try formState("MZ-QR-01", atFirst: { $0.id == "members" })
        state.prepareQuestion()
        state.press(.text("1"))  // a first member: its name, then its ID number
        state.type("zhangsan")
        state.press(.text("1"), .enter)
        return state
    }()))
    result.append(("form-note", try formState("MZ-QR-01")))
    let filled: Answers = [
        "name": .text("张三"), "id_number": .text(residentID(born: "19500101")), "phone": .text("13800138000"),
        "address": .text("大桥村5号"), "residence": .text("local"), "pickup": .text("village"),
    ]
    /// The filled application of MZ-QT-01 on `page`.
    func filledForm(on screen: (Application) -> ScreenState) throws -> KioskState {
        var state = try formState("MZ-QT-01")
        state.application?.answers = filled
        state.push(screen(try #require(state.application)))
        return state
    }
    result.append(("materials", try filledForm { .materials($0) }))
    result.append(("review", try filledForm { .review($0, ReviewScreen()) }))
    result.append(("review-revealed", try filledForm { .review($0, ReviewScreen(revealed: true, number: "4")) }))
    result.append(("confirm", try filledForm { .confirm($0) }))
    var working = try filledForm { .confirm($0) }
    working.press(.text("1"))
    result.append(("working", working))
    try add("receipt-print-pending") {
        $0.handle(.submitted(.success(stored(try sampleSummary()))))
        $0.handle(.printed(.notConfigured))
    }
    try add("receipt-qr") {
        $0.handle(.submitted(.success(stored(try sampleSummary()))))
        $0.handle(.printed(.printed))
        $0.press(.text("1"))
    }
    try add("receipt-form-failed") {
        $0.handle(.submitted(.success(stored(try sampleSummary()))))
        $0.handle(.formPrinted(.failed(reason: .printerNotFound, detail: "no queue")))
        $0.handle(.printed(.printed))
    }
    try add("receipt-printed") {
        $0.handle(.submitted(.success(stored(try sampleSummary()))))
        $0.handle(.printed(.printed))
    }
    try add("receipt-print-failed") {
        $0.handle(.submitted(.success(stored(try sampleSummary()))))
        $0.handle(.printed(.failed(reason: .printerOutOfPaper, detail: "media-empty-error")))
    }
    var failed = try filledForm { .confirm($0) }
    failed.handle(.submitted(.failure(.reason(.diskFull))))
    result.append(("submit-failed", failed))
    try add("progress") {
        $0.press(.text("2"))
        $0.type("XH03-2603")
    }
    try add("progress-decided") {
        $0.press(.text("2"))
        $0.handle(.lookedUp(.success(try sampleSummary(decision: .needsMore, reason: "请补交户口簿复印件"))))
    }
    try add("progress-supplement") {
        $0.press(.text("2"))
        var summary = try sampleSummary(decision: .needsMore, reason: "户口簿复印件；收入证明")
        summary.progress = CaseProgress(
            state: "needs_supplement", due: nil, dueEstimated: false, missing: ["户口簿复印件", "收入证明"], goTo: nil)
        $0.handle(.lookedUp(.success(summary)))
    }
    try add("progress-notice") {
        $0.press(.text("2"))
        var summary = try sampleSummary(decision: .completed, reason: nil)
        summary.progress = CaseProgress(state: "approved", due: nil, dueEstimated: false, missing: [], goTo: nil)
        $0.handle(.lookedUp(.success(summary), notices: [sampleNotice]))
    }
    try add("progress-refused") {
        $0.press(.text("2"))
        var summary = try sampleSummary(decision: .rejected, reason: "不属本镇受理范围")
        summary.progress = CaseProgress(state: "refused", due: nil, dueEstimated: false, missing: [], goTo: "县民政局(城关镇人民路2号)")
        $0.handle(.lookedUp(.success(summary)))
    }
    try add("progress-in-progress") {
        $0.press(.text("2"))
        var summary = try sampleSummary(decision: .accepted)
        summary.progress = CaseProgress(state: "with_county", due: "2026-03-30", dueEstimated: true, missing: [], goTo: nil)
        $0.handle(.lookedUp(.success(summary)))
    }
    try add("progress-queued") {
        $0.press(.text("2"))
        $0.handle(.lookedUp(.success(try sampleSummary())))
    }
    try add("progress-not-found") {
        $0.press(.text("2"))
        if case .progress(var progress) = $0.current {
            progress.query = "XH03-260302-0009-Z"
            $0.current = .progress(progress)
        }
        $0.handle(.lookedUp(.success(nil)))
    }
    try add("login") {
        $0.press(.text("4"))
        $0.type("A01")
        $0.press(.enter)
        $0.type("12")
    }
    try add("login-locked") {
        $0.press(.text("4"))
        $0.handle(.loggedIn(.success(.locked(until: start.addingTimeInterval(300)))))
    }
    try add("assistant-home") { $0.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五"))))) }
    try add("assistant-sync-not-enrolled") {
        $0.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        $0.press(.text("4"))
        $0.handle(.synced(key: FailureReason.notEnrolled.key, arguments: []))
    }
    try add("queue") {
        $0.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        $0.press(.text("3"))
        $0.handle(.queueLoaded(.success(QueueView(
            items: [try sampleSummary(), try sampleSummary(decision: .accepted)],
            stats: try JSONDecoder().decode(
                QueueStats.self,
                from: Data(#"{"total":2,"byState":{"queued":1,"acknowledged":1},"byDecision":{"accepted":1},"notPrinted":0,"purged":0}"#.utf8))))))
    }
    result.append(("countdown", try { () throws -> KioskState in
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        state.press(.text("1"))
        state.handle(.tick(start.addingTimeInterval(110)))
        return state
    }()))
    return result
}

@Suite struct SnapshotTests {
    @Test func everyScreenAt80x24() throws {
        let all = try screens()
        #expect(Set(all.map(\.0)).count == all.count)
        for (name, state) in all {
            try expectSnapshot(name, state.screen)
        }
    }

    @Test func everyScreenInEnglishFitsItsRows() throws {
        for (name, var state) in try screens() {
            state.language = .en
            for (index, line) in state.screen.textLines.enumerated() {
                #expect(line.displayWidth == 80, "row \(index) of \(name) (en)")
            }
        }
    }

    @Test func largerTerminalsGetMoreRoom() throws {
        var state = try freshState()
        state.push(.guide(code: "MZ-QT-01", page: 0))
        let big = KioskView.render(state, width: 120, height: 40)
        #expect(big.textLines.allSatisfy { $0.displayWidth == 120 })
        let small = state.screen
        #expect(big.snapshot.split(separator: "\n").count > small.snapshot.split(separator: "\n").count)
        try expectSnapshot("guide-120x40", big)
        var receipt = try freshState()
        receipt.handle(.submitted(.success(stored(try sampleSummary()))))
        receipt.handle(.printed(.printed))
        try expectSnapshot("receipt-120x40", KioskView.render(receipt, width: 120, height: 40))
        let tiny = KioskView.render(state, width: 60, height: 20)
        #expect(tiny.snapshot.contains("80"))
    }

    @Test func stringTablesHaveTheSameKeys() throws {
        let strings = try UIStrings.bundled()
        #expect(Set(strings.tables[.zhHans]!.keys) == Set(strings.tables[.en]!.keys))
        #expect(strings.tables[.zhHans]!.count > 100)
    }

    @Test("every reason an adapter reports has words in both tables; the English words have no Chinese")
    func everyFailureReasonHasWords() throws {
        let strings = try UIStrings.bundled()
        for reason in FailureReason.allCases {
            let chinese = try #require(strings.tables[.zhHans]?[reason.key], "\(reason) has no Chinese words")
            let english = try #require(strings.tables[.en]?[reason.key], "\(reason) has no English words")
            #expect(chinese.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(reason): \(chinese)")
            #expect(!english.unicodeScalars.contains { (0x3000...0x9FFF).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) },
                    "\(reason): \(english)")
        }
        // The screens show them: a failed submission in English mode reads the English words.
        var state = try freshState()
        _ = state.press(.text("5"))
        _ = state.handle(.submitted(.failure(.reason(.receiptNumbersUsedUp))))
        #expect(state.text.contains("used all of today's receipt numbers"), "\(state.text)")
    }
}
