import Foundation
import KioskCore
import Terminal
import Testing
import TestSupport

@testable import KioskUI

/// The kiosk that speaks (issue 22): what each screen says, when, and never a resident's answer.
@Suite struct SpokenTests {
    func speaking() throws -> KioskState {
        KioskState(environment: try environment(voice: true), now: start)
    }

    /// The texts `effects` ask to be said.
    func said(_ effects: [Effect]) -> [String] {
        effects.compactMap { if case .speak(let utterance) = $0 { utterance.text } else { nil } }
    }

    @Test("every screen's spoken text in both languages, as snapshots", arguments: KioskLanguage.allCases)
    func spokenTextPerScreen(language: KioskLanguage) throws {
        let environment = try environment(voice: true)
        var lines: [String] = []
        for screen in ScreenName.allCases {
            let state = KioskState.showing(screen, environment: environment, language: language, now: start)
            let spoken = try #require(state.spokenPrompt, "\(screen) says nothing")
            #expect(spoken.language == language)
            #expect(!spoken.text.contains("voice."), "\(screen): a string key is missing")
            #expect(!spoken.text.contains("{"), "\(screen): an argument is missing")
            lines += ["## \(screen.rawValue)", spoken.text, ""]
        }
        try expectTextSnapshot("spoken-\(language.rawValue)", lines.joined(separator: "\n"))
    }

    @Test func enteringAScreenSaysItsPromptAndItsChoices() throws {
        var state = try speaking()
        #expect(said(state.openingEffects).first?.hasPrefix("欢迎使用村便民服务站 按1,办事") == true)
        let effects = state.press(.text("1"))
        #expect(state.page == .find)
        #expect(said(effects) == [state.spokenPrompt?.text].compactMap { $0 })
        #expect(said(effects).first?.contains("按1,按部门查找。") == true)
        #expect(said(effects).first?.contains("按0返回。") == true)
    }

