import Glibc
import Testing
import TestSupport

@testable import Terminal

@Suite struct WidthTests {
    @Test func cjkAndFullwidthTakeTwoCells() {
        #expect(displayWidth(of: Character("中")) == 2)
        #expect(displayWidth(of: Character("Ａ")) == 2)  // U+FF21 FULLWIDTH LATIN CAPITAL A
        #expect(displayWidth(of: Character("，")) == 2)
        #expect(displayWidth(of: Character("\u{3000}")) == 2)  // ideographic space
        #expect("张三".displayWidth == 4)
    }

    @Test func combiningMarksAndZeroWidthTakeNone() {
        #expect(displayWidth(of: Unicode.Scalar(0x0301)!) == 0)
        #expect(displayWidth(of: Unicode.Scalar(0x200B)!) == 0)
        #expect(displayWidth(of: Character("e\u{301}")) == 1)
        #expect("e\u{301}e\u{301}".displayWidth == 2)
    }

    @Test func ambiguousAndControlWidths() {
        // East Asian Ambiguous: one cell (…, ○, ·, and the box-drawing block).
        for scalar in ["\u{2026}", "\u{25CB}", "\u{00B7}", "\u{2500}"] as [Unicode.Scalar] {
            #expect(displayWidth(of: scalar) == 1)
        }
        for scalar in ["\u{00}", "\u{1B}", "\u{7F}", "\u{9B}"] as [Unicode.Scalar] {
            #expect(displayWidth(of: scalar) == 0)
        }
        #expect("a\u{1B}b".displayWidth == 2)
    }

    /// The compiled table must agree with glibc's `wcwidth` under C.UTF-8 for every assigned
    /// printable code point (unassigned ones, where wcwidth says -1, count as 1).
    @Test func tableAgreesWithGlibcWcwidth() {
        #expect(setlocale(LC_ALL, "C.UTF-8") != nil)
        let wcwidth = libc("wcwidth", as: (@convention(c) (Int32) -> Int32).self)
        var mismatches: [UInt32] = []
        for value in UInt32(0x20)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), !(0x7F..<0xA0).contains(value) else { continue }
            let expected = wcwidth(Int32(value))
            let actual = displayWidth(of: scalar)
            if expected >= 0 ? Int(expected) != actual : actual != 1 { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(10).map { String($0, radix: 16) })")
    }
}
