import Foundation
import Testing
import TestSupport

import KioskCore

@Suite struct TextTests {
    /// The native trim agrees with Foundation's `trimmingCharacters(in: .whitespaces)`, which it replaces.
    @Test func trimmingWhitespaceMatchesFoundation() {
        let alphabet: [Character] = [" ", "\t", "\n", "\u{3000}", "\u{00A0}", "\u{200B}", "a", "张", "\r\n", "\u{2003}", "e\u{301}"]
        var generator = SeededGenerator.forTest()
        var samples = ["", " ", "\t\u{3000} 张三 \u{3000}", "\n张三\n", "a b", "  \u{00A0}"]
        for _ in 0..<2_000 {
            samples.append(String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            #expect(sample.trimmingWhitespace() == sample.trimmingCharacters(in: .whitespaces), "\(Array(sample.unicodeScalars))")
        }
    }

    /// The shortcut for common characters agrees with the Unicode tables on every scalar.
    @Test func controlOrFormatMatchesTheGeneralCategory() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let category = scalar.properties.generalCategory
            if scalar.isControlOrFormat != (category == .control || category == .format) {
                Issue.record("U+\(String(value, radix: 16)) \(category)")
            }
        }
    }

    @Test func asciiDigitValueIsForASCIIDigitsOnly() {
        for character in "0123456789" { #expect(character.asciiDigitValue == character.wholeNumberValue) }
        for character: Character in ["a", "X", "-", "\r\n", "٣", "４", "三", "²"] {
            #expect(character.asciiDigitValue == nil)
            #expect(!character.isASCIIDigit)
        }
    }

    @Test func zeroPaddedPadsToTheWidthOnly() {
        #expect(7.zeroPadded(2) == "07")
        #expect(26.zeroPadded(2) == "26")
        #expect(2026.zeroPadded(2) == "2026")
        #expect(5.zeroPadded(4) == "0005")
        #expect(CalendarDate(year: 2026, month: 3, day: 1)?.description == "2026-03-01")
    }
}
