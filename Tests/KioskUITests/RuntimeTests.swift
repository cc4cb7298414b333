import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import Terminal
import Testing

import KioskRuntime
@testable import KioskUI
import TestSupport

/// The runtime's effects against a real data directory (SQLite queue, sealing, signing).
@Suite struct RuntimeTests {
    /// Runs effects through the runtime until none is left, feeding each outcome back.
    func drive(_ state: inout KioskState, _ effects: [Effect], _ app: KioskApp) async {
        var queue = effects
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            if let event = await app.perform(effect) { queue += state.handle(event) }
        }
    }

    @Test func storedThenReceiptThenProgressByQRAndByNumber() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(start)
        let app = try runtime(in: directory, clock: clock)
        var state = KioskState(environment: app.environment, now: start)
        state.press(.text("1"))
        state.push(.matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        state.application?.answers = [
            "name": .text("张三"), "id_number": .text(residentID(born: "19500101")), "phone": .text("13800138000"),
            "address": .text("大桥村5号"), "residence": .text("local"), "pickup": .text("village"),
        ]
        state.push(.confirm(try #require(state.application)))
        await drive(&state, state.press(.text("1")), app)

        #expect(state.page == .receipt)
        #expect(state.application == nil)
        let summary = try #require(state.submitted)
        #expect(state.printResult == .notConfigured)
        #expect(state.text.contains(summary.receipt.map(String.init).joined(separator: " ")))
        #expect(state.text.contains("回执待打印"))
        let stored = try #require(try app.submitter.queue.find(receipt: summary.receipt))
        #expect(stored.channel == "self")
        #expect(stored.receiptPrint == .pending)  // nothing pretends it was printed

        state.press(.text("0"))
        #expect(state.page == .home)
        state.press(.text("2"))
        state.type(summary.receiptQR)  // a scanner types the QR text, then Enter
        await drive(&state, state.press(.enter), app)
        #expect(state.page == .progressResult)
        #expect(state.lookup?.receipt == summary.receipt)
        #expect(state.text.contains("已保存,等待发送到镇中心"))
        #expect(state.text.contains("老年人优待证办理"))

        _ = try app.submitter.queue.recordDecision(
            uuid: summary.uuid, decision: .rejected, reason: "户籍不在本县", decidedAt: start.addingTimeInterval(3600), at: start.addingTimeInterval(3600))
        state.press(.enter)
        state.type(summary.receipt)
        await drive(&state, state.press(.enter), app)
        #expect(state.text.contains("不予受理:户籍不在本县"))
    }

    @Test func assistedApplicationIsStoredWithTheAssistantsID() async throws {
        let directory = try TemporaryDirectory()
        let app = try runtime(in: directory, clock: ManualClock(start))
        _ = try app.assistants.add(id: "A01", name: "王五", pin: "2468", hasher: PINHasher(parameters: .fastForTesting), at: start)
        var state = KioskState(environment: app.environment, now: start)
        state.press(.text("4"))
        state.type("a01")
        state.press(.enter)
        state.type("2468")
        await drive(&state, state.press(.enter), app)
        #expect(state.assistant == Assistant(id: "A01", name: "王五"))
        state.press(.text("1"))
        state.push(.matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        state.application?.answers = [
            "name": .text("李四"), "id_number": .text(residentID(born: "19480101", sequence: "002")), "phone": .text("13800138001"),
            "address": .text("大桥村6号"), "residence": .text("local"), "pickup": .text("village"),
        ]
        state.push(.confirm(try #require(state.application)))
        await drive(&state, state.press(.text("1")), app)
        let summary = try #require(state.submitted)
        let stored = try #require(try app.submitter.queue.find(receipt: summary.receipt))
        #expect(stored.channel == "assisted")
        #expect(stored.assistantID == "A01")
        // The queue view lists it; a reprint goes to the (unconfigured) printer.
        await drive(&state, state.press(.text("0"), .text("4"), .text("3")), app)
        #expect(state.queue?.items.map(\.receipt) == [summary.receipt])
        // A digit asks first; 1 prints.
        await drive(&state, state.press(.text("1")), app)
        #expect(state.text.contains("本站打印机暂未接通") == false)
        await drive(&state, state.press(.text("1")), app)
        #expect(state.text.contains("本站打印机暂未接通"))
    }
}

/// What the renderer writes per typed character on the form screen (the goal: under 64 bytes).
@Suite struct FrameSizeTests {
    func bytesPerCharacter(_ state: KioskState, typing text: String) -> [Int] {
        var state = state
        var previous = state.screen
        return text.map { character in
            state.type(String(character))
            let next = state.screen
            defer { previous = next }
            return Renderer.frame(previous: previous, next: next).count
        }
    }

    @Test func typingAnIDNumberWritesLittle() throws {
        var state = try formState("MZ-QT-01")
        state.application?.step = 1
        state.prepareQuestion()
        let sizes = bytesPerCharacter(state, typing: "1101011950")
        #expect(sizes.allSatisfy { $0 > 0 && $0 < 64 }, "\(sizes)")
    }

    @Test func typingLatinTextWritesLittle() throws {
        var state = try formState("MZ-QT-01")
        state.press(.function(2))
        let sizes = bytesPerCharacter(state, typing: "Zhang San")
        #expect(sizes.allSatisfy { $0 > 0 && $0 < 64 }, "\(sizes)")
    }
}

@Suite struct AssistantCommandTests {
    @Test func addReadsThePINFromStandardInputAndListShowsNoPIN() throws {
        let data = try TemporaryDirectory()
        let kiosk = packageRoot.appendingPathComponent(".build/debug/kiosk").path
        let config = packageRoot.appendingPathComponent("kiosk-config").path
        #expect(try runTool(kiosk, ["init", "--config", config, "--data", data.path]).status == 0)
        let added = try runTool("/bin/sh", ["-c", "echo 2468 | \(kiosk) assistant add --id A01 --name 王五 --config \(config) --data \(data.path)"])
        #expect(added.status == 0, "\(added.output)\(added.errorOutput)")
        let rejected = try runTool("/bin/sh", ["-c", "echo 24x8 | \(kiosk) assistant add --id A02 --name 李四 --config \(config) --data \(data.path)"])
        #expect(rejected.status == 64)
        let listed = try runTool(kiosk, ["assistant", "list", "--config", config, "--data", data.path])
        #expect(listed.output == "A01  王五\n")
        let assistants = Assistants(try AppDatabase.open(at: data.path + "/kiosk.sqlite"))
        #expect(try assistants.login(id: "A01", pin: "2468", at: start) == .success(Assistant(id: "A01", name: "王五")))
    }
}

/// A kiosk runtime in `directory` at `start` that prints on the private `cups`.
func printingApp(in directory: TemporaryDirectory, cups: PrivateCups) throws -> KioskApp {
    var station = demo.station
    station.dataDirectory = directory.path
    let base = try runtime(in: directory, clock: ManualClock(start))
    return KioskApp(
        environment: base.environment, submitter: base.submitter, assistants: base.assistants,
        printer: CupsPrinter(station: station, server: cups.server), clock: base.clock)
}

@Suite(.needsRoot("a private cupsd needs root")) struct GuidePrintingTests {
    @Test func aTownOnlyMattersGuidePrintsOnA4AndSaysSoWhenCupsIsDown() async throws {
        let directory = try TemporaryDirectory()
        let cups = try PrivateCups()
        let app = try printingApp(in: directory, cups: cups)

        // The matter screen of a matter the village may not accept offers the guide on paper (key 2).
        var state = KioskState(environment: app.environment, now: start)
        state.push(.matter(code: "CG-XK-04"))
        let effects = state.press(.text("2"))
        #expect(effects == [.printGuide(matter: "CG-XK-04")])
        let printed = try #require(await app.perform(effects[0]))
        state.handle(printed)
        #expect(state.text.contains("办事指南已打印,请取走。"))
        let text = try runTool("pdftotext", [cups.output(of: "bianmin-a4"), "-"]).output
        #expect(text.contains("砍伐、迁移城市树木审批"))
        #expect(text.contains("CG-XK-04"))

        // On the guide screen, key 1 prints; with no CUPS server the PDF is spooled and the resident told.
        cups.stop()
        state.press(.text("1"))
        #expect(state.page == .guide(code: "CG-XK-04", page: 0))
        let again = state.press(.text("1"))
        #expect(again == [.printGuide(matter: "CG-XK-04")])
        state.handle(try #require(await app.perform(again[0])))
        #expect(state.text.contains("打印机暂时不能使用。办事指南没有打印,请联系代办员。"))
        #expect(state.pending == 0)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/spool/CG-XK-04-guide.pdf"))
    }
}

@Suite(.needsRoot("a private cupsd needs root")) struct SignedFormPrintingTests {
    /// The form to sign prints before the receipt, so the receipt tells the truth about it (issue 17, item 1).
    @Test func theReceiptOfAMatterToSignIsComposedAfterTheFormPrinted() async throws {
        let directory = try TemporaryDirectory()
        let cups = try PrivateCups()
        let app = try printingApp(in: directory, cups: cups)
        var state = KioskState(environment: app.environment, now: start)
        state.push(.matter(code: "RS-GG-01"))
        state.press(.text("1"))
        state.application?.answers = [
            "name": .text("李秀英"), "id_number": .text(residentID(born: "19600101")), "phone": .text("13800138000"),
            "address": .text("大桥村3组12号"), "resident_group": .text("ordinary"), "contribution_level": .text("level_300"),
        ]
        state.push(.confirm(try #require(state.application)))
        var effects = state.press(.text("1"))
        var performed: [String] = []
        while !effects.isEmpty {
            let effect = effects.removeFirst()
            performed.append("\(effect)".prefix { $0 != "(" }.description)
            if let event = await app.perform(effect) { effects += state.handle(event) }
        }
        #expect(performed == ["submit", "printForm", "printReceipt"])
        #expect(state.page == .receipt)
        #expect(state.text.contains("申请表已打印"))
        let number = try #require(state.submitted).receipt
        let receipt = try runTool("pdftotext", ["-layout", cups.output(of: "bianmin-receipt"), "-"]).output
        #expect(receipt.contains(number))
        #expect(!receipt.contains("申请表未能在村里打印"))
        let stored = try #require(try app.submitter.queue.find(receipt: number))
        #expect(stored.formPrint == .printed)
        #expect(stored.receiptPrint == .printed)
    }
}

@Suite(.needsRoot("a private cupsd needs root")) struct NoticePrintingTests {
    /// Issue 19: the town's notice reaches the station and is printed on its A4 printer for the resident.
    @Test func aNoticeOfTheTownFoundByItsReceiptPrintsOnA4AndWaitsToBeReported() async throws {
        let directory = try TemporaryDirectory()
        let cups = try PrivateCups()
        let app = try printingApp(in: directory, cups: cups)
        let matter = try #require(app.environment.catalog.matter("MZ-GG-01"))
        let answers = ExampleAnswers.generate(for: matter.form, today: CalendarDate(start))
        let summary = try app.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        #expect(try app.submitter.queue.keepNotice(sampleNotice, uuid: summary.uuid, at: start))
        #expect(try !app.submitter.queue.keepNotice(sampleNotice, uuid: summary.uuid, at: start), "the same notice is kept once")

        var state = KioskState(environment: app.environment, now: start)
        state.press(.text("2"))
        state.type(summary.receipt)
        var effects = state.press(.enter)
        #expect(effects == [.lookUp(receipt: summary.receipt)])
        state.handle(try #require(await app.perform(effects[0])))
        #expect(state.text.contains("办结通知书 新河便决〔2026〕第0001号"))
        effects = state.press(.text("5"))
        let print = try #require(effects.first)
        state.handle(try #require(await app.perform(print)))
        #expect(state.text.contains("办结通知书已打印,请交给群众。"))
        let text = try runTool("pdftotext", [cups.output(of: "bianmin-a4"), "-"]).output
        #expect(text.contains("办结通知书") && text.contains("新河便决〔2026〕第0001号") && text.contains(summary.receipt) && text.contains("张*"))
        let unreported = try app.submitter.queue.unreportedNoticePrints(limit: 10)
        #expect(unreported.map(\.number) == [sampleNotice.number] && unreported.first?.uuid == summary.uuid)

        // A rating is kept to send; a later one replaces it.
        let first = CaseRating(uuid: summary.uuid, level: .dissatisfied, reasons: [.tooSlow], ratedAt: 100)
        var thanked = false
        if case .notice("rating.thanks", _)? = await app.perform(.rate(first)) { thanked = true }
        #expect(thanked)
        #expect(try app.submitter.queue.unsentRatings(limit: 10) == [first])
        try app.submitter.queue.markRatingsSent([first], at: start)
        #expect(try app.submitter.queue.unsentRatings(limit: 10).isEmpty)
        let second = CaseRating(uuid: summary.uuid, level: .satisfied, reasons: [], ratedAt: 200)
        _ = await app.perform(.rate(second))
        #expect(try app.submitter.queue.unsentRatings(limit: 10) == [second])
    }
}
