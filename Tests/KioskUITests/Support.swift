import Foundation
import KioskConfig
import KioskCore
import KioskStore
import Pinyin
import Terminal
import Testing

import KioskRuntime
@testable import KioskUI
import TestSupport


/// The demo station and catalog in `kiosk-config/`.
let demo: KioskConfiguration = {
    do {
        return try ConfigurationLoader.load(directory: packageRoot.appendingPathComponent("kiosk-config"))
    } catch {
        fatalError("the demo configuration does not load: \(error)")
    }
}()

/// The real pinyin engine on Debian's dictionary.
let pinyinEngine: PinyinEngine = {
    do {
        return try PinyinEngine()
    } catch {
        fatalError("\(error)")
    }
}()

/// 2026-03-02 10:00 in China: a fixed "now" so screens and ages never depend on the real date.
let start = Date(timeIntervalSince1970: 1_772_416_800)

/// The kiosk environment on the demo station, with the demo catalog unless another is given; silent
/// unless `voice` (the spoken prompts have tests of their own).
func environment(idleTimeout: Int = 120, catalog: Catalog = demo.catalog, voice: Bool = false) throws -> KioskEnvironment {
    var station = demo.station
    station.idleTimeoutSeconds = idleTimeout
    station.voice.enabled = voice
    return KioskEnvironment(
        station: station, catalog: catalog, strings: try UIStrings.bundled(), search: try MatterSearch.bundled(), candidates: pinyinEngine)
}

/// A fresh kiosk state at `start`.
func freshState(idleTimeout: Int = 120, catalog: Catalog = demo.catalog) throws -> KioskState {
    KioskState(environment: try environment(idleTimeout: idleTimeout, catalog: catalog), now: start)
}

/// A one-matter catalog (TEST-01) whose repeat group `children` asks `school` and `grade` only for a
/// child marked as at school, never asks the note or the calculated `checked`, and always asks `health` last.
func relevanceCatalog() throws -> Catalog {
    func label(_ zh: String) -> LocalizedText { LocalizedText(zh: zh, en: zh) }
    let form = try Form(fields: [
        Field(id: "applicant", type: .text, label: label("申请人姓名"), required: true),
        Field(
            id: "children", type: .repeat, label: label("子女"), required: true, minimum: 1,
            fields: [
                Field(id: "child_name", type: .text, label: label("子女姓名"), required: true),
                Field(
                    id: "at_school", type: .singleChoice, label: label("是否在校"), required: true,
                    choices: [Choice(value: "yes", label: label("在校")), Choice(value: "no", label: label("不在校"))]),
                Field(id: "school_note", type: .note, label: label("以下填写学校信息")),
                Field(id: "school", type: .text, label: label("就读学校"), required: true, relevant: try Expression("${at_school} = 'yes'")),
                Field(id: "checked", type: .text, label: label("已核对"), calculate: try Expression("'yes'")),
                Field(
                    id: "grade", type: .integer, label: label("年级"), required: true, relevant: try Expression("${at_school} = 'yes'"),
                    minimum: 1, maximum: 12),
                Field(id: "health", type: .text, label: label("健康状况")),
            ]),
        Field(id: "phone", type: .phone, label: label("联系电话"), required: true),
    ])
    let matter = Matter(
        code: "TEST-01", name: label("子女教育补助"), department: .civilAffairs, category: .publicService, delegated: true, intake: .village,
        referTo: nil, completingUnit: label("县民政局"), legalBasis: [], conditions: [], materials: [], timeLimitDays: 5, fee: label("不收费"),
        visits: 0, delivery: label("短信通知"), phone: "0000-1", complaint: label("12345"), needsSignature: false, form: form)
    return Catalog(version: "test", county: "XX县", matters: [matter])
}

/// A valid ID number of someone born on `birth` (YYYYMMDD), in Beijing's Dongcheng district.
func residentID(born birth: String, sequence: String = "001") -> String {
    let first17 = "110101" + birth + sequence
    return first17 + String(ResidentID.checkCharacter(for: Array(first17))!)
}

