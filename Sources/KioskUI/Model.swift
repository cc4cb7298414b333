import Foundation
import KioskCore
import Pinyin
import Terminal

/// What the kiosk's screens need that does not change while it runs.
public struct KioskEnvironment: Sendable {
    /// The station (`kiosk.yaml`).
    public var station: StationConfig
    /// The matters offered.
    public var catalog: Catalog
    /// The kiosk's own words.
    public var strings: UIStrings
    /// Matter search by Chinese text and pinyin.
    public var search: MatterSearch
    /// Pinyin candidates for text fields; nil disables built-in pinyin input.
    public var candidates: (any CandidateSource)?
    /// Seconds without input before everything entered is wiped.
    public var idleTimeout: TimeInterval
    /// Seconds of visible countdown before the wipe.
    public var countdown: TimeInterval

    public init(
        station: StationConfig, catalog: Catalog, strings: UIStrings, search: MatterSearch, candidates: (any CandidateSource)?,
        countdown: TimeInterval = 15
    ) {
        self.station = station
        self.catalog = catalog
        self.strings = strings
        self.search = search
        self.candidates = candidates
        idleTimeout = TimeInterval(max(station.idleTimeoutSeconds, Int(countdown) + 5))
        self.countdown = countdown
    }
}

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
    /// Digits and a final `X` (resident ID numbers).
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
        if composer != nil {
            let outcome = composer!.handle(key)
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

    /// Inserts the characters this input accepts (upper-casing codes and ID numbers).
    mutating func insert(_ text: String) {
        var accepted = String(text.filter(kind.accepts))
        if kind == .code || kind == .idNumber { accepted = accepted.uppercased() }
        field.insert(accepted)
    }
}

/// One screen of the kiosk.
public enum Page: Sendable, Hashable {
    /// The start screen.
    case home
    /// How to use the kiosk.
    case help
    /// Find a matter: by department, by category, or search.
    case find
    /// The departments, paged.
    case departments(page: Int)
    /// The categories.
    case categories
    /// The matters of a department or category, paged.
    case matters(MatterFilter, page: Int)
    /// Search by Chinese text or pinyin, with live results.
    case search(page: Int)
    /// One matter: what the resident can do with it, or why the kiosk cannot take it.
    case matter(code: String)
    /// A matter's service guide, paged.
    case guide(code: String, page: Int)
    /// The current question of the application.
    case form
    /// The materials to have ready.
    case materials
    /// All answers, masked, paged.
    case review(page: Int)
    /// The last confirmation before storing.
    case confirm
    /// Storing and printing are under way.
    case working
    /// The stored application's receipt.
    case receipt
    /// The receipt's QR code, full screen, for a phone to scan.
    case receiptQR
    /// The application could not be stored.
    case submitFailed(message: String)
    /// Type or scan a receipt.
    case progress
    /// The state of a looked-up application.
    case progressResult
    /// Assistant id and PIN.
    case assistantLogin
    /// What a logged-in assistant can do.
    case assistantHome
    /// The queue, paged.
    case queue(page: Int)
}

/// Which matters a list shows.
public enum MatterFilter: Sendable, Hashable {
    case department(Department)
    case category(MatterCategory)
}

/// Why the resident is looking for a matter.
public enum FindPurpose: Sendable, Hashable {
    /// To apply.
    case apply
    /// To read its service guide.
    case guide
}

/// The application being filled in.
public struct Application: Sendable {
    /// The matter applied for.
    public var matterCode: String
    /// Answers so far (repeat groups as `.group`).
    public var answers: Answers
    /// The index of the current step among the visible steps.
    public var step: Int = 0
    /// Inside a repeat group: the entry and member being answered.
    public var entry: EntryCursor?
    /// The editing buffer of the current text-like question.
    public var input: TextInput?
    /// The highlighted choice (single choice: the selected one).
    public var choiceCursor: Int = 0
    /// The problem with the current answer, shown beside it.
    public var error: LocalizedText?
    /// The materials were confirmed.
    public var materialsConfirmed = false
    /// Who enters it.
    public var channel: Channel

