import Executors
import Foundation
import KioskCore
import KioskStore
import KioskUI
import QRCode
import Speech
import Terminal

/// Prints receipts, application forms and service guides (`CupsPrinter` on the station's CUPS queues).
public protocol KioskPrinting: Sendable {
    /// Prints the receipt of a stored application.
    func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult
    /// Prints the A4 application form to sign, with the validated answers in full.
    func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult
    /// Prints a matter's service guide on A4.
    func printGuide(_ matter: Matter) async -> PrintResult
    /// Prints a notice of the town on application `receipt` on A4, for the resident.
    func printNotice(_ notice: StationNotice, receipt: String) async -> PrintResult
}

/// The printer of a kiosk that has none configured: nothing is printed, and nothing pretends it was.
public struct NoPrinter: KioskPrinting {
    public init() {}
    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult { .notConfigured }
    public func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult {
        .notConfigured
    }
    public func printGuide(_ matter: Matter) async -> PrintResult { .notConfigured }
    public func printNotice(_ notice: StationNotice, receipt: String) async -> PrintResult { .notConfigured }
}

/// Forwards the queue to the town center on request (`kiosk run` wires the SyncClient forwarder).
public protocol QueueSyncing: Sendable {
    /// Forwards what is pending; returns a string key and arguments describing the outcome.
    func syncNow() async -> (key: String, arguments: [String])
}

/// The sync of a kiosk without a forwarder: says so.
public struct NoSync: QueueSyncing {
    public init() {}
    public func syncNow() async -> (key: String, arguments: [String]) { ("sync.unavailable", []) }
}

/// The runtime: owns the terminal session, the queue and the clock, runs the effects the model
/// asks for, and feeds their results back as events.
public struct KioskApp: Sendable {
    /// Station, catalog, strings.
    public let environment: KioskEnvironment
    /// Stores applications in the queue (and reads it).
    public let submitter: Submitter
    /// PIN logins.
    public let assistants: Assistants
    /// Receipts and forms.
    public let printer: any KioskPrinting
    /// Sending to the town center on request.
    public let sync: any QueueSyncing
    /// The time events carry.
    public let clock: any WallClock
    /// Says the screens' prompts (nil: the kiosk is silent).
    public let voice: VoicePlayer?

    public init(
        environment: KioskEnvironment, submitter: Submitter, assistants: Assistants, printer: any KioskPrinting = NoPrinter(),
        sync: any QueueSyncing = NoSync(), clock: any WallClock = SystemClock(), voice: VoicePlayer? = nil
    ) {
        self.environment = environment
        self.submitter = submitter
        self.assistants = assistants
        self.printer = printer
        self.sync = sync
        self.clock = clock
        self.voice = voice
    }

