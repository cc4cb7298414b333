import Foundation
import KioskCore
import Terminal

/// Everything the kiosk shows, as a value: the model of the Elm architecture.
public struct KioskState: Sendable {
    /// Items on one page of a numbered list (1-7; 8 and 9 turn pages, 0 goes back).
    public static let pageSize = 7

    /// Station, catalog, strings.
    public let environment: KioskEnvironment
    /// The language shown.
    public var language: KioskLanguage
    /// The screen shown.
    public var page: Page
    /// Screens to go back to.
    public var backStack: [Page] = []
    /// The latest time from the clock.
    public var now: Date
    /// When the last key arrived.
    public var lastInput: Date
    /// Why a matter is being looked for.
    public var purpose: FindPurpose = .apply
    /// The application being filled in.
    public var application: Application?
    /// The search box.
    public var searchInput: TextInput
    /// The receipt box on the progress screen.
    public var receiptInput: TextInput
    /// The looked-up application (nil when the receipt is unknown here).
    public var lookup: SubmissionSummary?
    /// The logged-in assistant.
    public var assistant: Assistant?
    /// The assistant id typed at login.
    public var loginID: TextInput
    /// The PIN typed at login (never drawn, only counted).
    public var loginPIN: TextInput
    /// Which login input has the focus (0: id, 1: PIN).
    public var loginFocus = 0
    /// The stored application shown on the receipt screen.
    public var submitted: SubmissionSummary?
    /// Its receipt's QR code.
    public var receiptQR: ReceiptQR?
    /// How printing its receipt went (nil: not finished).
    public var printResult: PrintResult?
    /// How printing the A4 application form went (nil: not needed or not finished).
    public var formPrintResult: PrintResult?
    /// The assistant's queue view.
    public var queue: QueueView?
    /// A one-line message above the key hints.
    public var notice: String?
    /// Whether the message is an error (red).
    public var noticeIsError = false
    /// Effects started whose results have not come back (no idle wipe meanwhile).
    public var pending = 0
    /// The receipt number last looked up.
    public var lookupQuery: String?
    /// The terminal's width, for paging.
    public var width = 80
    /// The terminal's height, for paging.
    public var height = 24

    /// The start state at `now`.
    public init(environment: KioskEnvironment, now: Date) {
        self.environment = environment
        language = environment.station.language
        page = .home
        self.now = now
        lastInput = now
        searchInput = TextInput(kind: .text, maxLength: 20, candidates: environment.candidates, pinyin: false)
        receiptInput = TextInput(kind: .plain, maxLength: 400, candidates: nil)
        loginID = TextInput(kind: .code, maxLength: 16, candidates: nil)
        loginPIN = TextInput(kind: .digits, maxLength: 12, candidates: nil)
    }

    /// A text of the kiosk's own, in the current language.
    public func t(_ key: String, _ arguments: String...) -> String {
        environment.strings.text(key, language, arguments)
    }

    /// A text of the kiosk's own in both languages (for messages kept across a language switch).
    public func localized(_ key: String, _ arguments: String...) -> LocalizedText {
        LocalizedText(zh: environment.strings.text(key, .zhHans, arguments), en: environment.strings.text(key, .en, arguments))
    }

    /// The current matter of the application, or of a matter/guide page.
    public var currentMatter: Matter? {
        switch page {
        case .matter(let code), .guide(let code, _): environment.catalog.matter(code)
        default: application.flatMap { environment.catalog.matter($0.matterCode) }
        }
    }

    /// Whether anything was entered that an idle wipe would clear.
    public var hasSession: Bool {
        page != .home || application != nil || assistant != nil || !searchInput.text.isEmpty || !receiptInput.text.isEmpty
            || !loginID.text.isEmpty || !loginPIN.text.isEmpty || submitted != nil || language != environment.station.language
    }

    /// Seconds until the idle wipe, when the countdown is showing.
    public var countdownRemaining: Int? {
        guard hasSession, pending == 0 else { return nil }
        let remaining = environment.idleTimeout - now.timeIntervalSince(lastInput)
        guard remaining <= environment.countdown else { return nil }
        return max(0, Int(remaining.rounded(.up)))
    }

    /// Today in the county, for validation.
    var today: CalendarDate { CalendarDate(now) }
}

/// A visible question of a form.
struct Step: Hashable {
    /// Index of the top-level field.
    var field: Int
}

extension Application {
    /// The visible questions (notes included, calculated fields left out), given the answers.
    func steps(_ form: Form, today: CalendarDate) -> [Step] {
        steps(form, hidden: FormValidator.validate(answers, form: form, today: today).hidden)
    }

    /// The visible questions when the top-level fields `hidden` are not asked.
    func steps(_ form: Form, hidden: Set<String>) -> [Step] {
        form.fields.indices.compactMap { index in
            let field = form.fields[index]
            guard !hidden.contains(field.id), field.calculate == nil else { return nil }
            return Step(field: index)
        }
    }
}