    public init(matterCode: String, answers: Answers, channel: Channel) {
        self.matterCode = matterCode
        self.answers = answers
        self.channel = channel
    }
}

/// A position inside a repeat group's entry.
public struct EntryCursor: Sendable, Hashable {
    /// The entry, from 0.
    public var index: Int
    /// The member field, from 0.
    public var member: Int
}

/// The result of printing.
public enum PrintResult: Sendable, Hashable {
    /// Printed.
    case printed
    /// No printer is configured at this kiosk yet: the document is pending.
    case notConfigured
    /// Printing failed; `message` is for the resident, `detail` for the assistant.
    case failed(message: String, detail: String)
}

/// A failure reported by the runtime, with the message the resident reads.
public struct KioskFailure: Error, Sendable, Hashable {
    /// Short, in the kiosk's language, says what to do next.
    public var message: String
    public init(message: String) { self.message = message }
}

/// Something the kiosk must react to: a key, the clock, or the result of an effect.
public enum KioskEvent: Sendable {
    /// A key or text from the terminal.
    case key(KeyEvent)
    /// The clock's current time (sent every second).
    case tick(Date)
    /// The terminal's size changed.
    case resize(width: Int, height: Int)
    /// The application was stored, or not.
    case submitted(Result<StoredReceipt, KioskFailure>)
    /// The receipt was printed, or not.
    case printed(PrintResult)
    /// The A4 application form was printed, or not.
    case formPrinted(PrintResult)
    /// A receipt was looked up: nil when it is unknown here.
    case lookedUp(Result<SubmissionSummary?, KioskFailure>)
    /// A PIN login attempt's outcome.
    case loggedIn(Result<AssistantLogin, KioskFailure>)
    /// The queue for the assistant.
    case queueLoaded(Result<QueueView, KioskFailure>)
    /// A message to show (results of sync, reprint, guide printing): a string key and its arguments.
    case notice(key: String, arguments: [String])
}

/// A stored application and its receipt's QR code, as the runtime reports it.
public struct StoredReceipt: Sendable, Hashable {
    /// The stored application.
    public var summary: SubmissionSummary
    /// Its receipt's QR code, encoded once for this receipt.
    public var qr: ReceiptQR

    public init(summary: SubmissionSummary, qr: ReceiptQR) {
        self.summary = summary
        self.qr = qr
    }
}

/// A receipt's QR code as terminal half-block lines (low error correction keeps it small enough for
/// a 24-row screen; a screen is never smudged); no lines when it cannot be encoded.
public struct ReceiptQR: Sendable, Hashable {
    /// With a 2-module quiet zone.
    public var lines: [String]
    /// With a 1-module quiet zone (a receipt's QR is version 7: 24 rows that way).
    public var compactLines: [String]

    public init(lines: [String], compactLines: [String]) {
        self.lines = lines
        self.compactLines = compactLines
    }
}

/// A page of the queue, with its statistics.
public struct QueueView: Sendable, Hashable {
    /// The newest submissions.
    public var items: [SubmissionSummary]
    /// Counts over the whole queue.
    public var stats: QueueStats
    public init(items: [SubmissionSummary], stats: QueueStats) {
        self.items = items
        self.stats = stats
    }
}

/// Work the runtime does for the model; its outcome comes back as a `KioskEvent`.
public enum Effect: Sendable, Equatable {
    /// Store an application.
    case submit(matter: String, answers: Answers, channel: Channel)
    /// Print the receipt of a stored application.
    case printReceipt(SubmissionSummary)
    /// Print the A4 application form to sign (the answers leave memory once it is printed).
    case printForm(SubmissionSummary, answers: Answers)
    /// Print again (assistant).
    case reprint(SubmissionSummary)
    /// Print a service guide.
    case printGuide(matter: String)
    /// Look up a receipt number.
    case lookUp(receipt: String)
    /// Check an assistant's PIN.
    case login(id: String, pin: String)
    /// Record the end of an assistant's session.
    case logout(id: String, reason: String)
    /// Load the queue for the assistant.
    case loadQueue
    /// Forward the queue to the town center now.
    case syncNow
}
