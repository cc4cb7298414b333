import Testing

@testable import Terminal

@Suite struct SanitizerTests {
    @Test func dropsControlsAndEscapeSequences() {
        #expect(Sanitizer.clean("a\u{07}b\u{7F}c\u{9B}d", maxLength: 100) == "abcd")
        #expect(Sanitizer.clean("x\u{1B}[2J\u{1B}[31mred\u{1B}[0my", maxLength: 100) == "xredy")
        // OSC title change with BEL and with ST terminators, and a charset switch.
        #expect(Sanitizer.clean("a\u{1B}]0;pwned\u{07}b\u{1B}]2;x\u{1B}\\c\u{1B}(0d", maxLength: 100) == "abcd")
    }

    @Test func dropsBidiControlsAndStrayJoiners() {
        #expect(Sanitizer.clean("abc\u{202E}fed\u{202C}", maxLength: 100) == "abcfed")
        #expect(Sanitizer.clean("\u{2066}x\u{2069}", maxLength: 100) == "x")
        #expect(Sanitizer.clean("\u{200D}\u{200D}张三", maxLength: 100) == "张三")
        // A joiner inside an emoji sequence stays.
        #expect(Sanitizer.clean("👩\u{200D}💻", maxLength: 100) == "👩\u{200D}💻")
    }

    @Test func lineBreaksAndTabsBecomeOneSpace() {
        #expect(Sanitizer.clean("北京市\r\n朝阳区\t1号", maxLength: 100) == "北京市 朝阳区 1号")
    }

    @Test func cutsToMaxLengthInCharacters() {
        #expect(Sanitizer.clean("张三李四王五", maxLength: 4) == "张三李四")
        #expect(Sanitizer.clean("e\u{301}e\u{301}e", maxLength: 2) == "e\u{301}e\u{301}")
        #expect(Sanitizer.clean("abc", maxLength: 0) == "")
    }

    @Test func keepsOrdinaryText() {
        let text = "养老保险 Yang Lao 110101199003077777 ·…（一）"
        #expect(Sanitizer.clean(text, maxLength: 100) == text)
    }
}
