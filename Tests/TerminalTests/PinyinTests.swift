#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import Pinyin
@testable import Terminal

/// Candidates from a fixed table, recording what was asked.
private struct FakeSource: CandidateSource {
    let table: [String: [String]] = [
        "zhang": ["张", "章", "长", "涨", "掌", "账", "仗"],
        "zhangs": ["张是", "张"],
        "zhangsan": ["张三", "张", "章", "涨", "长", "账", "仗"],
        "li": ["李", "里", "理"],
        "ying": ["英", "应", "鹰"],
    ]
    /// Candidates that stand for only the first letters, as the real engine gives them.
    let partial: [String: [Candidate]] = [
        "lixiuying": [Candidate("李秀英", letters: 9), Candidate("李秀", letters: 5), Candidate("李", letters: 2)],
    ]
    func candidates(for pinyin: String, limit: Int) -> [Candidate] {
        Array((partial[pinyin] ?? (table[pinyin] ?? []).map { Candidate($0, letters: pinyin.count) }).prefix(limit))
    }
}

@Suite struct PinyinComposerTests {
    private func type(_ letters: String, into composer: inout PinyinComposer) -> String {
        letters.map { composer.handle(.text(String($0))).committed }.joined()
    }

    @Test func digitPicksFromNumberedCandidates() {
        var composer = PinyinComposer(source: FakeSource())
        #expect(type("zhangsan", into: &composer) == "")
        #expect(composer.isComposing)
        #expect(composer.composition == "zhangsan")
        #expect(composer.candidateBar == "1.张三 2.张 3.章 4.涨 5.长")
        #expect(composer.pageCount == 2)
        let result1 = composer.handle(.text("2"))
        #expect(result1 == PinyinOutcome(committed: "张"))
        #expect(!composer.isComposing)
    }

    @Test func spacePicksFirstAndLettersTypedInOneReadCompose() {
        var composer = PinyinComposer(source: FakeSource())
        let result2 = composer.handle(.text("zhangsan "))
        #expect(result2 == PinyinOutcome(committed: "张三"))
        let result3 = composer.handle(.text("li1"))
        #expect(result3 == PinyinOutcome(committed: "李"))
    }

    @Test func pagesWithMinusEqualsAndPageKeys() {
        var composer = PinyinComposer(source: FakeSource())
        _ = type("zhangsan", into: &composer)
        let result4 = composer.handle(.text("="))
        #expect(result4.committed.isEmpty)
        #expect(composer.page == 1)
        #expect(composer.pageCandidates == ["账", "仗"])
        let result5 = composer.handle(.pageDown)
        #expect(result5 == PinyinOutcome())
        #expect(composer.page == 1)  // already the last page
        let result6 = composer.handle(.text("5"))
        #expect(result6 == PinyinOutcome())  // no fifth candidate here
        #expect(composer.isComposing)
        let result7 = composer.handle(.pageUp)
        #expect(result7 == PinyinOutcome())
        #expect(composer.page == 0)
        _ = composer.handle(.text("="))
        _ = composer.handle(.text("-"))
        #expect(composer.page == 0)
        _ = composer.handle(.pageDown)
        let result8 = composer.handle(.text("2"))
        #expect(result8 == PinyinOutcome(committed: "仗"))
    }

    @Test func nineCandidatesPerPage() {
        var composer = PinyinComposer(source: FakeSource(), pageSize: 9)
        _ = type("zhangsan", into: &composer)
        #expect(composer.pageCount == 1)
        let result9 = composer.handle(.text("7"))
        #expect(result9 == PinyinOutcome(committed: "仗"))
    }

