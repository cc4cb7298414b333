import Testing
import TestSupport

@testable import Terminal

@Suite struct KeyDecoderTests {
    /// Decodes `bytes` in one read and byte by byte; both must give `expected` (text runs joined).
    private func check(_ bytes: [UInt8], _ expected: [KeyEvent], sourceLocation: SourceLocation = #_sourceLocation) {
        var whole = KeyDecoder()
        #expect(joined(whole.feed(bytes)) == expected, sourceLocation: sourceLocation)
        var split = KeyDecoder()
        var events: [KeyEvent] = []
        for byte in bytes { events += split.feed([byte]) }
        #expect(joined(events) == expected, sourceLocation: sourceLocation)
        #expect(!split.hasPendingInput, sourceLocation: sourceLocation)
    }

    /// Merges adjacent text events (byte-by-byte feeding gives one per read).
    private func joined(_ events: [KeyEvent]) -> [KeyEvent] {
        var result: [KeyEvent] = []
        for event in events {
            if case .text(let more) = event, case .text(let text)? = result.last {
                result[result.count - 1] = .text(text + more)
            } else {
                result.append(event)
            }
        }
        return result
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func arrowsAndEditingKeysInAllForms() {
        check(bytes("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D\u{1B}OA\u{1B}OD\u{1B}[1;5C"), [.up, .down, .right, .left, .up, .left, .right])
        check(bytes("\u{1B}[H\u{1B}[F\u{1B}OH\u{1B}OF\u{1B}[1~\u{1B}[4~\u{1B}[7~\u{1B}[8~"), [.home, .end, .home, .end, .home, .end, .home, .end])
        check(bytes("\u{1B}[2~\u{1B}[3~\u{1B}[5~\u{1B}[6~\u{1B}[Z\u{1B}OM"), [.insert, .delete, .pageUp, .pageDown, .backTab, .enter])
    }

    @Test func functionKeysXtermAndLinuxConsole() {
        let xterm = "\u{1B}OP\u{1B}OQ\u{1B}OR\u{1B}OS\u{1B}[15~\u{1B}[17~\u{1B}[18~\u{1B}[19~\u{1B}[20~\u{1B}[21~\u{1B}[23~\u{1B}[24~"
        check(bytes(xterm), (1...12).map { .function($0) })
        let linux = "\u{1B}[[A\u{1B}[[B\u{1B}[[C\u{1B}[[D\u{1B}[[E\u{1B}[17~\u{1B}[18~\u{1B}[19~\u{1B}[20~\u{1B}[21~\u{1B}[23~\u{1B}[24~"
        check(bytes(linux), (1...12).map { .function($0) })
        check(bytes("\u{1B}[11~\u{1B}[12~\u{1B}[13~\u{1B}[14~\u{1B}[1;2P"), [.function(1), .function(2), .function(3), .function(4), .function(1)])
    }

    @Test func controlKeys() {
        check([0x0D, 0x0A, 0x0D, 0x0D, 0x0A, 0x0A], [.enter, .enter, .enter, .enter])
        check([0x7F, 0x08, 0x09], [.backspace, .backspace, .tab])
        check([0x01, 0x03, 0x1A, 0x1C, 0x00], [.control("a"), .control("c"), .control("z"), .control("\\"), .control("@")])
    }

    @Test func loneEscapeNeedsFlush() {
        var decoder = KeyDecoder()
        let result1 = decoder.feed([0x1B])
        #expect(result1.isEmpty)
        #expect(decoder.hasPendingInput)
        let result2 = decoder.flush()
        #expect(result2 == [.escape])
        #expect(!decoder.hasPendingInput)
        let result3 = decoder.feed([0x1B, 0x1B])
        #expect(result3 == [.escape])
        let result4 = decoder.flush()
        #expect(result4 == [.escape])
        // ESC and a letter in one read is Alt plus the letter: no key of the kiosk, swallowed whole.
        let result5 = decoder.feed(bytes("\u{1B}a"))
        #expect(result5.isEmpty)
        // An incomplete sequence that never completes counts as Escape; its rest is dropped.
        let result6 = decoder.feed(bytes("\u{1B}[1"))
        #expect(result6.isEmpty)
        let result7 = decoder.flush()
        #expect(result7 == [.escape])
        let result8 = decoder.feed(bytes("x"))
        #expect(result8 == [.text("x")])
    }

    @Test func utf8TextSplitAcrossReads() {
        check(bytes("张三 Li 3号"), [.text("张三 Li 3号")])
        check(bytes("a\u{1B}[Db"), [.text("a"), .left, .text("b")])
        var decoder = KeyDecoder()
        let zhang = bytes("张")
        let result9 = decoder.feed(Array(zhang[0..<2]))
        #expect(result9.isEmpty)
        let result10 = decoder.feed([zhang[2]] + bytes("!"))
        #expect(result10 == [.text("张!")])
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        check([0xFF, 0x41], [.text("\u{FFFD}A")])
        check([0xE4, 0x41], [.text("\u{FFFD}A")])
        check([0xC0, 0xAF], [.text("\u{FFFD}\u{FFFD}")])  // overlong "/"
        check([0xED, 0xA0, 0x80], [.text("\u{FFFD}\u{FFFD}\u{FFFD}")])  // a UTF-16 surrogate
        check([0xF4, 0x90, 0x80, 0x80], [.text("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")])  // beyond U+10FFFF
        check([0xC2, 0x9B, 0x41], [.text("A")])  // C1 CSI encoded in UTF-8 is dropped
        var decoder = KeyDecoder()
        let result11 = decoder.feed([0xE4, 0xB8])
        #expect(result11.isEmpty)
        let result12 = decoder.flush()
        #expect(result12 == [.text("\u{FFFD}")])
        // Every byte value, alone and in a random stream, decodes without trapping.
        var generator = SeededGenerator.forTest()
        for _ in 0..<200 {
            let chunk = (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for event in decoder.feed(chunk) {
                if case .text(let text) = event { #expect(text.unicodeScalars.allSatisfy(Sanitizer.isAllowed)) }
            }
        }
    }

    @Test func unknownSequencesAreDropped() {
        check(bytes("\u{1B}[?1;2c\u{1B}[>0;1;2c\u{1B}[99~x\u{1B}Oz"), [.text("x")])
    }

    /// Issue 17, item 6: a number pad in application mode sends SS3 sequences; its keys are the
    /// characters on them (`*` and `.` type the X of an ID number), never swallowed.
    @Test func numberPadInApplicationModeTypesItsCharacters() {
        check(bytes("\u{1B}Oq\u{1B}Oy\u{1B}Op\u{1B}Oj\u{1B}On"), [.text("190*.")])
        check(bytes("\u{1B}Ok\u{1B}Om\u{1B}Oo\u{1B}OX\u{1B}OM"), [.text("+-/="), .enter])
    }

    /// Issue 17: OSC, DCS, APC, PM and SOS strings are swallowed whole with either terminator, never
    /// acting as Esc and never leaving text behind.
    @Test func stringSequencesAreSwallowedWhole() {
        for introducer in ["]", "P", "_", "^", "X"] {
            for terminator in ["\u{07}", "\u{1B}\\", "\u{18}", "\u{1A}"] {
                let sequence = "\u{1B}" + introducer + "0;evil\r\u{7F}\u{08}\t1[A汉" + terminator
                check(bytes("a" + sequence + "b\r"), [.text("ab"), .enter])
            }
        }
        // Real ones: a window title (OSC 0), a clipboard write (OSC 52), a DECRQSS reply (DCS), an APC.
        check(bytes("\u{1B}]0;title\u{07}\u{1B}]52;c;ZXZpbA==\u{1B}\\\u{1B}P1$r0m\u{1B}\\\u{1B}_Gi=1;OK\u{1B}\\1"), [.text("1")])
        // An ESC inside a string that does not start ST ends it and is decoded: here the Up key.
        check(bytes("\u{1B}]0;x\u{1B}[A2"), [.up, .text("2")])
    }

    @Test func anOpenStringSequenceIsDroppedAtTheNextFlush() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("\u{1B}]0;never ends 123")).isEmpty)
        #expect(decoder.hasPendingInput)
        #expect(decoder.feed(bytes("\r456")).isEmpty)
        #expect(decoder.flush().isEmpty)
        #expect(!decoder.hasPendingInput)
        #expect(decoder.feed(bytes("7\r")) == [.text("7"), .enter])
        // Its ESC at the end of a read waits for the next: `\` makes it the terminator.
        #expect(decoder.feed(bytes("\u{1B}Pdata\u{1B}")).isEmpty)
        #expect(decoder.feed(bytes("\\8")) == [.text("8")])
    }

