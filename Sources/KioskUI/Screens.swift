import Foundation
import KioskCore
import Pinyin
import Terminal

/// The screen shown and what that screen needs, one case per screen (the Elm way): a screen holds
/// its own inputs and results, so no other screen's leftovers can be drawn or sent.
public enum ScreenState: Sendable {
    /// The start screen.
    case home
    /// How to use the kiosk.
    case help
    /// Find a matter: by department, by category, or search.
    case find(FindPurpose)
    /// The departments, paged.
    case departments(FindPurpose, page: Int)
    /// The categories.
    case categories(FindPurpose)
    /// The matters of a department or category, paged.
    case matters(FindPurpose, MatterFilter, page: Int)
    /// Search by Chinese text or pinyin, with live results.
    case search(FindPurpose, SearchScreen)
    /// One matter: what the resident can do with it, or why the kiosk cannot take it.
    case matter(code: String)
    /// A matter's service guide, paged.
    case guide(code: String, page: Int)
    /// The current question of the application.
    case form(Application)
    /// The materials to have ready.
    case materials(Application)
    /// All answers, numbered, masked unless the resident asks to see them in full, paged.
    case review(Application, ReviewScreen)
    /// The last confirmation before storing.
    case confirm(Application)
    /// The application is being stored.
    case saving(Application)
    /// The receipt is being printed.
    case printing(ReceiptScreen)
    /// The stored application's receipt.
    case receipt(ReceiptScreen)
    /// The receipt's QR code, full screen, for a phone to scan.
    case receiptQR(ReceiptScreen)
    /// The application could not be stored.
    case submitFailed(message: String)
    /// Type or scan a receipt.
    case progress(ProgressScreen)
    /// The state of a looked-up application (nil when the receipt is unknown here), with the town's
    /// notices on it (key 5 prints the latest for the resident).
    case progressResult(query: String, SubmissionSummary?, notices: [StationNotice])
    /// The resident rates the service on a decided application (好差评).
    case rating(RatingScreen)
    /// Assistant id and PIN.
    case assistantLogin(LoginScreen)
    /// What a logged-in assistant can do.
    case assistantHome
    /// The queue (nil while it loads), paged; `asking` is the item whose reprint waits for a yes.
    case queue(QueueView?, page: Int, asking: Int?)

    /// Which screen this is.
    public var page: Page {
        switch self {
        case .home: .home
        case .help: .help
        case .find: .find
        case .departments(_, let page): .departments(page: page)
        case .categories: .categories
        case .matters(_, let filter, let page): .matters(filter, page: page)
        case .search(_, let search): .search(page: search.page)
        case .matter(let code): .matter(code: code)
        case .guide(let code, let page): .guide(code: code, page: page)
        case .form: .form
        case .materials: .materials
        case .review(_, let review): .review(page: review.page)
        case .confirm: .confirm
        case .saving, .printing: .working
        case .receipt: .receipt
        case .receiptQR: .receiptQR
        case .submitFailed(let message): .submitFailed(message: message)
        case .progress: .progress
        case .progressResult: .progressResult
        case .rating(let rating): .rating(reasons: rating.level != nil)
        case .assistantLogin: .assistantLogin
        case .assistantHome: .assistantHome
        case .queue(_, let page, _): .queue(page: page)
        }
    }

    /// The application this screen works on, if any.
    public var application: Application? {
        switch self {
        case .form(let application), .materials(let application), .review(let application, _), .confirm(let application),
            .saving(let application):
            application
        default: nil
        }
    }
}

/// The search screen: the query box and the page of results.
public struct SearchScreen: Sendable {
    /// The search box.
    public var input: TextInput
    /// The page of results shown.
    public var page = 0

    init(candidates: (any CandidateSource)?) {
        input = TextInput(kind: .text, maxLength: 20, candidates: candidates, pinyin: false)
    }
}

/// The review: its page, whether the answers show in full, and the number of a question to correct as typed.
public struct ReviewScreen: Sendable, Hashable {
    /// The page shown.
    public var page = 0
    /// Whether the answers show in full (on this screen only: leaving it masks them again).
    public var revealed = false
    /// The digits of the number of the question to correct.
    public var number = ""
}

/// The progress screen: the receipt box, and the receipt number being looked up.
public struct ProgressScreen: Sendable {
    /// The receipt box.
    public var input = TextInput(kind: .plain, maxLength: 400, candidates: nil)
    /// The receipt number last sent to be looked up.
    public var query: String?
}

/// The rating screen: first the level (one key), then, for a bad one, the reasons.
public struct RatingScreen: Sendable, Hashable {
    /// The application rated.
    public var summary: SubmissionSummary
    /// The level chosen; nil while it is asked for.
    public var level: RatingLevel?
    /// The reasons ticked.
    public var reasons: Set<RatingReason> = []

    public init(summary: SubmissionSummary) { self.summary = summary }
}

/// The assistant login screen.
public struct LoginScreen: Sendable {
    /// The assistant id typed.
    public var id = TextInput(kind: .code, maxLength: 16, candidates: nil)
    /// The PIN typed (never drawn, only counted).
    public var pin = TextInput(kind: .digits, maxLength: 12, candidates: nil)
    /// Which input has the focus (0: id, 1: PIN).
    public var focus = 0
}

/// A stored application while its receipt prints and after.
public struct ReceiptScreen: Sendable {
    /// The stored application and its receipt's QR code.
    public var stored: StoredReceipt
    /// How printing its receipt went (nil: not finished).
    public var printResult: PrintResult?
    /// How printing the A4 application form went (nil: not needed or not finished).
    public var formPrintResult: PrintResult?
}

/// Which screen is shown, without what it holds (for navigation checks and tests).
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
    /// Rating the service: the level, or (`reasons`) what was not satisfactory.
    case rating(reasons: Bool)
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
    /// Who enters it.
    public var channel: Channel
    /// How many steps the form had when it started (the matter screen's count), to explain a change.
    public var startingSteps = 0
    /// Whether a question is being corrected from the review (the form returns there once it is complete).
    public var correcting = false
    /// Whether the resident is asked to confirm leaving the form, which drops its answers.
    public var confirmingLeave = false

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
