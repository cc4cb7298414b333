import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import QRCode
import Terminal
import Testing
import TestSupport

@testable import KioskUI

/// Opens the application form of `code` the way a resident does from the matter's screen.
func formState(_ code: String, idleTimeout: Int = 120) throws -> KioskState {
    var state = try freshState(idleTimeout: idleTimeout)
    state.press(.text("1"))  // 办事
    state.push(.matter(code: code))
    state.press(.text("1"))  // 开始办理
    #expect(state.page == .form)
    return state
}

@Suite struct NavigationTests {
    @Test func departmentsListMattersAndBackReturnsHome() throws {
        var state = try freshState()
        state.press(.text("1"))
        #expect(state.page == .find)
        state.press(.text("1"))
        #expect(state.page == .departments(page: 0))
        state.press(.text("9"))
        #expect(state.page == .departments(page: 1))
        state.press(.text("9"))  // no third page
        #expect(state.page == .departments(page: 1))
        state.press(.text("8"), .text("6"))
        #expect(state.page == .matters(.department(.civilAffairs), page: 0))
        let first = state.matters(.department(.civilAffairs))[0]
        state.press(.text("1"))
        #expect(state.page == .matter(code: first.code))
        state.press(.text("0"), .escape, .text("0"), .escape)
        #expect(state.page == .home)
        #expect(state.backStack.isEmpty)
    }

    @Test func searchByInitialsFullPinyinAndChinese() throws {
        var state = try freshState()
        state.press(.text("1"), .text("3"))
        #expect(state.page == .search(page: 0))
        state.type("ylbx")
        let pension = demo.catalog.matters.filter { $0.name.zh.contains("养老保险") }.map(\.code)
        #expect(pension.count == 3)
        #expect(Set(pension).isSubset(of: Set(state.searchResults.map(\.code))))
        #expect(state.text.contains("城乡居民基本养老保险参保登记"))
        // A digit picks a result.
        let firstResult = state.searchResults[0].code
        state.press(.text("1"))
        #expect(state.page == .matter(code: firstResult))

        let search = try MatterSearch.bundled()
        #expect(search.search("yanglaobaoxian", in: demo.catalog.matters).map(\.code) == pension)
        #expect(search.search("养老", in: demo.catalog.matters).map(\.code) == pension)
        #expect(search.search("lnrydz", in: demo.catalog.matters).map(\.code) == ["MZ-QT-01"])
        #expect(search.search("qqqq", in: demo.catalog.matters).isEmpty)
    }

    @Test func searchTypesChineseThroughPinyin() throws {
        var state = try freshState()
        state.press(.text("1"), .text("3"), .function(2))  // F2: pinyin on
        state.type("yanglao")
        #expect(state.searchInput?.isComposing == true)
        #expect(state.text.contains("1.养老"))
        state.press(.text("1"))  // picks the candidate, not a result
        #expect(state.searchInput?.text == "养老")
        #expect(state.searchResults.count == 3)
    }

    /// Issue 17, item 17: the footer names the input mode in use, and a search that finds nothing still shows the way back.
    @Test func searchFooterShowsTheModeAndTheWayBack() throws {
        var state = try freshState()
        state.press(.text("1"), .text("3"))
        #expect(state.text.contains("0 返回   F2 切换拼音/英文(现在: 英文数字)"))
        state.press(.function(2))
        #expect(state.text.contains("F2 切换拼音/英文(现在: 拼音)"))
        #expect(!state.text.contains("现在: 英文数字"))
        state.type("qqq")  // letters no syllable starts with: still composing, Esc clears them
        #expect(state.text.contains("Esc 清除拼音"))
        state.press(.escape)
        #expect(state.page == .search(page: 0) && state.text.contains("0 返回"))
        state.press(.function(2))
        state.type("qqq")
        #expect(state.text.contains("没有找到"))
        #expect(state.text.contains("0 返回"))
        state.press(.text("0"))
        #expect(state.page == .find)

        var form = try formState("MZ-QT-01")
        #expect(form.text.contains("F2 切换拼音/英文(现在: 拼音)"))
        form.press(.function(2))
        #expect(form.text.contains("F2 切换拼音/英文(现在: 英文数字)"))
    }

    @Test func refusedMatterShowsWhereToGoAndCannotBeStarted() throws {
        var state = try freshState()
        state.press(.text("1"))
        state.push(.matter(code: "MZ-QR-03"))
        #expect(state.text.contains("不予受理"))
        state.press(.text("1"))
        #expect(state.page == .guide(code: "MZ-QR-03", page: 0))
        #expect(state.application == nil)
        state.press(.text("2"))  // no 开始办理 on a refused matter's guide
        #expect(state.application == nil)
    }

    @Test func townOnlyMatterSendsToTheTownCenterAndPrintsTheGuide() throws {
        var state = try freshState()
        state.press(.text("1"))
        state.push(.matter(code: "CG-XK-04"))
        #expect(state.text.contains("镇为民服务中心"))
        #expect(state.press(.text("2")) == [.printGuide(matter: "CG-XK-04")])
        state.handle(.notice(key: "print.notConfigured", arguments: []))
        #expect(state.text.contains("本站打印机暂未接通"))
        #expect(state.pending == 0)
    }

    @Test func guidePagesStopAtTheLastPage() throws {
        var state = try freshState()
        state.press(.text("3"), .text("3"))
        state.type("lnrydz")
        state.press(.text("1"))
        #expect(state.page == .guide(code: "MZ-QT-01", page: 0))
        #expect(state.text.contains("【受理条件】"))
        for _ in 0..<10 { state.press(.text("9")) }
        guard case .guide(_, let last) = state.page else {
            Issue.record("left the guide")
            return
        }
        #expect(last >= 1)
        let lines = state.guideLines(demo.catalog.matter("MZ-QT-01")!)
        #expect(last == Layout(width: 80, height: 24).pageCount(lines: lines.count) - 1)
        #expect(state.text.contains("【事项类型】"))
    }

    @Test func controlKeysDoNothing() throws {
        var state = try freshState()
        state.press(.text("2"))
        state.press(.control("c"), .control("z"), .control("\\"))
        #expect(state.page == .progress)
    }
}

@Suite struct FormFlowTests {
    @Test func requiredAnswerBlocksNextWithPlainChinese() throws {
        var state = try formState("MZ-QT-01")
        state.press(.enter)
        #expect(state.application?.step == 0)
        #expect(state.text.contains("这一项必须填写"))
        #expect(state.text.contains("第1步/共6步"))
    }