extension KioskState {
    /// Sends keys; returns every effect they asked for.
    @discardableResult
    mutating func press(_ keys: KeyEvent...) -> [Effect] {
        keys.flatMap { handle(.key($0)) }
    }

    /// Types text one character at a time, as a keyboard would.
    @discardableResult
    mutating func type(_ text: String) -> [Effect] {
        text.flatMap { handle(.key(.text(String($0)))) }
    }

    /// The screen at 80x24.
    var screen: Screen { KioskView.render(self, width: 80, height: 24) }

    /// The screen's text.
    var text: String { screen.snapshot }
}

extension KioskState {
    /// The receipt screen's data, while printing and after.
    var receiptScreen: ReceiptScreen? {
        switch current {
        case .printing(let receipt), .receipt(let receipt), .receiptQR(let receipt): receipt
        default: nil
        }
    }

    /// The stored application on the receipt screens.
    var submitted: SubmissionSummary? { receiptScreen?.stored.summary }

    /// How printing the receipt went, on the receipt screens.
    var printResult: PrintResult? { receiptScreen?.printResult }

    /// The looked-up application on the progress result screen.
    var lookup: SubmissionSummary? {
        if case .progressResult(_, let summary, _) = current { summary } else { nil }
    }

    /// The queue on the queue screen.
    var queue: QueueView? {
        if case .queue(let queue, _, _) = current { queue } else { nil }
    }

    /// The search box on the search screen.
    var searchInput: TextInput? {
        if case .search(_, let search) = current { search.input } else { nil }
    }

    /// The receipt box on the progress screen.
    var receiptInput: TextInput? {
        if case .progress(let progress) = current { progress.input } else { nil }
    }

    /// The PIN box on the login screen.
    var loginPIN: TextInput? {
        if case .assistantLogin(let login) = current { login.pin } else { nil }
    }

    /// Sets up the question on screen again after a test changed the application's answers or step.
    mutating func prepareQuestion() {
        guard var application, let context = formContext(application) else { return }
        application.prepareQuestion(context)
        self.application = application
    }
}

/// Checks that every row is exactly `width` cells and compares the text with
/// `Snapshots/NAME.txt`; `BIANMIN_RECORD=1` writes the file anew.
func expectSnapshot(_ name: String, _ screen: Screen, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for (index, line) in screen.textLines.enumerated() {
        #expect(line.displayWidth == screen.width, "row \(index) of \(name) is \(line.displayWidth) cells wide", sourceLocation: sourceLocation)
    }
    let url = packageRoot.appendingPathComponent("Tests/KioskUITests/Snapshots/\(name).txt")
    let actual = screen.snapshot + "\n"
    if ProcessInfo.processInfo.environment["BIANMIN_RECORD"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "snapshot \(name) differs; BIANMIN_RECORD=1 rewrites it", sourceLocation: sourceLocation)
}

/// A kiosk runtime on a fresh, initialised data directory of the demo station, with a manual clock.
func runtime(in directory: TemporaryDirectory, clock: ManualClock, idleTimeout: Int = 120) throws -> KioskApp {
    let files = StationFiles(dataDirectory: directory.path)
    let (identity, _) = try files.initialize()
    let queue = try files.openQueue()
    let submitter = Submitter(
        station: demo.station.station, catalogVersion: demo.catalog.version, identity: identity,
        centerKey: try files.centerKey(configuredPath: demo.station.centerPublicKeyPath), queue: queue, clock: clock)
    return KioskApp(
        environment: try environment(idleTimeout: idleTimeout), submitter: submitter, assistants: Assistants(queue.database), clock: clock)
}

/// A stored application as the runtime reports it, with its receipt's QR encoded.
func stored(_ summary: SubmissionSummary) -> StoredReceipt {
    StoredReceipt(summary: summary, qr: ReceiptQR(encoding: summary.receiptQR))
}
