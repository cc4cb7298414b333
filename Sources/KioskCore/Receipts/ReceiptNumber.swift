import Foundation

/// A receipt number a person can read out and type: `STATION-YYMMDD-SEQ-C`, e.g.
/// `XH03-261127-0007-K`, where C is the ISO 7064 MOD 37,36 check character.
public struct ReceiptNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Station code: 2–8 of A–Z and 0–9.
    public let station: String
    /// Full year, 2000...2099.
    public let year: Int
    /// Month, 1...12.
    public let month: Int
    /// Day of the month.
    public let day: Int
    /// Per-station, per-day sequence, 1...9999.
    public let sequence: Int

    /// The valid range of `sequence`.
    public static let sequenceRange = 1...9999

    /// Builds a receipt number from its parts, validating each.
    public init(station: String, year: Int, month: Int, day: Int, sequence: Int) throws(ReceiptNumberError) {
        guard Self.isValidStationCode(station) else { throw .invalidStation(station) }
        guard (2000...2099).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day)
        else { throw .invalidDate(year: year, month: month, day: day) }
        guard Self.sequenceRange.contains(sequence) else { throw .sequenceOutOfRange(sequence) }
        self.station = station
        self.year = year
        self.month = month
        self.day = day
        self.sequence = sequence
    }

    /// Builds a receipt number for the calendar day `date` falls on in `timeZone`
    /// (kiosks use Asia/Shanghai).
    public init(station: String, date: Date, timeZone: TimeZone, sequence: Int) throws(ReceiptNumberError) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        try self.init(
            station: station, year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0,
            sequence: sequence)
    }

    /// Parses typed text: case-insensitive; dashes and spaces optional; the check character
    /// must match.
    public init(parsing text: String) throws(ReceiptNumberError) {
        let compact = text.utf8.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: " "): nil
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 0x20
            default: byte
            }
        }
        // Fixed tail: 6 date digits, 4 sequence digits, 1 check character.
        let tail = 11
        guard compact.count >= tail + 2, compact.count <= tail + 8,
              compact.allSatisfy({ Self.checkValue(of: $0) != nil })
        else { throw .malformed(text) }
        let stationEnd = compact.count - tail
        let digits = compact[stationEnd..<compact.count - 1]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .malformed(text)
        }
        func number(_ range: Range<Int>) -> Int {
            compact[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let base = stationEnd
        try self.init(
            station: String(decoding: compact[..<stationEnd], as: UTF8.self),
            year: 2000 + number(base..<base + 2), month: number(base + 2..<base + 4),
            day: number(base + 4..<base + 6), sequence: number(base + 6..<base + 10))
        guard compact[compact.count - 1] == checkCharacter.asciiValue else {
            throw .checkCharacterMismatch(text)
        }
    }

    /// Parses a receipt of `station` typed as digits only, as on a number pad: the date (YYMMDD) and
    /// the 4-digit sequence, then the check character when it is a digit (`2611270007`,
    /// `261127 0007 3`); with a dash or space after the date the sequence's leading zeros may be left
    /// out (`261127-7`).
    public init(station: String, digits text: String) throws(ReceiptNumberError) {
        let groups = text.split { $0 == "-" || $0 == " " }.map(String.init)
        guard !groups.isEmpty, groups.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { throw .malformed(text) }
        let date: String
        let sequence: String
        var check: String?
        switch groups.count {
        case 1 where groups[0].count == 10 || groups[0].count == 11:
            let digits = Array(groups[0])
            date = String(digits[0..<6])
            sequence = String(digits[6..<10])
            if digits.count == 11 { check = String(digits[10]) }
        case 2 where groups[0].count == 6 && (1...4).contains(groups[1].count),
            3 where groups[0].count == 6 && (1...4).contains(groups[1].count) && groups[2].count == 1:
            date = groups[0]
            sequence = groups[1]
            check = groups.count == 3 ? groups[2] : nil
        default:
            throw .malformed(text)
        }
        let parts = Array(date).map { $0.wholeNumberValue ?? 0 }
        try self.init(
            station: station, year: 2000 + parts[0] * 10 + parts[1], month: parts[2] * 10 + parts[3], day: parts[4] * 10 + parts[5],
            sequence: Int(sequence) ?? 0)
        if let check, check != String(checkCharacter) { throw .checkCharacterMismatch(text) }
    }

    /// The ISO 7064 MOD 37,36 check character over station, date and sequence.
    public var checkCharacter: Character { Character(Unicode.Scalar(checkByte(digits: digits))) }

    /// Canonical form, e.g. `XH03-261127-0007-K`.
    public var description: String {
        let digits = digits
        var bytes = Array(station.utf8)
        bytes.append(UInt8(ascii: "-"))
        bytes += digits[..<6]
        bytes.append(UInt8(ascii: "-"))
        bytes += digits[6...]
        bytes += [UInt8(ascii: "-"), checkByte(digits: digits)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The check character's ASCII byte, given `digits`.
    private func checkByte(digits: [UInt8]) -> UInt8 { Self.mod37_36CheckCharacter(Array(station.utf8) + digits) }

    /// YYMMDD then the 4-digit sequence, as ASCII digits.
    private var digits: [UInt8] {
        let values: [Int] = [
            year % 100 / 10, year % 10, month / 10, month % 10, day / 10, day % 10,
            sequence / 1000, sequence / 100 % 10, sequence / 10 % 10, sequence % 10,
        ]
        return values.map { UInt8(ascii: "0") + UInt8($0) }
    }

    /// Whether `code` is a valid station code (2–8 of A–Z, 0–9).
    public static func isValidStationCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        return (2...8).contains(bytes.count) && bytes.allSatisfy { checkValue(of: $0) != nil }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try ReceiptNumber(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let checkAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// ISO 7064 MOD 37,36 (hybrid system) check character over uppercase alphanumerics.
    static func mod37_36CheckCharacter(_ alphanumerics: [UInt8]) -> UInt8 {
        var product = 36
        for character in alphanumerics {
            guard let value = checkValue(of: character) else { preconditionFailure("not alphanumeric") }
            var sum = (product + Int(value)) % 36
            if sum == 0 { sum = 36 }
            product = (2 * sum) % 37
        }
        return checkAlphabet[(37 - product) % 36]
    }

    private static func checkValue(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Why a receipt number could not be built or parsed.
public enum ReceiptNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The station code is not 2–8 of A–Z, 0–9.
    case invalidStation(String)
    /// No such calendar day (or a year outside 2000...2099).
    case invalidDate(year: Int, month: Int, day: Int)
    /// The sequence is outside 1...9999.
    case sequenceOutOfRange(Int)
    /// The text does not have the shape of a receipt number.
    case malformed(String)
    /// The check character does not match: a character was mistyped or two were swapped.
    case checkCharacterMismatch(String)

    /// Short Chinese message for the resident, saying what to do next.
    public var chinese: String {
        switch self {
        case .invalidStation, .invalidDate, .sequenceOutOfRange, .malformed:
            "回执编号格式不对，请对照回执重新输入。"
        case .checkCharacterMismatch:
            "回执编号有误（可能输错或颠倒了字符），请对照回执重新输入。"
        }
    }

    /// Precise English message.
    public var english: String {
        switch self {
        case .invalidStation(let code): "invalid station code \"\(code)\" (2-8 of A-Z, 0-9)"
        case .invalidDate(let year, let month, let day): "invalid date \(year)-\(month)-\(day)"
        case .sequenceOutOfRange(let sequence): "sequence \(sequence) is outside 1...9999"
        case .malformed(let text): "\"\(text)\" is not a receipt number (STATION-YYMMDD-SEQ-C)"
        case .checkCharacterMismatch(let text): "check character of \"\(text)\" does not match"
        }
    }

    public var description: String { "\(chinese) (\(english))" }
}