    @Test func chineseNameByPinyinThenIDNumberWithLiveCheckCharacter() throws {
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        #expect(state.text.contains("1.张三"))
        state.press(.text("1"))
        #expect(state.application?.input?.text == "张三")
        state.press(.enter)
        #expect(state.application?.answers["name"] == .text("张三"))
        #expect(state.text.contains("第2步/共6步"))
        let id = residentID(born: "19500101")
        state.type(String(id.prefix(17)))
        #expect(state.text.contains("最后一位应为 \(id.last!)"))
        let wrong: Character = id.last == "0" ? "1" : "0"
        state.type(String(wrong))
        #expect(state.text.contains("校验码"))
        state.press(.backspace)
        state.type(String(id.last!))
        #expect(state.text.contains("号码校验正确"))
        state.press(.enter)
        #expect(state.text.contains("第3步/共6步"))
    }

    /// Issue 17, item 3: the matter screen and the form give one count, and the form says why it changed.
    @Test func theMatterScreenAndTheFormCountTheSameStepsAndExplainAChange() throws {
        var state = try freshState()
        state.push(.matter(code: "MZ-QR-02"))
        #expect(state.text.contains("需要填写: 共10步"))
        state.press(.text("1"))
        #expect(state.text.contains("第1步/共10步"))
        #expect(!state.text.contains("因您的回答"))
        state.application?.answers["person_type"] = .text("disabled")
        state.prepareQuestion()
        #expect(state.text.contains("第1步/共11步(因您的回答多了1步)"))
    }

    /// Issue 17, item 6: a number pad has no X: in an ID number `*` or `.` types it, and the screen says so.
    @Test func numberPadStarOrDotTypesTheXOfAnIDNumber() throws {
        let sequence = try #require((1...999).map { String(format: "%03d", $0) }.first { residentID(born: "19500101", sequence: $0).last == "X" })
        let id = residentID(born: "19500101", sequence: sequence)
        for key in ["*", "."] {
            var state = try formState("MZ-QT-01")
            state.application?.answers["name"] = .text("张三")
            state.application?.step = 1
            state.prepareQuestion()
            #expect(state.text.contains("按 * 键或 . 键输入 X"))
            state.type(String(id.dropLast()))
            state.type(key)
            #expect(state.application?.input?.text == id)
            #expect(state.text.contains("号码校验正确"))
            state.press(.enter)
            #expect(state.application?.answers["id_number"] == .text(id))
        }
    }

    /// Issue 17, item 8: leaving a form with answers asks first; only 1 leaves, and nothing is lost meanwhile.
    @Test func leavingAFormWithAnswersAsksFirst() throws {
        var state = try formState("MZ-QT-01")
        state.press(.escape)  // nothing typed: straight out
        #expect(state.page == .matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        state.type("zhangsan")
        state.press(.text("1"), .escape)
        #expect(state.page == .form)
        #expect(state.text.contains("确定离开吗"))
        #expect(state.text.contains("1 离开并清除   2 继续填写"))
        state.press(.text("x"), .text("2"))
        #expect(state.page == .form)
        #expect(!state.text.contains("确定离开吗"))
        #expect(state.application?.input?.text == "张三")
        state.press(.escape, .escape)  // Esc answers the question: stay
        #expect(state.page == .form && !state.text.contains("确定离开吗"))
        state.press(.escape, .text("1"))
        #expect(state.page == .matter(code: "MZ-QT-01"))

        // 0 on a choice: the default answer alone is no answer of the resident's.
        var choice = try formState("CG-ZS-01")
        choice.press(.text("0"))
        #expect(choice.page == .matter(code: "CG-ZS-01"))
        choice.press(.text("1"), .text("2"), .text("0"))
        #expect(choice.page == .form)
        #expect(choice.text.contains("确定离开吗"))
        choice.press(.text("1"))
        #expect(choice.page == .matter(code: "CG-ZS-01"))
    }

    /// Issue 17, item 5: at `max_length` characters are refused, and the resident is told.
    @Test func textAtItsLimitRefusesMoreAndSaysSo() throws {
        var state = try formState("MZ-QT-01")  // the name takes at most 20 characters
        state.press(.paste("欧阳" + String(repeating: "娜", count: 20)))
        #expect(state.application?.input?.text.count == 20)
        #expect(state.text.contains("最多只能填20个字,后面的字没有填进去。"))
        state.press(.backspace)
        #expect(!state.text.contains("最多只能填"))
        state.press(.function(2))
        state.type("ab")
        #expect(state.application?.input?.text.hasSuffix("a") == true)
        #expect(state.text.contains("最多只能填20个字"))
    }

    /// Issue 17, item 4: choosing 李秀 keeps `ying` composing; Enter takes a candidate, never the letters.
    @Test func pinyinKeepsTheLettersNotChosenAndEnterNeverTakesRawLetters() throws {
        var state = try formState("MZ-QT-01")
        state.type("lixiuying")
        let bar = try #require(state.application?.input?.composer?.pageCandidates)
        let index = try #require(bar.firstIndex(of: "李秀"))
        state.type(String(index + 1))
        #expect(state.application?.input?.text == "李秀")
        #expect(state.application?.input?.composer?.composition == "ying")
        #expect(state.text.contains("拼音: ying"))
        state.press(.enter)  // the first candidate for ying, not the letters; the question stays
        #expect(state.application?.step == 0)
        let name = try #require(state.application?.input?.text)
        #expect(name.count == 3 && name.hasPrefix("李秀") && !name.contains { $0.isASCII })
        state.press(.enter)
        #expect(state.application?.answers["name"] == .text(name))
        #expect(state.application?.step == 1)
    }

    @Test func constraintsShowTheCatalogMessage() throws {
        var state = try formState("MZ-QT-01")
        state.type("li")
        state.press(.text("1"), .enter)
        state.type(residentID(born: "19900101"))  // 36 years old on the test's date
        state.press(.enter)
        #expect(state.application?.step == 1)
        #expect(state.text.contains("年满60周岁才能办理老年人优待证"))
    }

    @Test func relevanceChangesTheStepsLive() throws {
        var state = try formState("MZ-QT-01")
        state.application?.answers = ["name": .text("张三"), "id_number": .text(residentID(born: "19500101")), "phone": .text("13800138000"), "address": .text("大桥村5号"), "residence": .text("local"), "pickup": .text("village")]
        state.application?.step = 5
        state.prepareQuestion()
        #expect(state.text.contains("领取方式"))
        #expect(state.text.contains("第6步/共6步"))
        state.press(.text("2"))  // 邮寄到家: the postal address becomes a question
        #expect(state.text.contains("第6步/共7步"))
        state.press(.enter)
        #expect(state.text.contains("邮寄地址"))
        state.press(.escape, .text("1"))
        #expect(state.text.contains("第6步/共6步"))
        state.press(.enter)
        #expect(state.page == .materials)
    }

    @Test func languageSwitchKeepsAnswersAndTypedText() throws {
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        state.press(.text("1"), .enter)
        state.type("110101")
        state.press(.function(3))
        #expect(state.language == .en)
        #expect(state.text.contains("Citizen ID number"))
        #expect(state.text.contains("Step 2 of 6"))
        #expect(state.application?.answers["name"] == .text("张三"))
        #expect(state.application?.input?.text == "110101")
        state.press(.escape)
        #expect(state.application?.input?.text == "张三")
        state.press(.function(3))
        #expect(state.text.contains("姓名"))
    }