    @Test func backspaceEditsPinyinAndEscapeClears() {
        var composer = PinyinComposer(source: FakeSource())
        _ = type("zhangsan", into: &composer)
        _ = composer.handle(.text("="))
        for _ in 0..<2 {
            let result10 = composer.handle(.backspace)
            #expect(result10 == PinyinOutcome())
        }
        #expect(composer.composition == "zhangs")
        #expect(composer.page == 0)
        #expect(composer.pageCandidates == ["张是", "张"])
        let result11 = composer.handle(.escape)
        #expect(result11 == PinyinOutcome())
        #expect(!composer.isComposing)
        #expect(composer.candidates.isEmpty)
        // Without a composition these keys belong to the field and the screen.
        for key: KeyEvent in [.backspace, .escape, .enter, .left, .pageDown, .tab] {
            let result12 = composer.handle(key)
            #expect(result12 == PinyinOutcome(passThrough: true))
        }
        _ = type("li", into: &composer)
        _ = composer.handle(.backspace)
        _ = composer.handle(.backspace)
        #expect(!composer.isComposing)
        let result13 = composer.handle(.backspace)
        #expect(result13.passThrough)
    }

    @Test func enterCommitsTheFirstCandidateNeverTheLetters() {
        var composer = PinyinComposer(source: FakeSource())
        _ = type("zhang", into: &composer)
        let result14 = composer.handle(.left)
        #expect(result14 == PinyinOutcome())
        let result15 = composer.handle(.enter)
        #expect(result15 == PinyinOutcome(committed: "张"))
        #expect(!composer.isComposing)
        // Letters with no candidates stay composing on Enter and Space: Backspace or Esc removes them.
        let result16 = composer.handle(.text("qqq "))
        #expect(result16 == PinyinOutcome())
        #expect(composer.handle(.enter) == PinyinOutcome())
        #expect(composer.composition == "qqq")
    }

    /// Issue 17, item 4: choosing 李秀 for `lixiuying` keeps `ying` for the next choice.
    @Test func aCandidateForTheFirstSyllablesKeepsTheRestComposing() {
        var composer = PinyinComposer(source: FakeSource())
        _ = type("lixiuying", into: &composer)
        #expect(composer.candidateBar == "1.李秀英 2.李秀 3.李")
        #expect(composer.handle(.text("2")) == PinyinOutcome(committed: "李秀"))
        #expect(composer.composition == "ying")
        #expect(composer.candidateBar == "1.英 2.应 3.鹰")
        #expect(composer.handle(.text("2")) == PinyinOutcome(committed: "应"))
        #expect(!composer.isComposing)
        // Space and Enter do the same with the first candidate; punctuation finishes the whole composition first.
        _ = type("lixiuying", into: &composer)
        #expect(composer.handle(.text("3")) == PinyinOutcome(committed: "李"))
        #expect(composer.composition == "xiuying")
        _ = composer.handle(.escape)
        _ = type("lixiuying", into: &composer)
        _ = composer.handle(.text("3"))
        #expect(composer.composition == "xiuying")
    }

    @Test func otherTextPassesStraightThrough() {
        var composer = PinyinComposer(source: FakeSource())
        let result17 = composer.handle(.text("12号"))
        #expect(result17 == PinyinOutcome(committed: "12号"))
        let result18 = composer.handle(.text("张三"))
        #expect(result18 == PinyinOutcome(committed: "张三"))  // from a real input method
        let result19 = composer.handle(.text("Li"))
        #expect(result19 == PinyinOutcome(committed: "L"))  // capitals stay Latin, then "i" composes
        #expect(composer.composition == "i")
        _ = composer.handle(.escape)
        _ = type("zhangsan", into: &composer)
        let result20 = composer.handle(.text("，"))
        #expect(result20 == PinyinOutcome(committed: "张三，"))
        _ = type("li", into: &composer)
        let result21 = composer.handle(.paste("Road 1"))
        #expect(result21 == PinyinOutcome(committed: "李Road 1"))
    }

    @Test func toggleSwitchesToDirectInput() {
        var composer = PinyinComposer(source: FakeSource())
        _ = type("li", into: &composer)
        let result22 = composer.handle(.function(2))
        #expect(result22 == PinyinOutcome(committed: "li"))
        #expect(composer.mode == .direct)
        let result23 = composer.handle(.text("zhang3"))
        #expect(result23 == PinyinOutcome(committed: "zhang3"))
        let result24 = composer.handle(.backspace)
        #expect(result24 == PinyinOutcome(passThrough: true))
        let result25 = composer.handle(.function(2))
        #expect(result25 == PinyinOutcome())
        #expect(composer.mode == .pinyin)
        var tabToggled = PinyinComposer(source: FakeSource(), toggleKey: .tab)
        _ = tabToggled.handle(.tab)
        #expect(tabToggled.mode == .direct)
    }
}

