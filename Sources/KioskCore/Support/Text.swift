import Foundation

extension String {
    /// The string without leading and trailing spaces and tabs (what `CharacterSet.whitespaces`
    /// holds, zero-width space included), without the trip through NSString that
    /// `trimmingCharacters(in:)` takes on Linux.
    public func trimmingWhitespace() -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isCommonVisible { return false }
            return scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// Whether this is a control (Cc) or format (Cf) character, which no typed answer may hold.
    public var isControlOrFormat: Bool {
        if isCommonVisible { return false }
        let category = properties.generalCategory
        return category == .control || category == .format
    }

    /// Printable ASCII other than space, or a CJK ideograph: what residents type almost always,
    /// decided without the Unicode property tables.
    var isCommonVisible: Bool { (0x21..<0x7F).contains(value) || (0x3400...0x9FFF).contains(value) }
}

extension String {
    /// The text made safe for a spreadsheet cell: a value starting with `=`, `+`, `-`, `@`, a tab or
    /// a carriage return (which Excel and LibreOffice read as a formula) gets a leading apostrophe.
    public var neutralizedForSpreadsheet: String {
        guard let first = utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first)
        else { return self }
        return "'" + self
    }

    /// The text as one CSV field: neutralized for spreadsheets, quoted as RFC 4180 asks when it holds
    /// a comma, a quote or a line break.
    public var csvField: String {
        let text = neutralizedForSpreadsheet
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Character {
    /// The value of an ASCII digit 0-9, or nil for any other character.
    public var asciiDigitValue: Int? {
        guard let ascii = asciiValue, (0x30...0x39).contains(ascii) else { return nil }
        return Int(ascii - 0x30)
    }

    /// Whether this is one of the ASCII digits 0-9.
    public var isASCIIDigit: Bool { asciiDigitValue != nil }
}

extension BinaryInteger {
    /// The number in decimal, padded with zeros on the left to at least `width` digits.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
