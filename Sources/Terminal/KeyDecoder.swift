// Over 300 lines in one file: the decoder's state machine and the key events it produces are one grammar.

/// A key press or input decoded from the terminal's byte stream.
public enum KeyEvent: Hashable, Sendable {
    /// Printable text: typed, committed by an input method or sent by a barcode scanner (one event
    /// per run of printable characters in one read). Never contains controls.
    case text(String)
    /// Enter (CR, LF, or CR LF from a scanner).
    case enter
    /// Tab.
    case tab
    /// Shift-Tab.
    case backTab
    /// Backspace (DEL or BS).
    case backspace
    /// Delete (forward).
    case delete
    /// Insert.
    case insert
    /// A lone Escape key, reported by `KeyDecoder.flush()` once no sequence follows.
    case escape
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Home.
    case home
    /// End.
    case end
    /// Page Up.
    case pageUp
    /// Page Down.
    case pageDown
    /// Function key F1...F12.
    case function(Int)
    /// Ctrl plus a key, as the lower-case letter or the symbol (`@`, `\`, `]`, `^`, `_`).
    case control(Character)
    /// Text pasted in bracketed-paste mode, already sanitised.
    case paste(String)
}

/// Incremental decoder from terminal input bytes to key events.
///
/// Escape sequences and UTF-8 characters may be split across reads; incomplete input is kept until
/// the next `feed`. A lone ESC cannot be told from the start of a sequence, so the caller calls
/// `flush()` after a short quiet time (`hasPendingInput` says when one is due). Every sequence that
/// is not a key the kiosk uses is swallowed whole, so it never acts as Esc or any other key and none
/// of its bytes become text: unknown CSI and SS3 sequences, Alt plus a key (ESC and one character),
/// and the string sequences OSC (`ESC ]`), DCS (`ESC P`), APC (`ESC _`), PM (`ESC ^`) and SOS
/// (`ESC X`) up to their terminator (ST, BEL, CAN or SUB; a string left open ends at the next
/// `flush()`). Invalid UTF-8 becomes U+FFFD.
public struct KeyDecoder: Sendable {
    /// Longest paste kept, in bytes; the rest of a longer paste is dropped.
    public static let maxPasteBytes = 64 * 1024
    /// Longest pasted text delivered, in characters.
    public static let maxPasteLength = 4096

    private var pending: [UInt8] = []
    private var pasting = false
    private var paste: [UInt8] = []
    private var afterCR = false
    /// Inside a string sequence (OSC, DCS, APC, PM, SOS): bytes are dropped until its terminator.
    private var inString = false

    /// Creates a decoder with no pending input.
    public init() {}

    /// Whether bytes are waiting for more input (an ESC or an incomplete sequence or character).
    public var hasPendingInput: Bool { !pending.isEmpty || inString }

    /// Decodes `bytes` together with any input left over from earlier calls.
    public mutating func feed(_ bytes: [UInt8]) -> [KeyEvent] {
        pending += bytes
        var events: [KeyEvent] = []
        var text = String.UnicodeScalarView()
        func emitText() {
            if !text.isEmpty {
                events.append(.text(String(text)))
                text = String.UnicodeScalarView()
            }
        }
        var index = 0
        decoding: while index < pending.count {
            if pasting {
                guard let end = pasteEnd(from: index) else {
                    // Keep a possible partial end marker for the next read.
                    let keep = min(pending.count - index, pasteEndMarker.count - 1)
                    appendPaste(pending[index..<(pending.count - keep)])
                    index = pending.count - keep
                    break decoding
                }
                appendPaste(pending[index..<end])
                index = end + pasteEndMarker.count
                pasting = false
                events.append(.paste(Sanitizer.clean(String(decoding: paste, as: UTF8.self), maxLength: Self.maxPasteLength)))
                paste = []
                continue
            }
            if inString {
                guard let end = stringEnd(from: index) else {
                    // All dropped, except an ESC at the very end that may start the terminator.
                    index = pending.last == 0x1B ? pending.count - 1 : pending.count
                    break decoding
                }
                index = end
                inString = false
                continue
            }
            let byte = pending[index]
            let wasAfterCR = afterCR
            afterCR = byte == 0x0D
            switch byte {
            case 0x1B:
                switch parseEscape(at: index) {
                case .incomplete:
                    break decoding
                case .sequence(let length, let event):
                    emitText()
                    if let event { events.append(event) }
                    index += length
                case .pasteStart(let length):
                    emitText()
                    pasting = true
                    index += length
                case .stringStart:
                    emitText()
                    inString = true
                    index += 2
                case .alone:
                    emitText()
                    events.append(.escape)
                    index += 1
                }
            case 0x0D:
                emitText()
                events.append(.enter)
                index += 1
            case 0x0A:
                emitText()
                if !wasAfterCR { events.append(.enter) }
                index += 1
            case 0x09:
                emitText()
                events.append(.tab)
                index += 1
            case 0x7F, 0x08:
                emitText()
                events.append(.backspace)
                index += 1
            case 0x00:
                emitText()
                events.append(.control("@"))
                index += 1
            case 0x01...0x1A:
                emitText()
                events.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                index += 1
            case 0x1C...0x1F:
                emitText()
                events.append(.control(Character(Unicode.Scalar(byte + 0x40))))
                index += 1
            case 0x20..<0x7F:
                text.append(Unicode.Scalar(byte))
                index += 1
            default:
                switch decodeUTF8(at: index) {
                case .incomplete:
                    break decoding
                case .scalar(let scalar, let length):
                    if Sanitizer.isAllowed(scalar) { text.append(scalar) }
                    index += length
                }
            }
        }
        pending.removeFirst(index)
        emitText()
        return events
    }