    @Test func repeatGroupAddsAndRemovesEntries() throws {
        var state = try formState("MZ-QR-01")
        let form = demo.catalog.matter("MZ-QR-01")!.form
        let steps = state.application!.steps(form, today: CalendarDate(start))
        let step = try #require(steps.firstIndex { form.fields[$0.field].id == "members" })
        state.application?.step = step
        state.prepareQuestion()
        state.press(.enter)
        #expect(state.text.contains("! "))  // at least one member is needed
        state.press(.text("1"))
        #expect(state.application?.entry == EntryCursor(index: 0, member: 0))
        #expect(state.text.contains("共同生活的家庭成员: 第1条"))
        state.type("zhangsan")
        state.press(.text("1"), .enter)
        state.type(residentID(born: "19600101", sequence: "003"))
        state.press(.enter, .text("2"), .enter)
        state.type("1.2.3")
        state.press(.enter)
        #expect(state.text.contains("请填写数字"))
        state.press(.control("u"))
        state.type("1200")
        state.press(.enter)
        #expect(state.application?.entry == nil)
        #expect(state.text.contains("已填 1 条"))
        #expect(state.text.contains("张*"))
        state.press(.text("1"), .escape)  // leave a second entry at its first question
        #expect(state.text.contains("已填 2 条"))
        state.press(.text("2"))
        // 3 edits the first entry: its answers come back into the inputs.
        state.press(.text("3"))
        #expect(state.application?.entry == EntryCursor(index: 0, member: 0))
        #expect(state.application?.input?.text == "张三")
        state.press(.enter, .enter, .enter)
        state.press(.control("u"))
        state.type("900")
        state.press(.enter)
        #expect(state.application?.entry == nil)
        guard case .group(let entries)? = state.application?.answers["members"] else {
            Issue.record("no members")
            return
        }
        #expect(entries.count == 1)
        #expect(entries[0]["income"] == .number(900))
        #expect(entries[0]["relationship"] == .text("spouse"))
    }

    @Test func fullApplicationAsksToSubmitMaskedAnswers() throws {
        var state = try formState("MZ-QT-01")
        state.type("zhangsan")
        state.press(.text("1"), .enter)
        state.type(residentID(born: "19500101"))
        state.press(.enter)
        state.type("13800138000")
        state.press(.enter, .function(2))  // direct input for the address
        state.type("Daqiao 5")
        state.press(.enter, .enter, .enter)
        #expect(state.page == .materials)
        state.press(.text("1"))
        #expect(state.page == .review(page: 0))
        #expect(state.text.contains("张*"))
        #expect(state.text.contains("1101**********"))
        #expect(!state.text.contains("13800138000"))
        #expect(state.text.contains("本县户籍"))
        state.press(.enter)
        #expect(state.page == .confirm)
        let effects = state.press(.text("1"))
        guard case .submit(let matter, let answers, let channel)? = effects.first else {
            Issue.record("no submit effect: \(effects)")
            return
        }
        #expect(matter == "MZ-QT-01")
        #expect(answers["name"] == .text("张三"))
        #expect(answers["address"] == .text("Daqiao 5"))
        #expect(channel == .selfService)
        #expect(state.page == .working)
    }
}

/// The review shows what it asks the resident to check, and each line leads back to its question (issue 17, item 2).
@Suite struct ReviewTests {
    func review() throws -> KioskState {
        var state = try formState("MZ-QT-01")
        state.application?.answers = [
            "name": .text("李秀英"), "id_number": .text(residentID(born: "19500101")), "phone": .text("13800138000"),
            "address": .text("大桥村3组12号"), "residence": .text("local"), "pickup": .text("village"),
        ]
        state.application?.step = 5
        state.prepareQuestion()
        state.press(.enter)
        #expect(state.page == .materials)
        state.press(.text("1"))
        #expect(state.page == .review(page: 0))
        return state
    }

    @Test func starShowsTheFullAnswersOnScreenUntilTheReviewIsLeft() throws {
        var state = try review()
        #expect(state.text.contains("1. 姓名: 李**"))
        #expect(!state.text.contains("李秀英"))
        state.press(.text("*"))
        #expect(state.text.contains("1. 姓名: 李秀英"))
        #expect(state.text.contains("2. 公民身份号码: \(residentID(born: "19500101"))"))
        #expect(state.text.contains("4. 家庭住址: 大桥村3组12号"))
        state.press(.text("*"))
        #expect(!state.text.contains("李秀英"))
        state.press(.text("*"), .escape)
        #expect(state.page == .materials)
        state.press(.text("1"))
        #expect(!state.text.contains("李秀英"))
        state.press(.text("*"), .enter)
        #expect(state.page == .confirm)
        state.press(.escape)
        #expect(!state.text.contains("李秀英"))
    }

    @Test func aLinesNumberGoesToItsQuestionAndBackToTheReview() throws {
        var state = try review()
        state.type("4")
        #expect(state.text.contains("修改第 4 项:请按 Enter"))
        state.press(.enter)
        #expect(state.page == .form)
        #expect(state.text.contains("家庭住址"))
        #expect(state.application?.input?.text == "大桥村3组12号")
        state.press(.backspace, .backspace, .backspace)
        state.type("5")
        state.press(.text("5"))  // pinyin is off for digits: "5" types itself
        state.press(.enter)
        #expect(state.page == .review(page: 0))
        #expect(state.application?.answers["address"] == .text("大桥村3组55"))
        state.press(.escape)
        #expect(state.page == .materials)  // the materials are still one step back
        state.press(.text("1"))
        state.type("12")
        state.press(.enter)
        #expect(state.page == .review(page: 0))
        #expect(state.text.contains("没有第 12 项"))
        state.type("0")
        #expect(state.page == .materials)  // 0 alone goes back
    }
}

@Suite struct IdleTimeoutTests {
    @Test func countdownThenEverythingIsWiped() throws {
        var state = try formState("MZ-QT-01", idleTimeout: 60)
        state.type("zhangsan")
        state.press(.text("1"))
        state.handle(.tick(start.addingTimeInterval(44)))
        #expect(state.countdownRemaining == nil)
        state.handle(.tick(start.addingTimeInterval(46)))
        #expect(state.countdownRemaining == 14)
        #expect(state.text.contains("14 秒后将清除已填写的内容"))
        // A key during the countdown only keeps the session.
        state.press(.text("9"))
        #expect(state.countdownRemaining == nil)
        #expect(state.application?.input?.text == "张三")
        state.handle(.tick(start.addingTimeInterval(46 + 59)))
        #expect(state.page == .form)
        state.handle(.tick(start.addingTimeInterval(46 + 60)))
        #expect(state.page == .home)
        #expect(state.application == nil)
        #expect(state.backStack.isEmpty)
    }

