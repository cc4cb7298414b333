import Foundation

extension String {
    /// The string without leading and trailing spaces and tabs (what `CharacterSet.whitespaces`
    /// holds, zero-width space included), without the trip through NSString that
    /// `trimmingCharacters(in:)` takes on Linux.
    public func trimmingWhitespace() -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        return String(scalars[first...last])
    }
}

extension BinaryInteger {
    /// The number in decimal, padded with zeros on the left to at least `width` digits.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
