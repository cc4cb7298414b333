/// Cleans text that came from outside (keyboard, paste, scanner, files) before it is stored or drawn.
public enum Sanitizer {
    /// Returns `s` without control characters, escape sequences, DEL, C1 controls, bidi controls and
    /// stray zero-width joiners, with tabs and line breaks turned into single spaces, cut to at most
    /// `maxLength` characters (grapheme clusters).
    public static func clean(_ s: String, maxLength: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = s.unicodeScalars.makeIterator()
        var previous: Unicode.Scalar?
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                skipEscapeSequence(&iterator)
                continue
            }
            if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                if let last = scalars.last, last != " " { scalars.append(" ") }
                previous = " "
                continue
            }
            // A joiner only makes sense between two visible characters (emoji sequences, some scripts).
            if scalar == "\u{200D}" && (previous == nil || previous == " " || previous == "\u{200D}") { continue }
            guard isAllowed(scalar) else { continue }
            scalars.append(scalar)
            previous = scalar
        }
        var result = String(scalars)
        if result.count > maxLength { result = String(result.prefix(max(0, maxLength))) }
        return result
    }

    /// Whether a scalar may be stored or drawn: false for C0/C1 controls, DEL, bidi embedding,
    /// override and isolate controls, and noncharacters.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0: false
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: false
        case 0xFDD0...0xFDEF, 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// Consumes the rest of an escape sequence (CSI, OSC/DCS/APC/PM/SOS strings, or a two-byte form)
    /// whose ESC was just read.
    private static func skipEscapeSequence(_ iterator: inout String.UnicodeScalarView.Iterator) {
        guard let introducer = iterator.next() else { return }
        switch introducer {
        case "[":
            // Parameters and intermediates, then one final byte in 0x40...0x7E.
            while let scalar = iterator.next() {
                if (0x40...0x7E).contains(scalar.value) || !(0x20...0x3F).contains(scalar.value) { return }
            }
        case "]", "P", "X", "^", "_":
            // Strings run until BEL or ST (ESC \).
            while let scalar = iterator.next() {
                if scalar == "\u{07}" { return }
                if scalar == "\u{1B}" { _ = iterator.next(); return }
            }
        case "(", ")", "*", "+", "#", "%", " ":
            _ = iterator.next()
        default:
            return
        }
    }
}