    /// Runs the kiosk on `session` until the terminal goes away, a termination signal arrives or the
    /// calling task is cancelled; the session is restored before this returns. The terminal reader and
    /// every effect run as child tasks of one task group: they end (or are cancelled) with the run.
    /// Each effect prefers a `BlockingWorkExecutor` of its own, so its blocking work stays off the cooperative pool.
    public func run(on session: TerminalSession) async {
        defer { session.restore() }
        let (events, sink) = AsyncStream.makeStream(of: KioskEvent?.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in session.events() {
                    switch event {
                    case .key(let key): sink.yield(.key(key))
                    case .tick: sink.yield(.tick(clock.now()))
                    case .resize(let width, let height): sink.yield(.resize(width: width, height: height))
                    case .terminated, .inputClosed: sink.yield(nil)
                    }
                }
                sink.yield(nil)
            }
            var state = KioskState(environment: environment, now: clock.now())
            let (width, height) = session.size
            state.layout = Layout(width: width, height: height)
            session.draw(KioskView.render(state))
            for effect in state.openingEffects { speak(effect) }
            for await event in events {
                guard let event else { break }
                for effect in state.handle(event) {
                    // Speech only hands the text to the voice's own thread: done here, it never waits for a task.
                    if speak(effect) { continue }
                    let executor = BlockingWorkExecutor(label: "bianmin.kiosk.effect")
                    group.addTask(executorPreference: executor) {
                        if let result = await perform(effect) { sink.yield(result) }
                        withExtendedLifetime(executor) {}  // the executor outlives every job of its task
                    }
                }
                session.draw(KioskView.render(state))
            }
            sink.finish()
            group.cancelAll()
        }
    }

    /// Performs a speech effect (false: `effect` is another kind); returns at once.
    @discardableResult
    public func speak(_ effect: Effect) -> Bool {
        switch effect {
        case .speak(let utterance): voice?.say(utterance.text, voice: utterance.language == .en ? .english : .mandarin)
        case .silence: voice?.stop()
        default: return false
        }
        return true
    }

    /// Performs one effect and returns the event that reports its outcome (nil: nothing to report).
    public func perform(_ effect: Effect) async -> KioskEvent? {
        let now = clock.now()
        switch effect {
        case .speak, .silence:
            speak(effect)
            return nil
        case .submit(let code, let answers, let channel):
            guard let matter = environment.catalog.matter(code) else {
                return .submitted(.failure(.reason(.unknownMatter)))
            }
            do {
                let summary = try submitter.submit(matter: matter, answers: answers, channel: channel).summary
                return .submitted(.success(StoredReceipt(summary: summary, qr: ReceiptQR(encoding: summary.receiptQR))))
            } catch .refused(let refusal) {
                return .submitted(.failure(.refused(refusal.message)))
            } catch {
                return .submitted(.failure(.reason(error.reason ?? .stationNotReady)))
            }
        case .printReceipt(let summary), .reprint(let summary):
            guard let matter = environment.catalog.matter(summary.matter) else { return .printed(.notConfigured) }
            let result = await printer.printReceipt(summary, matter: matter)
            switch result {
            case .printed: try? submitter.queue.setPrintState(receipt: summary.receipt, receiptPrint: .printed, at: clock.now())
            case .failed: try? submitter.queue.setPrintState(receipt: summary.receipt, receiptPrint: .failed, at: clock.now())
            case .notConfigured: break  // stays pending: an assistant reprints it
            }
            if case .reprint = effect {
                return switch result {
                case .printed: .notice(key: "reprint.done", arguments: [summary.receipt])
                case .notConfigured: .notice(key: "print.notConfigured", arguments: [])
                case .failed(let reason, _): .printProblem(reason, context: "print.applicationKept")
                }
            }
            return .printed(result)
        case .printForm(let summary, let answers):
            guard let matter = environment.catalog.matter(summary.matter) else { return .formPrinted(.notConfigured) }
            let validated = FormValidator.validate(answers, form: matter.form, today: CalendarDate(summary.createdAt)).answers
            let assistant = summary.assistantID.flatMap { id in (try? assistants.list())?.first { $0.id == id } }
            let result = await printer.printApplicationForm(summary, matter: matter, answers: validated, assistant: assistant)
            switch result {
            case .printed: try? submitter.queue.setPrintState(receipt: summary.receipt, formPrint: .printed, at: clock.now())
            case .failed: try? submitter.queue.setPrintState(receipt: summary.receipt, formPrint: .failed, at: clock.now())
            case .notConfigured: break
            }
            return .formPrinted(result)
        case .printGuide(let code):
            guard let matter = environment.catalog.matter(code) else { return .notice(key: "print.notConfigured", arguments: []) }
            return switch await printer.printGuide(matter) {
            case .printed: .notice(key: "guide.printed", arguments: [])
            case .notConfigured: .notice(key: "print.notConfigured", arguments: [])
            case .failed(let reason, _): .printProblem(reason, context: "print.guideNotPrinted")
            }
        case .lookUp(let receipt):
            do {
                let found = try submitter.queue.find(receipt: receipt)
                var notices: [StationNotice] = []
                if let found { notices = try submitter.queue.notices(receipt: found.receipt).map(\.notice) }
                return .lookedUp(.success(found), notices: notices)
            } catch {
                return .lookedUp(.failure(.reason(error.reason)), notices: [])
            }
        case .rate(let rating):
            do {
                try submitter.queue.keepRating(rating, at: now)
                return .notice(key: "rating.thanks", arguments: [])
            } catch {
                return .notice(key: "rating.failed", arguments: [])
            }
        case .printNotice(let receipt, let number, let assistant):
            guard let stored = try? submitter.queue.notice(number: number), stored.receipt == receipt else {
                return .notice(key: "print.notConfigured", arguments: [])
            }
            switch await printer.printNotice(stored.notice, receipt: receipt) {
            case .printed:
                try? submitter.queue.markNoticePrinted(number, by: assistant, at: now)
                return .notice(key: "notice.printed", arguments: [stored.notice.title])
            case .notConfigured: return .notice(key: "print.notConfigured", arguments: [])
            case .failed(let reason, _): return .printProblem(reason, context: "print.noticeNotPrinted")
            }
        case .login(let id, let pin):
            do {
                return .loggedIn(.success(try assistants.login(id: id, pin: pin, at: now)))
            } catch {
                return .loggedIn(.failure(.reason(error.reason)))
            }
        case .logout(let id, let reason):
            try? assistants.logout(id: id, reason: reason, at: now)
            return nil
        case .loadQueue:
            do {
                return .queueLoaded(.success(QueueView(items: try submitter.queue.list(limit: 63), stats: try submitter.queue.stats())))
            } catch {
                return .queueLoaded(.failure(.reason(error.reason)))
            }
        case .syncNow:
            let outcome = await sync.syncNow()
            return .synced(key: outcome.key, arguments: outcome.arguments)
        }
    }
}

extension ReceiptQR {
    /// Encodes a receipt's QR text for the screens (low error correction, version 10 at most).
    public init(encoding text: String) {
        let matrix = try? QRCode.encode(text, maxVersion: 10, level: .low)
        self.init(
            lines: matrix?.terminalHalfBlocks(quietZone: 4) ?? [], compactLines: matrix?.terminalHalfBlocks(side: 4, top: 2, bottom: 1) ?? [])
    }
}