    @Test func idleHomeScreenShowsNoCountdown() throws {
        var state = try freshState(idleTimeout: 30)
        state.handle(.tick(start.addingTimeInterval(500)))
        #expect(state.countdownRemaining == nil)
        #expect(state.page == .home)
    }

    @Test func assistantSessionTimesOutAndIsLoggedOut() throws {
        var state = try freshState(idleTimeout: 60)
        state.press(.text("4"))
        state.type("A01")
        state.press(.enter)
        state.type("1234")
        #expect(state.press(.enter) == [.login(id: "A01", pin: "1234")])
        state.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        #expect(state.page == .assistantHome)
        #expect(state.handle(.tick(start.addingTimeInterval(60))) == [.logout(id: "A01", reason: "timeout")])
        #expect(state.assistant == nil)
        #expect(state.page == .home)
    }

    @Test func noWipeWhileStoring() throws {
        var state = try formState("MZ-QT-01", idleTimeout: 30)
        state.current = .saving(try #require(state.application))
        state.pending = 1
        state.handle(.tick(start.addingTimeInterval(600)))
        #expect(state.page == .working)
    }
}

@Suite struct AssistantLoginTests {
    @Test func fiveFailuresLockForFiveMinutesAndAllIsAudited() throws {
        let directory = try TemporaryDirectory()
        let database = try AppDatabase.open(at: directory.path + "/kiosk.sqlite")
        let assistants = Assistants(database)
        _ = try assistants.add(id: "a01", name: "王五", pin: "2468", hasher: PINHasher(parameters: .fastForTesting), at: start)
        #expect(try assistants.list() == [Assistant(id: "A01", name: "王五")])
        #expect(try assistants.login(id: "A01", pin: "2468", at: start) == .success(Assistant(id: "A01", name: "王五")))
        for attempt in 1...4 {
            #expect(try assistants.login(id: "A01", pin: "0000", at: start) == .rejected(attemptsLeft: 5 - attempt))
        }
        let until = start.addingTimeInterval(Assistants.lockDuration)
        #expect(try assistants.login(id: "NOBODY", pin: "1111", at: start) == .locked(until: until))
        // The right PIN does not open a locked login.
        #expect(try assistants.login(id: "A01", pin: "2468", at: start.addingTimeInterval(299)) == .locked(until: until))
        #expect(try assistants.login(id: "A01", pin: "2468", at: until) == .success(Assistant(id: "A01", name: "王五")))
        try assistants.logout(id: "A01", reason: "logout", at: until)

        let events = try AuditLog.recent(database).map(\.event)
        #expect(events == ["assistant_login"] + Array(repeating: "assistant_login_failed", count: 5) + ["assistant_locked", "assistant_login_failed", "assistant_login", "assistant_logout"])
        let details = try AuditLog.recent(database).map(\.detail).joined()
        #expect(!details.contains("2468") && !details.contains("0000"))
        let verdict = try AuditLog.verify(database)
        guard case .intact(let count, _) = verdict else {
            Issue.record("audit chain: \(verdict)")
            return
        }
        #expect(count == events.count)
    }

    @Test func addRejectsBadPINs() throws {
        let directory = try TemporaryDirectory()
        let assistants = Assistants(try AppDatabase.open(at: directory.path + "/kiosk.sqlite"))
        #expect(throws: AssistantError.self) { try assistants.add(id: "A01", name: "王五", pin: "12a4", at: start) }
        #expect(throws: AssistantError.self) { try assistants.add(id: "A-1", name: "王五", pin: "1234", at: start) }
    }

    @Test func lockedLoginShowsWhenToTryAgain() throws {
        var state = try freshState()
        state.press(.text("4"))
        state.type("A01")
        state.press(.enter)
        state.type("9999")
        state.press(.enter)
        state.handle(.loggedIn(.success(.rejected(attemptsLeft: 1))))
        #expect(state.text.contains("还可以再试 1 次"))
        state.handle(.loggedIn(.success(.locked(until: start.addingTimeInterval(300)))))
        #expect(state.page == .assistantLogin)
        #expect(state.text.contains("请 5 分钟后再试"))
        #expect(state.loginPIN?.text.isEmpty == true)
    }

    /// Issue 17, item 14: a 5-minute lock reads 5 minutes, though the store's clock ran a moment ahead of the screen's.
    @Test func aLockJustSetReadsAsThePromisedFiveMinutes() throws {
        var state = try freshState(idleTimeout: 1000)
        state.press(.text("4"))
        #expect(state.text.contains("锁定 5 分钟"))
        state.handle(.loggedIn(.success(.locked(until: start.addingTimeInterval(300.8)))))
        #expect(state.text.contains("请 5 分钟后再试"))
        state.handle(.tick(start.addingTimeInterval(200)))
        state.handle(.loggedIn(.success(.locked(until: start.addingTimeInterval(300.8)))))
        #expect(state.text.contains("请 2 分钟后再试"))
        state.handle(.tick(start.addingTimeInterval(290)))
        state.handle(.loggedIn(.success(.locked(until: start.addingTimeInterval(300.8)))))
        #expect(state.text.contains("请 1 分钟后再试"))
    }

    @Test func assistedApplicationsCarryTheAssistantsID() throws {
        var state = try freshState()
        state.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        state.press(.text("1"))
        #expect(state.page == .find)
        state.push(.matter(code: "MZ-QT-01"))
        state.press(.text("1"))
        #expect(state.application?.channel == .assisted(assistantID: "A01"))
        #expect(state.text.contains("代办员 A01"))
    }

    @Test func logoutAndHooks() throws {
        var state = try freshState()
        state.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        #expect(state.press(.text("4")) == [.syncNow])
        state.handle(.notice(key: "sync.unavailable", arguments: []))
        #expect(state.text.contains("发送程序尚未接通"))
        #expect(state.press(.text("3")) == [.loadQueue])
        #expect(state.page == .queue(page: 0))
        state.press(.escape)
        #expect(state.press(.text("9")) == [.logout(id: "A01", reason: "logout")])
        #expect(state.assistant == nil)
        #expect(state.page == .home)
    }
}

@Suite struct ProgressInputTests {
    @Test func aReceiptScannedOnTheStartScreenIsLookedUp() throws {
        var state = try freshState()
        let receipt = try ReceiptNumber(station: "XH03", year: 2026, month: 3, day: 2, sequence: 1).description
        state.type(receipt)
        #expect(state.page == .progress)
        #expect(state.receiptInput?.text == receipt)
        #expect(state.press(.enter) == [.lookUp(receipt: receipt)])
    }