    @Test func aKeyThatChangesNothingSpokenSilencesTheSpeech() throws {
        var state = try speaking()
        state.press(.text("1"))
        state.push(.matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        #expect(state.page == .form)
        #expect(state.type("z") == [.silence])
        #expect(state.type("h") == [.silence])
    }

    @Test func aFormQuestionSaysItsLabelWhetherRequiredAndTheKindOfAnswer() throws {
        var state = try speaking()
        state.push(.matter(code: "MZ-QT-01"))
        let spoken = said(state.press(.text("1"))).joined()
        #expect(spoken.contains("第1题"))
        #expect(spoken.contains("申请人姓名") || spoken.contains("姓名"))
        #expect(spoken.contains("必须填写"))
        #expect(spoken.contains("请输入文字"))
        #expect(spoken.contains("拼音"))
    }

    @Test func anErrorIsSaidOnceAndItsGoingAwaySaysNothing() throws {
        var state = try speaking()
        state.push(.matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        let error = said(state.press(.enter))
        let shown = try #require(state.application?.error?.text(.zhHans))
        #expect(error == [shown])
        #expect(state.type("z") == [.silence])
    }

    @Test func theCountdownIsSaidOnceWhenItStarts() throws {
        var state = KioskState(environment: try environment(idleTimeout: 60, voice: true), now: start)
        state.press(.text("1"))
        let countdown = said(state.handle(.tick(start.addingTimeInterval(46))))
        #expect(countdown == [state.t("voice.countdown")])
        #expect(state.handle(.tick(start.addingTimeInterval(47))).isEmpty)
    }

    @Test func voiceKeyTurnsSpeechOffAndOnAndRepeatKeySaysThePromptAgain() throws {
        var state = try speaking()
        #expect(state.press(KioskState.voiceKey) == [.silence])
        #expect(!state.voiceOn)
        #expect(state.press(.text("1")).isEmpty, "a silent kiosk says nothing")
        #expect(state.page == .find)
        let again = said(state.press(KioskState.repeatKey))
        #expect(again == [state.spokenPrompt!.text], "the repeat key speaks even when voice is off")
        let on = said(state.press(KioskState.voiceKey))
        #expect(state.voiceOn)
        #expect(on.first?.hasPrefix("语音已打开。") == true)
        #expect(on.first?.contains("按1,按部门查找。") == true)
        state.press(.escape)
        #expect(state.voiceOn, "going back home keeps the resident's choice")
    }

    @Test func theStationsDefaultComesFromKioskYamlAndTheIdleWipeRestoresIt() throws {
        var quiet = KioskState(environment: try environment(idleTimeout: 60), now: start)
        #expect(!quiet.voiceOn)
        #expect(quiet.openingEffects.isEmpty)
        quiet.press(KioskState.voiceKey, .text("1"))
        let turnedOn = quiet.voiceOn
        #expect(turnedOn)
        quiet.handle(.tick(start.addingTimeInterval(61)))
        let afterWipe = (quiet.page, quiet.voiceOn)
        #expect(afterWipe == (.home, false), "the next resident starts with the station's default")
    }

    @Test func englishIsSaidInEnglish() throws {
        var state = try speaking()
        let effects = state.press(KioskState.languageKey)
        guard case .speak(let utterance)? = effects.first else {
            Issue.record("nothing said: \(effects)")
            return
        }
        #expect(utterance.language == .en)
        #expect(utterance.text.contains("Press 1 for"))
    }

    @Test func theReceiptNumberIsReadOneCharacterAtATime() throws {
        let state = KioskState.showing(.receipt, environment: try environment(voice: true), language: .zhHans, now: start)
        let text = try #require(state.spokenPrompt?.text)
        #expect(text.contains("X H 0 3, 2 6 0 3 0 2, 0 0 0 7, 1"))
    }

    /// Every text said during a whole application, in both languages, with the answers shown in full on
    /// the review, never holds a name, ID number, phone or address in full.
    @Test("nothing said during a full application holds an answer", arguments: KioskLanguage.allCases)
    func privacy(language: KioskLanguage) throws {
        let id = residentID(born: "19500101")
        var state = try speaking()
        var spoken = said(state.openingEffects)
        func log(_ effects: [Effect]) { spoken += said(effects) }
        if language == .en { log(state.press(KioskState.languageKey)) }
        log(state.press(.text("1")))
        state.push(.matter(code: "MZ-QT-01"))
        log(state.press(.text("1")))
        log(state.type("zhangsan"))
        log(state.press(.text("1"), .enter))
        log(state.type(String(id.dropLast())))
        log(state.press(.enter))  // too short: an error is said
        log(state.type(String(id.last!)))
        log(state.press(.enter))
        log(state.type("13800138000"))
        log(state.press(.enter, .function(2)))
        log(state.type("Daqiao 5"))
        log(state.press(.enter, .enter, .enter))
        #expect(state.page == .materials)
        log(state.press(.text("1")))
        log(state.press(.text("*")))  // the answers in full on screen
        #expect(state.text.contains(id))
        log(state.press(KioskState.repeatKey))
        log(state.press(.enter))
        #expect(state.page == .confirm)
        log(state.press(.text("1")))
        let answers = ["张三", id, String(id.prefix(14)), "13800138000", "Daqiao 5"]
        #expect(spoken.count >= 10)
        for text in spoken {
            for answer in answers { #expect(!text.contains(answer), "said: \(text)") }
        }
    }
}

/// Compares `text` with `Snapshots/NAME.txt`; `BIANMIN_RECORD=1` writes the file anew.
func expectTextSnapshot(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = packageRoot.appendingPathComponent("Tests/KioskUITests/Snapshots/\(name).txt")
    let actual = text + "\n"
    if ProcessInfo.processInfo.environment["BIANMIN_RECORD"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "snapshot \(name) differs; BIANMIN_RECORD=1 rewrites it", sourceLocation: sourceLocation)
}
