/// A mainland resident ID number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.
public struct ResidentID: Sendable, Hashable, CustomStringConvertible {
    /// The 18 characters, with an upper-case `X` where the check character is ten.
    public let value: String
    /// The date of birth encoded in characters 7-14.
    public let birthDate: CalendarDate
    /// The sex encoded by the parity of the 17th digit.
    public let sex: Sex

    /// Male or female, as the ID number encodes it.
    public enum Sex: String, Sendable { case male, female }

    /// Why a string is not a valid ID number.
    public enum Problem: Error, Sendable, Equatable {
        case length(Int)
        case characters
        case region
        case birthDate
        case futureBirthDate
        case checkCharacter(expected: Character)
    }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
    private static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ]

    /// The check character for the first 17 digits.
    public static func checkCharacter(for first17: some Collection<Character>) -> Character? {
        guard first17.count == 17 else { return nil }
        var digits: [Int] = []
        for character in first17 {
            guard let digit = character.asciiDigitValue else { return nil }
            digits.append(digit)
        }
        return checkCharacter(digits: digits)
    }

    private static func checkCharacter(digits: some Sequence<Int>) -> Character {
        checkCharacters[zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
    }

    /// Validates `text` (a lower-case `x` is accepted); `today` bounds the birth date.
    public init(_ text: String, today: CalendarDate) throws(Problem) {
        // Digit values, with 10 for the check character X; worked on bytes, as only ASCII is valid.
        let bytes = Array(text.utf8)
        guard bytes.count == 18, bytes.allSatisfy({ $0 < 0x80 }) else {
            let count = text.count
            throw count == 18 ? .characters : .length(count)
        }
        let digits = bytes.map { byte in (0x30...0x39).contains(byte) ? Int(byte - 0x30) : byte | 0x20 == UInt8(ascii: "x") ? 10 : -1 }
        guard digits[..<17].allSatisfy({ $0 >= 0 && $0 < 10 }), digits[17] >= 0 else { throw .characters }
        guard ResidentID.provinces.contains(digits[0] * 10 + digits[1]) else { throw .region }
        let year = digits[6...9].reduce(0) { $0 * 10 + $1 }
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        guard year >= 1800, let birth = CalendarDate(year: year, month: month, day: day) else { throw .birthDate }
        guard birth <= today else { throw .futureBirthDate }
        let expected = ResidentID.checkCharacter(digits: digits[..<17])
        let last: Character = digits[17] == 10 ? "X" : Character(Unicode.Scalar(bytes[17]))
        guard last == expected else { throw .checkCharacter(expected: expected) }
        value = String(decoding: bytes[..<17], as: UTF8.self) + String(last)
        birthDate = birth
        sex = digits[16] % 2 == 1 ? .male : .female
    }

    /// Whole years of age on `date`.
    public func age(on date: CalendarDate) -> Int { birthDate.years(until: date) }

    public var description: String { value }
}

extension ResidentID.Problem {
    /// A short message for a person.
    public var message: LocalizedText {
        switch self {
        case .length(let n):
            LocalizedText(zh: "身份证号码应为18位,现在是\(n)位", en: "An ID number has 18 characters, not \(n)")
        case .characters:
            LocalizedText(zh: "身份证号码只能是数字,最后一位可以是X", en: "An ID number is digits, the last may be X")
        case .region:
            LocalizedText(zh: "身份证号码的地区码不对,请核对", en: "The region code of the ID number is wrong")
        case .birthDate:
            LocalizedText(zh: "身份证号码中的出生日期不对,请核对", en: "The birth date in the ID number is not valid")
        case .futureBirthDate:
            LocalizedText(zh: "身份证号码中的出生日期在今天以后,请核对", en: "The birth date in the ID number is in the future")
        case .checkCharacter:
            LocalizedText(zh: "身份证号码最后一位(校验码)不对,请逐位核对", en: "The check character of the ID number is wrong; check each digit")
        }
    }
}
