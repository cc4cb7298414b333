import Terminal

/// What the composer did with a key.
public struct PinyinOutcome: Hashable, Sendable {
    /// Text to insert into the field now (a picked candidate, raw letters, or text that passes
    /// straight through); empty when nothing is to be inserted.
    public var committed: String
    /// True when the key was not for the composer: the caller handles it (e.g. Backspace in the
    /// field, Enter to go on, Esc to go back).
    public var passThrough: Bool

    /// Creates an outcome.
    public init(committed: String = "", passThrough: Bool = false) {
        self.committed = committed
        self.passThrough = passThrough
    }
}

/// Built-in pinyin input for a text field (pure state machine; candidates come from a
/// `CandidateSource`).
///
/// In pinyin mode, lower-case letters build up a pinyin string and the candidates for it are shown
/// in pages of `pageSize`, numbered from 1: a digit picks one, Space or Enter picks the page's
/// first, `-`/`=` or PgUp/PgDn (or Up/Down) change page, Backspace removes a letter, Esc drops the
/// composition. A candidate standing for only the first letters (`李秀` in `lixiuying`) leaves the
/// rest composing, for the next choice, as every pinyin input method does; letters without any
/// candidate stay composing (a name never gets raw pinyin). Any other character finishes the
/// composition with the first candidates and is then inserted as is, so digits, punctuation,
/// upper-case letters and text committed by a real input method pass straight through; so does
/// pasted text.
/// `toggleKey` (F2 by default: a terminal never reports Shift on its own, and Tab moves between
/// fields) switches to direct mode, where every key passes through, and back.
public struct PinyinComposer: Sendable {
    /// Whether letters are composed into Chinese or typed as they are.
    public enum Mode: Hashable, Sendable {
        /// Letters are pinyin.
        case pinyin
        /// Letters and digits are typed directly.
        case direct
    }

    /// How many candidates are fetched for one pinyin string.
    public static let maxCandidates = 90
    /// Longest pinyin string composed.
    public static let maxCompositionLength = 26

    /// Candidates per page (1...9).
    public let pageSize: Int
    /// The key that switches between pinyin and direct input.
    public let toggleKey: KeyEvent
    /// The current mode.
    public private(set) var mode: Mode
    /// The pinyin letters typed so far.
    public private(set) var composition = ""
    /// All candidates for `composition`, best first.
    public private(set) var candidates: [Candidate] = []
    /// The page shown, from 0.
    public private(set) var page = 0
    private let source: any CandidateSource

    /// A composer reading candidates from `source`.
    public init(source: any CandidateSource, pageSize: Int = 5, mode: Mode = .pinyin, toggleKey: KeyEvent = .function(2)) {
        self.source = source
        self.pageSize = min(9, max(1, pageSize))
        self.mode = mode
        self.toggleKey = toggleKey
    }

    /// Whether pinyin letters are being composed (the field should show the composition and
    /// candidates instead of moving its cursor).
    public var isComposing: Bool { !composition.isEmpty }

    /// Number of candidate pages (at least 1 while composing).
    public var pageCount: Int { max(1, (candidates.count + pageSize - 1) / pageSize) }

    /// The candidates on the current page, in order of their number (1...pageSize).
    public var pageCandidates: [String] {
        candidates.dropFirst(page * pageSize).prefix(pageSize).map(\.text)
    }

    /// The current page as one line: `1.张三 2.张 3.涨 ...`.
    public var candidateBar: String {
        pageCandidates.enumerated().map { "\($0.offset + 1).\($0.element)" }.joined(separator: " ")
    }

    /// Drops any composition (keeps the mode).
    public mutating func reset() {
        composition = ""
        candidates = []
        page = 0
    }

    /// Handles one key and says what to insert and whether the caller should handle the key too.
    public mutating func handle(_ key: KeyEvent) -> PinyinOutcome {
        if key == toggleKey {
            let committed = composition
            reset()
            mode = mode == .pinyin ? .direct : .pinyin
            return PinyinOutcome(committed: committed)
        }
        switch (key, mode, isComposing) {
        case (.text(let text), .pinyin, _):
            var committed = ""
            for character in text { committed += type(character) }
            return PinyinOutcome(committed: committed)
        case (.paste(let text), _, _):
            return PinyinOutcome(committed: finish() + text)
        case (.text(let text), .direct, _):
            return PinyinOutcome(committed: text)
        case (_, .direct, _), (_, _, false):
            return PinyinOutcome(passThrough: true)
        case (.backspace, _, true):
            composition.removeLast()
            search()
        case (.escape, _, true):
            reset()
        case (.enter, _, true):
            return PinyinOutcome(committed: pick(0))
        case (.pageUp, _, true), (.up, _, true):
            page = max(0, page - 1)
        case (.pageDown, _, true), (.down, _, true):
            page = min(pageCount - 1, page + 1)
        default:
            break  // Other keys would act on the field behind the composition: ignore them.
        }
        return PinyinOutcome()
    }

    /// Handles one typed character in pinyin mode; returns the text it commits.
    private mutating func type(_ character: Character) -> String {
        if let ascii = character.asciiValue, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(ascii) {
            if composition.count < Self.maxCompositionLength {
                composition.append(character)
                search()
            }
            return ""
        }
        guard isComposing else { return String(character) }
        switch character {
        case "1"..."9":
            let index = Int(character.asciiValue! - UInt8(ascii: "1"))
            return index < pageCandidates.count ? pick(index) : ""
        case "0":
            return ""
        case " ":
            return pick(0)
        case "-":
            page = max(0, page - 1)
            return ""
        case "=":
            page = min(pageCount - 1, page + 1)
            return ""
        default:
            return finish() + String(character)
        }
    }

    /// Commits candidate `index` of the current page; the letters it does not stand for stay composing.
    /// Nothing when there is no such candidate.
    private mutating func pick(_ index: Int) -> String {
        let shown = candidates.dropFirst(page * pageSize).prefix(pageSize)
        guard index < shown.count else { return "" }
        let candidate = shown[shown.startIndex + index]
        composition = String(composition.dropFirst(min(max(1, candidate.letters), composition.count)))
        search()
        return candidate.text
    }

    /// Ends the composition before other text: first candidates while there are any, then the
    /// letters left as typed (so nothing typed is lost or reordered).
    private mutating func finish() -> String {
        var committed = ""
        while isComposing, !candidates.isEmpty { committed += pick(0) }
        committed += composition
        reset()
        return committed
    }

    private mutating func search() {
        page = 0
        candidates = composition.isEmpty ? [] : source.candidates(for: composition, limit: Self.maxCandidates)
    }
}