    @Test func altPlusAKeyIsNeverEscapeOrText() {
        check(bytes("\u{1B}a\u{1B}0\u{1B}\r\u{1B}\u{7F}\u{1B}汉\u{1B}[1;3A9"), [.up, .text("9")])
        // A CSI broken by a byte outside its grammar: dropped up to that byte.
        check(bytes("\u{1B}[12\u{7F}3"), [.backspace, .text("3")])
    }

    @Test func bracketedPasteIsSanitised() {
        let pasted = "\u{1B}[200~北京市\u{1B}[2J\u{1B}]0;title\u{07}朝阳区\r\n1号\u{202E}\u{1B}[201~"
        check(bytes(pasted + "\r"), [.paste("北京市朝阳区 1号"), .enter])
        // Keys inside a paste are text, not commands.
        check(bytes("\u{1B}[200~\u{1B}[A\u{03}ok\u{1B}[201~"), [.paste("ok")])
    }

    @Test func longPasteIsCut() {
        var decoder = KeyDecoder()
        let events = decoder.feed(bytes("\u{1B}[200~" + String(repeating: "字", count: 30_000) + "\u{1B}[201~"))
        guard case .paste(let text)? = events.first else {
            Issue.record("no paste event: \(events)")
            return
        }
        #expect(text.count == KeyDecoder.maxPasteLength)
    }

    @Test func barcodeScannerArrivesAsTextThenEnter() {
        check(bytes("BM-20261127-0042\r\n"), [.text("BM-20261127-0042"), .enter])
    }
}