@Suite struct PinyinEngineTests {
    @Test func zhangsanOffersZhangSanFirst() throws {
        let engine = try PinyinEngine()
        let candidates = engine.candidates(for: "zhangsan", limit: 9).map(\.text)
        #expect(candidates.first == "张三")
        #expect(candidates.count == 9)
        #expect(candidates.contains("张"))
    }

    @Test func initialsFindInsuranceNames() throws {
        let engine = try PinyinEngine()
        let candidates = engine.candidates(for: "ylbx", limit: 5).map(\.text)
        #expect(candidates.contains("养老保险"))
        #expect(candidates.contains("医疗保险"))
    }

    @Test func composerWithRealDictionary() throws {
        var composer = PinyinComposer(source: try PinyinEngine())
        let result26 = composer.handle(.text("zhangsan"))
        #expect(result26 == PinyinOutcome())
        #expect(composer.pageCandidates.first == "张三")
        let result27 = composer.handle(.text("1"))
        #expect(result27 == PinyinOutcome(committed: "张三"))
    }

    @Test func theEngineSaysWhichLettersACandidateStandsFor() throws {
        let engine = try PinyinEngine()
        let candidates = engine.candidates(for: "lixiuying", limit: 90)
        #expect(candidates.first?.letters == 9)
        #expect(candidates.contains(Candidate("李秀", letters: 5)))
        #expect(candidates.contains(Candidate("李", letters: 2)))
        #expect(engine.candidates(for: "lxy", limit: 90).contains(Candidate("联系", letters: 2)))
        var composer = PinyinComposer(source: engine)
        _ = composer.handle(.text("lixiuying"))
        while !composer.pageCandidates.contains("李秀") { _ = composer.handle(.pageDown) }
        let index = try #require(composer.pageCandidates.firstIndex(of: "李秀"))
        #expect(composer.handle(.text(String(index + 1))) == PinyinOutcome(committed: "李秀"))
        #expect(composer.composition == "ying")
        #expect(composer.candidates.contains(Candidate("英", letters: 4)))
    }

    @Test func nonLettersAreIgnoredAndEmptyGivesNothing() throws {
        let engine = try PinyinEngine()
        #expect(engine.candidates(for: "", limit: 5).isEmpty)
        #expect(engine.candidates(for: "1;\u{1B}", limit: 5).isEmpty)
        #expect(engine.candidates(for: "zhang-san", limit: 1).map(\.text) == ["张三"])
        #expect(engine.candidates(for: String(repeating: "a", count: 500), limit: 3).count <= 3)
    }

    @Test func missingOrDamagedDictionaryIsATypedError() throws {
        #expect(throws: PinyinError.dictionaryMissing(path: "/nonexistent/dict_pinyin.dat")) {
            try PinyinEngine(dictionaryPath: "/nonexistent/dict_pinyin.dat")
        }
        let working = try PinyinEngine()
        let real = try contents(of: PinyinEngine.defaultDictionaryPath)
        // Garbage (whose header would make the library allocate exabytes), and a truncated copy.
        for (name, bytes) in [("garbage", Array(String(repeating: "not a dictionary", count: 10).utf8)), ("truncated", Array(real.prefix(4096)))] {
            let path = "/tmp/bianmin-\(name)-dict-\(getpid()).dat"
            try write(bytes, to: path)
            defer { unlink(path) }
            #expect(throws: PinyinError.dictionaryUnreadable(path: path)) {
                try PinyinEngine(dictionaryPath: path)
            }
            // A failed open does not break an engine that works.
            #expect(working.candidates(for: "zhangsan", limit: 1).map(\.text) == ["张三"])
        }
    }

    private func contents(of path: String) throws -> [UInt8] {
        let file = try #require(fopen(path, "rb"))
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[0..<count] }
        return bytes
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        let file = try #require(fopen(path, "wb"))
        defer { fclose(file) }
        try #require(fwrite(bytes, 1, bytes.count, file) == bytes.count)
    }
}