    @Test func typedNumbersAreCheckedBeforeLookingUp() throws {
        var state = try freshState()
        state.press(.text("2"))
        let valid = try ReceiptNumber(station: "XH03", year: 2026, month: 3, day: 2, sequence: 1).description
        let wrong = String(valid.dropLast()) + (valid.last == "A" ? "B" : "A")
        state.type(wrong)
        #expect(state.press(.enter).isEmpty)
        #expect(state.text.contains("回执编号不对"))
        state.press(.control("u"))
        state.type(valid.lowercased().replacingOccurrences(of: "-", with: ""))
        #expect(state.press(.enter) == [.lookUp(receipt: valid)])
        state.handle(.lookedUp(.success(nil)))
        #expect(state.page == .progressResult)
        #expect(state.text.contains("本站没有编号为 \(valid) 的申请"))
    }
}

/// A decision notice of the town, as the station keeps it.
let sampleNotice = StationNotice(
    number: "新河便决〔2026〕第0001号", kind: "decision", title: "办结通知书", authority: "XX县新河镇人民政府", addressee: "张*",
    paragraphs: ["您申请的事项已办结。"], items: [], closing: [], date: "2026年3月9日")

@Suite struct ProgressNoticeTests {
    @Test func aNoticeOfTheTownIsShownAndKey5PrintsItForTheResidentWithTheAssistant() throws {
        var state = try freshState()
        state.press(.text("2"))
        let summary = try sampleSummary(decision: .completed)
        state.handle(.lookedUp(.success(summary), notices: [sampleNotice]))
        #expect(state.text.contains("办结通知书 新河便决〔2026〕第0001号") && state.text.contains("5 打印通知书"))
        #expect(state.press(.text("5")) == [.printNotice(receipt: summary.receipt, number: sampleNotice.number, assistant: nil)])
        state.handle(.notice(key: "notice.printed", arguments: [sampleNotice.title]))
        #expect(state.text.contains("办结通知书已打印,请交给群众。"))

        var assisted = try freshState()
        assisted.press(.text("4"))
        assisted.type("A01")
        assisted.press(.enter)
        assisted.type("1234")
        assisted.press(.enter)
        assisted.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王芳")))))
        assisted.press(.text("2"))
        assisted.handle(.lookedUp(.success(summary), notices: [sampleNotice]))
        #expect(assisted.press(.text("5")) == [.printNotice(receipt: summary.receipt, number: sampleNotice.number, assistant: "A01")])
    }

    @Test func withoutANoticeKey5DoesNothing() throws {
        var state = try freshState()
        state.press(.text("2"))
        state.handle(.lookedUp(.success(try sampleSummary(decision: .completed))))
        #expect(!state.text.contains("打印通知书"))
        #expect(state.press(.text("5")).isEmpty)
        #expect(state.page == .progressResult)
    }
}

@Suite struct RatingTests {
    @Test func aDecidedApplicationIsRatedWithOneKeyAndABadRatingAsksWhy() throws {
        var state = try freshState()
        state.press(.text("2"))
        let summary = try sampleSummary(decision: .completed)
        state.handle(.lookedUp(.success(summary)))
        #expect(state.text.contains("6 评价服务"))
        state.press(.text("6"))
        #expect(state.page == .rating(reasons: false))
        #expect(state.text.contains("1 ]") && state.text.contains("非常满意") && state.text.contains("非常不满意"))
        let good = state.press(.text("1"))
        #expect(good == [.rate(CaseRating(uuid: summary.uuid, level: .verySatisfied, reasons: [], ratedAt: Int64(start.timeIntervalSince1970)))])
        #expect(state.page == .progressResult, "back to the application at once")
        state.handle(.notice(key: "rating.thanks", arguments: []))
        #expect(state.text.contains("谢谢您的评价"))

        state.press(.text("6"))
        #expect(state.press(.text("4")).isEmpty)
        #expect(state.page == .rating(reasons: true) && state.text.contains("哪里不满意"))
        #expect(state.press(.enter).isEmpty)
        #expect(state.text.contains("请至少选一项"))
        state.press(.text("1"))
        state.press(.text("3"))
        state.press(.text("2"))
        state.press(.text("2"))
        #expect(state.text.contains("[x] 办得太慢") && state.text.contains("[ ] 要交的材料没说清楚"))
        let bad = state.press(.enter)
        #expect(bad == [.rate(CaseRating(uuid: summary.uuid, level: .dissatisfied, reasons: [.tooSlow, .manyTrips], ratedAt: Int64(start.timeIntervalSince1970)))])
        #expect(state.page == .progressResult)
    }

    @Test func anApplicationNotDecidedYetCannotBeRated() throws {
        var state = try freshState()
        state.press(.text("2"))
        state.handle(.lookedUp(.success(try sampleSummary())))
        #expect(!state.text.contains("评价服务"))
        #expect(state.press(.text("6")).isEmpty && state.page == .progressResult)
    }

    @Test func zeroStepsBackFromTheReasonsToTheLevelsThenOut() throws {
        var state = try freshState()
        state.press(.text("2"))
        state.handle(.lookedUp(.success(try sampleSummary(decision: .rejected, reason: "不属本镇受理范围"))))
        state.press(.text("6"))
        state.press(.text("5"))
        state.press(.text("1"))
        state.press(.text("0"))
        #expect(state.page == .rating(reasons: false))
        state.press(.text("0"))
        #expect(state.page == .progressResult)
    }
}

/// Issue 17, item 7: a number pad has no letters.
@Suite struct NumberPadLookupTests {
    @Test func thisStationsReceiptTypedAsDigitsOnlyIsLookedUp() throws {
        let receipt = try ReceiptNumber(station: "XH03", year: 2026, month: 3, day: 2, sequence: 7)
        for typed in ["2603020007", "260302-7", "260302 0007"] {
            var state = try freshState()
            state.press(.text("2"))
            state.type(typed)
            #expect(state.press(.enter) == [.lookUp(receipt: receipt.description)], "\(typed)")
        }
        if let check = receipt.checkCharacter.wholeNumberValue {
            var state = try freshState()
            state.press(.text("2"))
            state.type("2603020007\(check)")
            #expect(state.press(.enter) == [.lookUp(receipt: receipt.description)])
        }
        var state = try freshState()
        state.press(.text("2"))
        #expect(state.text.contains("本站的回执也可以只输数字"))
        state.type("2613020007")  // no 13th month
        #expect(state.press(.enter).isEmpty)
        #expect(state.text.contains("回执编号不对"))
    }