    /// Resolves input held back for lack of what follows: a lone ESC becomes `.escape`, an
    /// incomplete escape sequence is dropped (after its ESC is reported), an incomplete UTF-8
    /// character becomes U+FFFD. Does nothing during a bracketed paste.
    public mutating func flush() -> [KeyEvent] {
        guard !pasting else { return [] }
        if inString {
            // A string sequence left open: dropped, with the ESC that might have started its terminator.
            inString = false
            pending = []
            return []
        }
        guard !pending.isEmpty else { return [] }
        defer { pending = [] }
        if pending[0] == 0x1B { return [.escape] }
        return [.text("\u{FFFD}")]
    }

    // MARK: Escape sequences

    private let pasteEndMarker: [UInt8] = Array("\u{1B}[201~".utf8)

    private enum EscapeResult {
        case incomplete
        case alone
        case pasteStart(length: Int)
        /// `ESC` and the introducer of a string sequence: what follows is dropped up to its terminator.
        case stringStart
        /// A complete sequence; `event` is nil for sequences the kiosk ignores.
        case sequence(length: Int, event: KeyEvent?)
    }

    private func parseEscape(at start: Int) -> EscapeResult {
        guard start + 1 < pending.count else { return .incomplete }
        switch pending[start + 1] {
        case UInt8(ascii: "["):
            return parseCSI(at: start)
        case UInt8(ascii: "O"):
            guard start + 2 < pending.count else { return .incomplete }
            let event: KeyEvent? =
                switch pending[start + 2] {
                case UInt8(ascii: "A"): .up
                case UInt8(ascii: "B"): .down
                case UInt8(ascii: "C"): .right
                case UInt8(ascii: "D"): .left
                case UInt8(ascii: "H"): .home
                case UInt8(ascii: "F"): .end
                case UInt8(ascii: "M"): .enter
                case UInt8(ascii: "P"): .function(1)
                case UInt8(ascii: "Q"): .function(2)
                case UInt8(ascii: "R"): .function(3)
                case UInt8(ascii: "S"): .function(4)
                // The number pad in application mode: its keys are the characters printed on them.
                case UInt8(ascii: "p")...UInt8(ascii: "y"): .text(String(UnicodeScalar(pending[start + 2] - UInt8(ascii: "p") + UInt8(ascii: "0"))))
                case UInt8(ascii: "j"): .text("*")
                case UInt8(ascii: "k"): .text("+")
                case UInt8(ascii: "l"): .text(",")
                case UInt8(ascii: "m"): .text("-")
                case UInt8(ascii: "n"): .text(".")
                case UInt8(ascii: "o"): .text("/")
                case UInt8(ascii: "X"): .text("=")
                default: nil
                }
            return .sequence(length: 3, event: event)
        case 0x1B:
            // A second ESC: the first was the Escape key itself.
            return .alone
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
            return .stringStart
        case 0x80...:
            // Alt plus a non-ASCII character: swallowed with the whole character.
            switch decodeUTF8(at: start + 1) {
            case .incomplete: return .incomplete
            case .scalar(_, let length): return .sequence(length: 1 + length, event: nil)
            }
        default:
            // Alt plus a key (ESC and one byte): no key of the kiosk.
            return .sequence(length: 2, event: nil)
        }
    }

