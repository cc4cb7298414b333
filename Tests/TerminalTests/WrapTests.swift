import Testing

@testable import Terminal

@Suite struct WrapTests {
    @Test func wrapsLatinAtWordsAndCJKAnywhere() {
        #expect("Hello world foo".wrapped(toWidth: 11) == ["Hello world", "foo"])
        #expect("中文字符测试".wrapped(toWidth: 5) == ["中文", "字符", "测试"])
        #expect("请携带ID card".wrapped(toWidth: 8) == ["请携带ID", "card"])
        #expect("abcdefghij".wrapped(toWidth: 4) == ["abcd", "efgh", "ij"])
        #expect("a\n\nb".wrapped(toWidth: 4) == ["a", "", "b"])
    }

    @Test func keepsPunctuationWithItsWord() {
        // Without the rule: 你好 / ，世 / 界, a line starting with a comma.
        #expect("你好，世界".wrapped(toWidth: 4) == ["你", "好，", "世界"])
        #expect("我（张三）来".wrapped(toWidth: 6) == ["我（张", "三）来"])
    }

    @Test func characterModeBreaksAnywhere() {
        #expect("ab cd".wrapped(toWidth: 3, mode: .character) == ["ab", "cd"])
        #expect("你好，世界".wrapped(toWidth: 4, mode: .character) == ["你好", "，世", "界"])
    }

    @Test func mixedGuideTextAt80Columns() {
        let text = "办理城乡居民养老保险参保登记，需携带本人居民身份证（或户口簿）原件及复印件。"
            + "Residents over 60 should bring the household register (hukou) to the village service point; "
            + "代办员可以帮助您填写申请表，并在受理后打印回执。"
        let lines = text.wrapped(toWidth: 80)
        #expect(lines == [
            "办理城乡居民养老保险参保登记，需携带本人居民身份证（或户口簿）原件及复印件。",
            "Residents over 60 should bring the household register (hukou) to the village",
            "service point; 代办员可以帮助您填写申请表，并在受理后打印回执。",
        ])
        for line in lines {
            #expect(line.displayWidth <= 80)
            #expect(!(line.first.map { "，。）;".contains($0) } ?? false))
        }
        // Nothing but the spaces at the breaks is lost.
        #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " })

        var screen = Screen(width: 80, height: 24)
        let used = screen.putWrapped(text: text, row: 2, col: 0, width: 80)
        #expect(used == 3)
        #expect(screen.snapshot.split(separator: "\n", omittingEmptySubsequences: false)[2...4].map(String.init) == lines)
    }
}