    @Test func anAssistantLogsInWithTheDigitsOfTheID() throws {
        let directory = try TemporaryDirectory()
        let assistants = Assistants(try AppDatabase.open(at: directory.path + "/kiosk.sqlite"))
        let hasher = PINHasher(parameters: .fastForTesting)
        _ = try assistants.add(id: "A01", name: "王五", pin: "2468", hasher: hasher, at: start)
        _ = try assistants.add(id: "1002", name: "赵六", pin: "1357", hasher: hasher, at: start)
        #expect(try assistants.login(id: "01", pin: "2468", at: start) == .success(Assistant(id: "A01", name: "王五")))
        #expect(try assistants.login(id: "1", pin: "2468", at: start) == .success(Assistant(id: "A01", name: "王五")))
        #expect(try assistants.login(id: "1002", pin: "1357", at: start) == .success(Assistant(id: "1002", name: "赵六")))
        // Two ids with the same digits: the digits alone name neither.
        _ = try assistants.add(id: "B01", name: "钱七", pin: "2468", hasher: hasher, at: start)
        #expect(try assistants.login(id: "01", pin: "2468", at: start) == .rejected(attemptsLeft: Assistants.maxFailures - 1))
        #expect(try assistants.login(id: "B01", pin: "2468", at: start) == .success(Assistant(id: "B01", name: "钱七")))

        var state = try freshState()
        state.press(.text("4"))
        state.type("01")
        state.press(.enter)
        state.type("2468")
        #expect(state.press(.enter) == [.login(id: "01", pin: "2468")])
        #expect(state.text.contains("编号可以只输数字"))
    }
}

/// Issue 17, item 9: the receipt number stays on screen until the resident presses 0.
@Suite struct ReceiptScreenTests {
    @Test func onlyZeroLeavesTheReceiptScreen() throws {
        var state = try freshState()
        let summary = try sampleSummary()
        _ = state.handle(.submitted(.success(stored(summary))))
        _ = state.handle(.printed(.printed))
        #expect(state.page == .receipt)
        #expect(state.text.contains("0 回到首页"))
        for key: KeyEvent in [.up, .function(2), .text("5"), .text("a"), .text(" "), .backspace, .escape, .enter] {
            #expect(state.press(key) == [])
            #expect(state.page == .receipt, "\(key)")
        }
        #expect(state.text.contains("看完了请按 0 回到首页"))
        #expect(state.text.contains(summary.receipt.map(String.init).joined(separator: " ")))
        state.press(.text("1"))
        #expect(state.page == .receiptQR)
        state.press(.enter)  // from the QR, any key goes back to the receipt, not home
        #expect(state.page == .receipt)
        state.press(.text("0"))
        #expect(state.page == .home)
    }
}

/// Issue 17, item 13: a print problem is said once, then what to do.
@Suite struct PrintProblemWordsTests {
    @Test func paperOutIsSaidOnceThenWhatToDo() throws {
        func count(_ text: String, _ part: String) -> Int { text.components(separatedBy: part).count - 1 }
        var state = try freshState()
        _ = state.handle(.submitted(.success(stored(try sampleSummary()))))
        _ = state.handle(.printed(.failed(reason: .printerOutOfPaper, detail: "media-empty-error")))
        let joined = state.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        #expect(count(joined, "缺纸") == 1)
        #expect(count(joined, "保存") == 1)  // 您的申请已经保存 only
        #expect(joined.contains("打印机缺纸。请记下上面的回执编号"))

        // The form to sign and the receipt both out of paper: the problem once, then each thing to do.
        var both = try freshState()
        both.current = .saving(Application(matterCode: "MZ-QT-01", answers: [:], channel: .selfService))
        _ = both.handle(.submitted(.success(stored(try sampleSummary()))))
        _ = both.handle(.formPrinted(.failed(reason: .printerOutOfPaper, detail: "media-empty-error")))
        _ = both.handle(.printed(.failed(reason: .printerOutOfPaper, detail: "media-empty-error")))
        let lines = both.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        #expect(count(lines, "缺纸") == 1)
        #expect(lines.contains("申请表也没有打印出来"))
    }
}

@Suite struct PrintRetryTests {
    @Test func aFailedReceiptCanBePrintedAgainWhileTheResidentIsThere() throws {
        var state = try freshState()
        let summary = try sampleSummary()
        _ = state.handle(.submitted(.success(stored(summary))))
        _ = state.handle(.printed(.failed(reason: .printerOutOfPaper, detail: "media-empty")))
        #expect(state.page == .receipt)
        #expect(state.text.contains("2 重新打印回执"))
        #expect(state.press(.text("2")) == [.printReceipt(summary)])
        #expect(state.page == .working)
        _ = state.handle(.printed(.printed))
        #expect(state.page == .receipt)
        #expect(state.text.contains("回执已打印"))
        #expect(!state.text.contains("重新打印"))
        // Once printed, 2 does nothing; only 0 goes home.
        #expect(state.press(.text("2")) == [])
        #expect(state.page == .receipt)
        state.press(.text("0"))
        #expect(state.page == .home)
    }
}

/// Relevance inside repeat-group entries, applied live as the entry's answers change.
@Suite struct RepeatGroupRelevanceTests {
    /// The form of TEST-01 at its `children` group, the applicant's name already given.
    func childrenScreen() throws -> KioskState {
        var state = try freshState(catalog: try relevanceCatalog())
        state.push(.matter(code: "TEST-01"))
        state.press(.text("1"))
        #expect(state.page == .form)
        state.application?.answers["applicant"] = .text("张三")
        state.application?.step = 1
        state.prepareQuestion()
        #expect(state.text.contains("第2步/共3步"))
        return state
    }

    /// Types Latin text into the text question on screen (F2: direct input) and goes on.
    func answer(_ state: inout KioskState, _ text: String) {
        state.press(.function(2))
        state.type(text)
        state.press(.enter)
    }

    func kept(_ state: KioskState) -> [Answers] {
        let form = state.currentMatter!.form
        guard case .group(let entries)? = FormValidator.validate(state.application!.answers, form: form, today: CalendarDate(start)).answers["children"]
        else { return [] }
        return entries
    }

    @Test func aMemberIsSkippedWhileIrrelevantAndAskedOnceRelevant() throws {
        var state = try childrenScreen()
        state.press(.text("1"))
        #expect(state.application?.entry == EntryCursor(index: 0, member: 0))
        // Nothing says the child is at school yet: school and grade are not counted.
        #expect(state.text.contains("子女: 第1条  (第1项/共3项)"))
        answer(&state, "Xiaoming")
        #expect(state.application?.entry == EntryCursor(index: 0, member: 1))
        #expect(state.text.contains("是否在校") && state.text.contains("(第2项/共3项)"))
        // Live: choosing 在校 adds the two school questions to this entry's count at once, 不在校 takes them away.
        state.press(.text("1"))
        #expect(state.text.contains("(第2项/共5项)"))
        state.press(.text("2"))
        #expect(state.text.contains("(第2项/共3项)"))
        state.press(.text("1"), .enter)
        #expect(state.application?.entry == EntryCursor(index: 0, member: 3))  // past the note
        #expect(state.text.contains("就读学校") && state.text.contains("(第3项/共5项)"))
        answer(&state, "Daqiao School")
        #expect(state.application?.entry == EntryCursor(index: 0, member: 5))  // past the calculated member
        #expect(state.text.contains("年级") && state.text.contains("(第4项/共5项)"))
        state.type("13")
        state.press(.enter)
        #expect(state.text.contains("不能大于12"))
        state.press(.control("u"))
        state.type("3")
        state.press(.enter)
        #expect(state.application?.entry == EntryCursor(index: 0, member: 6))
        #expect(state.text.contains("健康状况") && state.text.contains("(第5项/共5项)"))
        state.press(.enter)
        #expect(state.application?.entry == nil)
        #expect(kept(state).first?["school"] == .text("Daqiao School"))
        #expect(kept(state).first?["grade"] == .number(3))

        // A second child not at school: from 是否在校 straight to 健康状况, and back again.
        state.press(.text("1"))
        answer(&state, "Xiaohong")
        state.press(.text("2"), .enter)
        #expect(state.application?.entry == EntryCursor(index: 1, member: 6))
        #expect(state.text.contains("子女: 第2条  (第3项/共3项)"))
        state.press(.escape)
        #expect(state.application?.entry == EntryCursor(index: 1, member: 1))
        state.press(.enter, .enter)
        #expect(state.application?.entry == nil)
        #expect(state.text.contains("已填 2 条"))
        #expect(state.application?.error == nil)
    }