    /// Where the string sequence whose content starts at `start` ends (after its terminator), or nil
    /// when it does not end in the input so far. An ESC not followed by `\` ends it too, and starts
    /// a sequence of its own.
    private func stringEnd(from start: Int) -> Int? {
        var index = start
        while index < pending.count {
            switch pending[index] {
            case 0x07, 0x18, 0x1A: return index + 1
            case 0x1B:
                guard index + 1 < pending.count else { return nil }
                return pending[index + 1] == UInt8(ascii: "\\") ? index + 2 : index
            default: index += 1
            }
        }
        return nil
    }

    /// Parses `ESC [ params intermediates final`, and the Linux console's `ESC [ [ A`...`E` (F1-F5).
    private func parseCSI(at start: Int) -> EscapeResult {
        var index = start + 2
        guard index < pending.count else { return .incomplete }
        if pending[index] == UInt8(ascii: "[") {
            guard index + 1 < pending.count else { return .incomplete }
            let key = pending[index + 1]
            let event: KeyEvent? = (UInt8(ascii: "A")...UInt8(ascii: "E")).contains(key) ? .function(Int(key) - 0x40) : nil
            return .sequence(length: 4, event: event)
        }
        let parameterStart = index
        while index < pending.count, (0x30...0x3F).contains(pending[index]) { index += 1 }
        let parameterEnd = index
        while index < pending.count, (0x20...0x2F).contains(pending[index]) { index += 1 }
        guard index < pending.count else {
            // Give up on absurdly long garbage rather than buffering it forever.
            return index - start > 32 ? .sequence(length: index - start, event: nil) : .incomplete
        }
        let final = pending[index]
        let length = index - start + 1
        guard (0x40...0x7E).contains(final) else {
            // Not a valid sequence: dropped up to the byte that broke it, which is decoded normally.
            return .sequence(length: index - start, event: nil)
        }
        let parameters = String(decoding: pending[parameterStart..<parameterEnd], as: UTF8.self)
        let first = Int(parameters.split(separator: ";", omittingEmptySubsequences: false).first ?? "") ?? 0
        let event: KeyEvent?
        switch final {
        case UInt8(ascii: "A"): event = .up
        case UInt8(ascii: "B"): event = .down
        case UInt8(ascii: "C"): event = .right
        case UInt8(ascii: "D"): event = .left
        case UInt8(ascii: "H"): event = .home
        case UInt8(ascii: "F"): event = .end
        case UInt8(ascii: "Z"): event = .backTab
        case UInt8(ascii: "P"): event = .function(1)
        case UInt8(ascii: "Q"): event = .function(2)
        case UInt8(ascii: "R"): event = .function(3)
        case UInt8(ascii: "S"): event = .function(4)
        case UInt8(ascii: "~"):
            if first == 200 { return .pasteStart(length: length) }
            event = Self.tildeKeys[first]
        default: event = nil
        }
        return .sequence(length: length, event: event)
    }

    /// Keys sent as `ESC [ n ~` by xterm and the Linux console.
    private static let tildeKeys: [Int: KeyEvent] = [
        1: .home, 2: .insert, 3: .delete, 4: .end, 5: .pageUp, 6: .pageDown, 7: .home, 8: .end,
        11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
        17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
        23: .function(11), 24: .function(12),
    ]

    // MARK: Bracketed paste

    private func pasteEnd(from start: Int) -> Int? {
        let marker = pasteEndMarker
        guard pending.count - start >= marker.count else { return nil }
        for index in start...(pending.count - marker.count)
        where pending[index] == 0x1B && pending[index..<(index + marker.count)].elementsEqual(marker) {
            return index
        }
        return nil
    }

    private mutating func appendPaste(_ bytes: ArraySlice<UInt8>) {
        paste += bytes.prefix(max(0, Self.maxPasteBytes - paste.count))
    }

    // MARK: UTF-8

    private enum UTF8Result {
        case incomplete
        case scalar(Unicode.Scalar, length: Int)
    }

    /// Decodes one scalar at `start` (a byte >= 0x80); malformed input yields U+FFFD for the
    /// maximal invalid prefix, as the Unicode standard recommends.
    private func decodeUTF8(at start: Int) -> UTF8Result {
        let lead = pending[start]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return .scalar("\u{FFFD}", length: 1)
        }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            guard start + offset < pending.count else { return .incomplete }
            let byte = pending[start + offset]
            let range = offset == 1 ? secondRange : 0x80...0xBF
            guard range.contains(byte) else { return .scalar("\u{FFFD}", length: offset) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return .scalar(Unicode.Scalar(value) ?? "\u{FFFD}", length: length)
    }
}
