import Foundation
import Pinyin
import Terminal

/// Which characters a text input accepts.
public enum InputKind: Sendable, Hashable {
    /// Any text; Chinese through built-in pinyin.
    case text
    /// Letters and digits typed as they are (search, receipt numbers, scanner input).
    case plain
    /// Digits only (PINs, phone numbers, bank cards).
    case digits
    /// Digits, one `.` and a leading `-`.
    case number
    /// Digits and `-` (dates as YYYY-MM-DD or 8 digits, landline numbers).
    case digitsAndDash
    /// Digits and a final `X` (resident ID numbers); a number pad's `*` or `.` types the X.
    case idNumber
    /// Digits and upper-case letters (credit codes, assistant ids).
    case code

    /// Whether `character` may be typed into an input of this kind.
    func accepts(_ character: Character) -> Bool {
        switch self {
        case .text, .plain: true
        case .digits: character.isASCIIDigit
        case .number: character.isASCIIDigit || character == "." || character == "-"
        case .digitsAndDash: character.isASCIIDigit || character == "-"
        case .idNumber: character.isASCIIDigit || character == "X" || character == "x"
        case .code: character.isASCII && (character.isLetter || character.isNumber)
        }
    }
}

/// A one-line input: the editing state, its pinyin composer (for `.text`), and what it accepts.
public struct TextInput: Sendable {
    /// Text and cursor.
    public var field: TextFieldState
    /// Built-in pinyin, for Chinese text.
    public var composer: PinyinComposer?
    /// What may be typed.
    public let kind: InputKind
    /// Whether the last key brought more than the input takes (what did not fit was not added).
    public private(set) var overflowed = false

    /// An input holding `text`.
    public init(_ text: String = "", kind: InputKind, maxLength: Int, candidates: (any CandidateSource)?, pinyin: Bool = true) {
        field = TextFieldState(text: text, maxLength: maxLength)
        self.kind = kind
        composer = kind == .text ? candidates.map { PinyinComposer(source: $0, mode: pinyin ? .pinyin : .direct) } : nil
    }

    /// The text typed so far.
    public var text: String { field.text }

    /// Whether pinyin letters are being composed (keys belong to the composer).
    public var isComposing: Bool { composer?.isComposing ?? false }

    /// Edits with `key`; returns false for keys the input does not use (Enter, Esc, Tab...).
    public mutating func handle(_ key: KeyEvent) -> Bool {
        overflowed = false
        if let outcome = composer?.handle(key) {
            if !outcome.committed.isEmpty { insert(outcome.committed) }
            if !outcome.passThrough { return true }
        }
        switch key {
        case .text(let text), .paste(let text):
            insert(text)
            return true
        default:
            return field.apply(key)
        }
    }

    /// The number-pad keys that type the check character X into an ID number (a number pad has no letters).
    static let idNumberXKeys: Set<Character> = ["*", "."]

    /// Inserts the characters this input accepts (upper-casing codes and ID numbers).
    mutating func insert(_ text: String) {
        var text = text
        if kind == .idNumber { text = String(text.map { Self.idNumberXKeys.contains($0) ? "X" : $0 }) }
        var accepted = String(text.filter(kind.accepts))
        if kind == .code || kind == .idNumber { accepted = accepted.uppercased() }
        let before = field.text.count
        field.insert(accepted)
        // At the limit, characters are refused, never cut off silently.
        overflowed = field.isFull && field.text.count - before < accepted.count
    }
}
