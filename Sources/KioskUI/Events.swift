import Foundation
import KioskCore
import Terminal

/// The result of printing.
public enum PrintResult: Sendable, Hashable {
    /// Printed.
    case printed
    /// No printer is configured at this kiosk yet: the document is pending.
    case notConfigured
    /// Printing failed: `reason` is put into words for the resident, `detail` is for the assistant.
    case failed(reason: FailureReason, detail: String)
}

/// A failure reported by the runtime: a reason the screens put into words, or a catalog refusal with its own.
public enum KioskFailure: Error, Sendable, Hashable {
    /// A reason from the string tables (`failure.<reason>`).
    case reason(FailureReason)
    /// The catalog's own words for a matter the kiosk does not take.
    case refused(LocalizedText)

    /// What the resident reads, in `language`.
    public func text(_ strings: UIStrings, _ language: KioskLanguage) -> String {
        switch self {
        case .reason(let reason): strings.text(reason.key, language)
        case .refused(let words): words.text(language)
        }
    }
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
    case lookedUp(Result<SubmissionSummary?, KioskFailure>, notices: [StationNotice] = [])
    /// A PIN login attempt's outcome.
    case loggedIn(Result<AssistantLogin, KioskFailure>)
    /// The queue for the assistant.
    case queueLoaded(Result<QueueView, KioskFailure>)
    /// A message to show (results of reprint, guide printing): a string key and its arguments.
    case notice(key: String, arguments: [String])
    /// The outcome of "send now": `sync.*` or a `failure.*` string key, and its arguments.
    case synced(key: String, arguments: [String])
    /// A reprint or a service guide did not print, for `reason`; `context` is the string key of the
    /// sentence that puts it into words (`print.applicationKept`, `print.guideNotPrinted`).
    case printProblem(FailureReason, context: String)
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
    /// With the standard's 4-module quiet zone all around.
    public var lines: [String]
    /// With 4 quiet modules left and right, 2 above and 1 below (a receipt's QR is version 7: 24 rows that way).
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
    /// Print the A4 application form to sign, before the receipt (the answers leave memory once it is printed).
    case printForm(SubmissionSummary, answers: Answers)
    /// Print again (assistant).
    case reprint(SubmissionSummary)
    /// Print a service guide.
    case printGuide(matter: String)
    /// Look up a receipt number.
    case lookUp(receipt: String)
    /// Keep a resident's rating of a decided application, to send to the town.
    case rate(CaseRating)
    /// Print the town's notice `number` on application `receipt` for the resident, handed over by `assistant`.
    case printNotice(receipt: String, number: String, assistant: String?)
    /// Check an assistant's PIN.
    case login(id: String, pin: String)
    /// Record the end of an assistant's session.
    case logout(id: String, reason: String)
    /// Load the queue for the assistant.
    case loadQueue
    /// Forward the queue to the town center now.
    case syncNow
    /// Say this aloud, stopping whatever is being said.
    case speak(Utterance)
    /// Stop what is being said.
    case silence
}
