import Foundation
import Testing

@testable import KioskCore

@Suite struct ReceiptNumberTests {
    @Test func isoMod37_36MatchesGRidExample() {
        // The Global Release Identifier A1-2425G-ABC1234002-M uses ISO 7064 MOD 37,36.
        #expect(ReceiptNumber.mod37_36CheckCharacter(Array("A12425GABC1234002".utf8)) == UInt8(ascii: "M"))
    }

    @Test func formatsAndParsesBack() throws {
        let number = try ReceiptNumber(station: "XH03", year: 2026, month: 11, day: 27, sequence: 7)
        let text = number.description
        // Check character computed independently (Python, ISO 7064 MOD 37,36).
        #expect(text == "XH03-261127-0007-9")
        #expect(try ReceiptNumber(parsing: text) == number)
        #expect(try ReceiptNumber(parsing: text.lowercased()) == number)
        #expect(try ReceiptNumber(parsing: text.replacingOccurrences(of: "-", with: "")) == number)
        #expect(try ReceiptNumber(parsing: " xh03 261127 0007 " + String(number.checkCharacter)) == number)
    }

    /// Issue 17, item 7: a receipt of this station typed on a number pad, as date and sequence digits.
    @Test func thisStationsReceiptTypedAsDigitsOnly() throws {
        let number = try ReceiptNumber(station: "XH03", year: 2026, month: 11, day: 27, sequence: 7)
        for typed in ["2611270007", "26112700079", "261127-0007", "261127-7", "261127 7", "261127 0007 9", " 261127-0007-9 "] {
            #expect(try ReceiptNumber(station: "XH03", digits: typed) == number, "\(typed)")
        }
        #expect(throws: ReceiptNumberError.checkCharacterMismatch("26112700078")) { try ReceiptNumber(station: "XH03", digits: "26112700078") }
        for malformed in ["", "261127", "26112700", "261127000791", "2611-270007", "261127-00007", "XH03-261127-0007-9", "26112７0007"] {
            #expect(throws: ReceiptNumberError.malformed(malformed)) { try ReceiptNumber(station: "XH03", digits: malformed) }
        }
        #expect(throws: ReceiptNumberError.invalidDate(year: 2026, month: 13, day: 27)) { try ReceiptNumber(station: "XH03", digits: "2613270007") }
        #expect(throws: ReceiptNumberError.sequenceOutOfRange(0)) { try ReceiptNumber(station: "XH03", digits: "261127-0") }
    }

    @Test func dateIsTheCalendarDayInTheKioskTimeZone() throws {
        // 2026-11-26 16:30 UTC is already 27 November in Shanghai.
        let instant = Date(timeIntervalSince1970: 1_795_710_600)
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        let local = try ReceiptNumber(station: "XH03", date: instant, timeZone: shanghai, sequence: 1)
        let universal = try ReceiptNumber(station: "XH03", date: instant, timeZone: utc, sequence: 1)
        #expect((local.year, local.month, local.day) == (2026, 11, 27))
        #expect((universal.year, universal.month, universal.day) == (2026, 11, 26))
    }

    @Test func invalidPartsAreRefused() {
        #expect(throws: ReceiptNumberError.invalidStation("X")) {
            try ReceiptNumber(station: "X", year: 2026, month: 1, day: 1, sequence: 1)
        }
        #expect(throws: ReceiptNumberError.invalidStation("xh03")) {
            try ReceiptNumber(station: "xh03", year: 2026, month: 1, day: 1, sequence: 1)
        }
        #expect(throws: ReceiptNumberError.invalidStation("ABCDEFGHI")) {
            try ReceiptNumber(station: "ABCDEFGHI", year: 2026, month: 1, day: 1, sequence: 1)
        }
        #expect(throws: ReceiptNumberError.invalidDate(year: 2026, month: 2, day: 29)) {
            try ReceiptNumber(station: "XH03", year: 2026, month: 2, day: 29, sequence: 1)
        }
        #expect(throws: Never.self) { try ReceiptNumber(station: "XH03", year: 2028, month: 2, day: 29, sequence: 1) }
        #expect(throws: ReceiptNumberError.sequenceOutOfRange(0)) {
            try ReceiptNumber(station: "XH03", year: 2026, month: 1, day: 1, sequence: 0)
        }
        #expect(throws: ReceiptNumberError.sequenceOutOfRange(10_000)) {
            try ReceiptNumber(station: "XH03", year: 2026, month: 1, day: 1, sequence: 10_000)
        }
        for text in ["", "XH03", "XH03-2611A7-0007-K", "XH03-261127-00O7-K", "中03-261127-0007-K", "ABCDEFGHI-261127-0007-K"] {
            #expect(throws: ReceiptNumberError.malformed(text)) { try ReceiptNumber(parsing: text) }
        }
        // Without dashes the fields are found from the end, so a missing check character
        // shifts them and the date or check character no longer fits.
        #expect(throws: ReceiptNumberError.self) { try ReceiptNumber(parsing: "XH03-261127-0007") }
    }

    @Test func everySingleCharacterTypoIsDetected() throws {
        let number = try ReceiptNumber(station: "XH03", year: 2026, month: 11, day: 27, sequence: 7)
        let text = Array(number.description)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var tried = 0
        for index in text.indices where text[index] != "-" {
            for replacement in alphabet where replacement != text[index] {
                var typo = text
                typo[index] = replacement
                #expect(throws: ReceiptNumberError.self) { try ReceiptNumber(parsing: String(typo)) }
                tried += 1
            }
        }
        #expect(tried == 15 * 35)
        let checkTypo = String(text.dropLast()) + (text.last == "A" ? "B" : "A")
        #expect(throws: ReceiptNumberError.checkCharacterMismatch(checkTypo)) { try ReceiptNumber(parsing: checkTypo) }
    }

    @Test func everyAdjacentTranspositionIsDetected() throws {
        for sequence in [7, 1234, 9999] {
            let number = try ReceiptNumber(station: "XH03", year: 2026, month: 11, day: 27, sequence: sequence)
            let compact = Array(number.description.filter { $0 != "-" })
            for index in compact.indices.dropLast() where compact[index] != compact[index + 1] {
                var swapped = compact
                swapped.swapAt(index, index + 1)
                #expect(throws: ReceiptNumberError.self) { try ReceiptNumber(parsing: String(swapped)) }
            }
        }
    }

    @Test func codableUsesTheCanonicalText() throws {
        let number = try ReceiptNumber(station: "AB12CD34", year: 2099, month: 12, day: 31, sequence: 9999)
        let json = try JSONEncoder().encode([number])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(number.description)\"]")
        #expect(try JSONDecoder().decode([ReceiptNumber].self, from: json) == [number])
    }
}