    @Test func answersOfAMemberThatBecomesIrrelevantAreDroppedAndComeBackWithIt() throws {
        var state = try childrenScreen()
        state.press(.text("1"))
        answer(&state, "Xiaoming")
        state.press(.text("1"), .enter)
        answer(&state, "Daqiao School")
        state.type("3")
        state.press(.enter, .enter)
        #expect(state.text.contains("Daqiao School"))

        // 3 edits the first child: now not at school, the school questions are skipped.
        state.press(.text("3"), .enter, .text("2"), .enter)
        #expect(state.application?.entry == EntryCursor(index: 0, member: 6))
        state.press(.enter)
        #expect(state.application?.entry == nil)
        // Like the answers of a hidden top-level question: not shown, not stored.
        #expect(!state.text.contains("Daqiao School"))
        #expect(kept(state).first?["school"] == nil)
        #expect(kept(state).first?["grade"] == nil)
        #expect(kept(state).first?["at_school"] == .text("no"))

        // At school again: the earlier answers are still there to confirm.
        state.press(.text("3"), .enter, .text("1"), .enter)
        #expect(state.application?.entry == EntryCursor(index: 0, member: 3))
        #expect(state.application?.input?.text == "Daqiao School")
        state.press(.enter)
        #expect(state.application?.input?.text == "3")

        // Not at school and on to the review: the school is not among the answers to confirm.
        state.press(.escape, .escape, .text("2"), .enter, .enter)
        #expect(state.application?.entry == nil)
        state.press(.enter)
        answer(&state, "13800138000")
        #expect(state.page == .review(page: 0))
        #expect(state.text.contains("不在校"))
        #expect(!state.text.contains("Daqiao"))
    }
}

/// #17 item 10: the assistant's queue names the matter, and a digit asks before it reprints.
@Suite struct QueueReprintTests {
    func queueState() throws -> KioskState {
        var state = try freshState()
        state.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        state.press(.text("3"))
        state.handle(.queueLoaded(.success(QueueView(
            items: [try sampleSummary(), try sampleSummary(decision: .accepted)],
            stats: try JSONDecoder().decode(
                QueueStats.self,
                from: Data(#"{"total":2,"byState":{"queued":1,"acknowledged":1},"byDecision":{"accepted":1},"notPrinted":0,"purged":0}"#.utf8))))))
        return state
    }

    @Test func theQueueShowsMatterNamesNotCodes() throws {
        let state = try queueState()
        let name = try #require(demo.catalog.matter("MZ-QT-01")).name.text(.zhHans)
        #expect(state.text.contains(String(name.prefix(4))))
        #expect(!state.text.contains("MZ-QT-01"))
    }

    @Test func aDigitAsksBeforeItReprints() throws {
        var state = try queueState()
        let items = try #require(state.queue?.items)
        #expect(state.press(.text("2")) == [])
        #expect(state.text.contains("补打 \(items[1].receipt)"))
        // Any key but 1 cancels.
        #expect(state.press(.text("2")) == [])
        #expect(!state.text.contains("补打 \(items[1].receipt)"))
        #expect(state.page == .queue(page: 0))
        state.press(.text("2"))
        #expect(state.press(.text("1")) == [.reprint(items[1])])
        #expect(!state.text.contains("补打 \(items[1].receipt)"))
    }
}

/// #17 item 11: while the window is too small to show the screen, keys do not reach it.
@Suite struct TooSmallWindowTests {
    @Test func keysDoNotReachAHiddenScreen() throws {
        var state = try freshState()
        state.handle(.resize(width: 60, height: 20))
        #expect(KioskView.render(state).snapshot.contains("窗口太小"))
        #expect(state.press(.text("1")) == [])
        #expect(state.press(.text("5")) == [])
        #expect(state.page == .home)
        #expect(state.language == .zhHans)
        // Back to a usable size: keys work again.
        state.handle(.resize(width: 80, height: 24))
        state.press(.text("1"))
        #expect(state.page == .find)
        // Mid-form, a small window keeps the answers from stray keys.
        var form = try formState("MZ-QT-01")
        let before = form.application
        form.handle(.resize(width: 80, height: 10))
        form.type("zhangsan")
        form.press(.enter)
        form.handle(.resize(width: 80, height: 24))
        #expect(form.application?.answers == before?.answers)
        #expect(form.application?.step == before?.step)
        #expect(!form.text.contains("zhangsan"))
    }
}

/// #17 item 12: "send now" says to everyone that the applications are kept, and on lines of its own
/// what the assistant should do, all from the string tables, inside the notice area.
@Suite struct SyncResultWordsTests {
    func synced(_ reason: FailureReason, english: Bool = false) throws -> KioskState {
        var state = try freshState()
        state.handle(.loggedIn(.success(.success(Assistant(id: "A01", name: "王五")))))
        if english { state.press(.function(3)) }
        #expect(state.press(.text("4")) == [.syncNow])
        state.handle(.synced(key: reason.key, arguments: []))
        return state
    }

    @Test func residentAndAssistantWordsAreSeparateAndInsideTheArea() throws {
        let state = try synced(.notEnrolled)
        let lines = state.text.components(separatedBy: "\n")
        let layout = state.layout
        #expect(lines[layout.noticeRow - 1].contains("申请都安全地保存在本站"))
        #expect(lines[layout.noticeRow].contains("代办员:本站还没有在镇中心登记"))
        #expect(lines[layout.keysRow - 1].trimmingCharacters(in: .whitespaces).allSatisfy { $0 == "-" })
        #expect(!state.text.contains("enroll"))
    }

    @Test func everySyncReasonStaysAboveTheDividerInBothLanguages() throws {
        for reason in [FailureReason.centerUnreachable, .stationClockWrong, .centerRefused, .notEnrolled, .centerUnproven, .storeFailed] {
            for english in [false, true] {
                let state = try synced(reason, english: english)
                let lines = state.text.components(separatedBy: "\n")
                #expect(lines[state.layout.keysRow - 1].trimmingCharacters(in: .whitespaces).allSatisfy { $0 == "-" }, "\(reason) \(english)")
                #expect(state.notice?.detail != nil)
                #expect(state.text.contains(english ? "Assistant:" : "代办员:"), "\(reason) \(english)")
                // The whole advice is on screen, to its last word.
                let advice = try #require(state.notice?.detail)
                let last = String(advice.split(separator: " ").last ?? "").suffix(2)
                #expect(state.text.contains(last), "\(reason) \(english): \(advice)")
            }
        }
    }
}

/// #17 item 18: a receipt's QR on screen has 4 quiet modules beside it, a caption and the way out, within 80x24.
@Suite struct ReceiptQRScreenTests {
    /// A screen showing a QR as long as a real receipt's (211 characters: version 7).
    func qrState(_ text: String) throws -> KioskState {
        var state = try freshState()
        var summary = try sampleSummary()
        summary.receiptQR = text
        state.handle(.submitted(.success(stored(summary))))
        state.handle(.printed(.printed))
        state.press(.text("1"))
        return state
    }

    @Test func aRealReceiptsQRHasItsQuietZoneCaptionAndWayOutAt80x24() throws {
        let text = "BM1:" + String(repeating: "0A1B2C3D4E", count: 21) + "X"
        let matrix = try QRCode.encode(text, maxVersion: 10, level: .low)
        #expect(matrix.version == 7)
        let state = try qrState(text)
        let screen = state.text
        let rows = screen.components(separatedBy: "\n")
        #expect(rows.count == 24)
        let symbol = rows.filter { $0.contains("\u{2588}") }.map { row in
            String(row.drop { $0 == " " }.prefix { "\u{2588}\u{2580}\u{2584} ".contains($0) }.reversed().drop { $0 == " " }.reversed())
        }
        // 4 light modules left and right of the symbol on every row, and it reads back as the receipt's.
        #expect(symbol.allSatisfy { $0.hasPrefix(String(repeating: "\u{2588}", count: 4)) && $0.hasSuffix(String(repeating: "\u{2588}", count: 4)) })
        #expect(try QRMatrix(halfBlockLines: symbol, side: 4, top: 2) == matrix)
        #expect(screen.contains("这是您的回执二维码"))
        #expect(screen.contains("按任意键返回回执"))
    }

    @Test func aLargerScreenGetsTheFullQuietZone() throws {
        let text = "BM1:" + String(repeating: "0A1B2C3D4E", count: 21) + "X"
        let state = try qrState(text)
        let rows = KioskView.render(state, width: 100, height: 30).snapshot.components(separatedBy: "\n")
        let symbol = rows.filter { $0.contains("\u{2588}") }.map { row in
            String(row.drop { $0 == " " }.prefix { "\u{2588}\u{2580}\u{2584} ".contains($0) }.reversed().drop { $0 == " " }.reversed())
        }
        #expect(symbol.count == 27)
        #expect(try QRMatrix(halfBlockLines: symbol, quietZone: 4) == (try QRCode.encode(text, maxVersion: 10, level: .low)))
    }
}

/// #17 item 15: the guide starts with what a resident asks first, and a heading keeps its first lines.
@Suite struct GuideOrderTests {
    @Test func conditionsMaterialsTimeAndFeeComeFirst() throws {
        let matter = try #require(demo.catalog.matter("MZ-QT-01"))
        let zh = ServiceGuide(matter, language: .zhHans).sections.prefix(4).map(\.title)
        #expect(zh == ["受理条件", "申请材料", "办理时限", "收费"])
        let titles = ServiceGuide(matter, language: .zhHans).sections.map(\.title)
        #expect(titles.firstIndex(of: "事项编码")! > titles.firstIndex(of: "设定依据")!)
        var state = try freshState()
        state.push(.guide(code: "MZ-QT-01", page: 0))
        #expect(state.text.contains("【受理条件】"))
        #expect(!state.text.contains("【事项编码】"))
    }

    @Test func noHeadingIsLeftWithoutItsFirstLinesAtTheBottomOfAPage() throws {
        for (width, height) in [(80, 24), (120, 40), (80, 30)] {
            for language in [KioskLanguage.zhHans, .en] {
                var state = try freshState()
                state.layout = Layout(width: width, height: height)
                state.language = language
                let perPage = state.layout.linesPerPage
                for matter in demo.catalog.matters {
                    let lines = state.guideLines(matter)
                    for (index, line) in lines.enumerated() where line.hasPrefix("【") {
                        let body = lines[(index + 1)...].prefix { $0.hasPrefix("  ") }.count
                        let room = perPage - 1 - index % perPage
                        #expect(room >= min(2, body), "\(matter.code) \(language) \(width)x\(height): \(line) at line \(index)")
                    }
                }
            }
        }
    }
}

/// #17 item 16: search finds matters by everyday words too, with pinyin; categories have residents' names.
@Suite struct KeywordSearchTests {
    @Test func everydayWordsFindTheirMatters() throws {
        var state = try freshState()
        let codes = { (query: String) in state.environment.search.search(query, in: state.environment.catalog.matters).map(\.code) }
        #expect(codes("五保") == ["MZ-QR-02"])
        #expect(codes("wubao") == ["MZ-QR-02"])
        #expect(codes("tk") .contains("MZ-QR-02"))
        #expect(codes("dibao") == ["MZ-QR-01"])
        #expect(codes("低保").contains("MZ-QR-01"))
        // Through the search screen, as a resident types it.
        state.press(.text("1"), .text("3"))
        state.type("wubao")
        #expect(state.text.contains("特困人员救助供养审核"))
    }

    @Test func categoriesShowResidentsNamesBesideTheLegalOnes() throws {
        var state = try freshState()
        state.press(.text("1"), .text("2"))
        #expect(state.text.contains("资格认定(低保、工伤等) - 行政确认"))
        state.press(.text("3"))
        #expect(state.text.contains("资格认定(低保、工伤等) - 行政确认"))
    }
}

/// #17 item 19: the English table reads as plain English, not Chinese word by word.
@Suite struct PlainEnglishTests {
    @Test func noWordByWordPhrases() throws {
        let english = try #require(try freshState().environment.strings.tables[.en])
        for (key, text) in english {
            for phrase in ["Number choose", "Number select", "matter", "Matter", "Enter look up", "Esc clear ", "Assistant id", "administrator"] {
                #expect(!text.contains(phrase), "\(key): \(text)")
            }
        }
    }

    @Test func aChoiceQuestionSaysHowToChooseInEnglish() throws {
        var state = try formState("RS-GG-03")  // its first question is a choice
        state.press(.function(3))
        #expect(state.text.contains("Press a number to choose"))
    }
}
