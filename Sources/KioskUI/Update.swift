import Foundation
import KioskCore
import Terminal

/// The update function of the Elm architecture: a pure step from one state to the next.
public enum KioskUpdate {
    /// The state after `event`, and the effects the runtime must perform.
    public static func update(_ state: KioskState, _ event: KioskEvent) -> (KioskState, [Effect]) {
        var next = state
        let effects = next.handle(event)
        return (next, effects)
    }
}

extension KioskState {
    /// Switches between Chinese and English on any screen.
    public static let languageKey = KeyEvent.function(3)

    /// Applies one event in place; returns the effects to perform, what is to be said last.
    @discardableResult
    public mutating func handle(_ event: KioskEvent) -> [Effect] {
        // A silent kiosk does not work out what a screen would say.
        let before = voiceOn ? spokenScreen : nil
        let effects = apply(event)
        // The repeat and voice keys say what they mean themselves.
        if case .key(let key) = event, key == Self.repeatKey || key == Self.voiceKey { return effects }
        return effects + speech(from: before, after: event)
    }

    private mutating func apply(_ event: KioskEvent) -> [Effect] {
        switch event {
        case .tick(let date):
            now = date
            if hasSession, pending == 0, now.timeIntervalSince(lastInput) >= environment.idleTimeout {
                let effects: [Effect] = assistant.map { [.logout(id: $0.id, reason: "timeout")] } ?? []
                let kept = layout
                self = KioskState(environment: environment, now: date)
                layout = kept
                return effects
            }
            return []
        case .resize(let width, let height):
            layout = Layout(width: width, height: height)
            return []
        case .key(let key):
            let wasCounting = countdownRemaining != nil
            lastInput = now
            // A key during the countdown only keeps the session; so does a key while the window is too
            // small to show the screen (it must not act on a screen nobody can see).
            if wasCounting || !layout.fits { return [] }
            notice = nil
            if key == Self.languageKey {
                // Anywhere, even mid-form: the answers stay.
                language = language == .zhHans ? .en : .zhHans
                return []
            }
            if let effects = voiceKeyEffects(key) { return effects }
            return handleKey(key)
        default:
            pending = max(0, pending - 1)
            return handleOutcome(event)
        }
    }

    /// Applies what an effect reports.
    private mutating func handleOutcome(_ event: KioskEvent) -> [Effect] {
        switch event {
        case .tick, .resize, .key:
            break
        case .submitted(.success(let stored)):
            // A form to sign prints first: the receipt, printed after it, says whether it did.
            let effect: Effect =
                if case .saving(let application) = current,
                    environment.catalog.matter(application.matterCode)?.needsSignature == true
                {
                    .printForm(stored.summary, answers: application.answers)
                } else {
                    .printReceipt(stored.summary)
                }
            // The answers leave the model as soon as they are stored.
            current = .printing(ReceiptScreen(stored: stored))
            pending += 1
            return [effect]
        case .submitted(.failure(let failure)):
            push(.submitFailed(message: failure.text(environment.strings, language)))
        case .printed(let result):
            switch current {
            case .printing(var receipt), .receipt(var receipt), .receiptQR(var receipt):
                receipt.printResult = result
                current = .receipt(receipt)
                backStack = []
            default: break
            }
        case .formPrinted(let result):
            guard case .printing(var receipt) = current else { break }
            receipt.formPrintResult = result
            switch result {
            case .printed: receipt.stored.summary.formPrint = .printed
            case .failed: receipt.stored.summary.formPrint = .failed
            case .notConfigured: break
            }
            current = .printing(receipt)
            pending += 1
            return [.printReceipt(receipt.stored.summary)]
        case .lookedUp(.success(let summary), let notices):
            var query = ""
            if case .progress(let progress) = current { query = progress.query ?? "" }
            push(.progressResult(query: query, summary, notices: notices))
        case .loggedIn(.success(.success(let who))):
            assistant = who
            current = .assistantHome
            backStack = [.home]
        case .loggedIn(.success(.rejected(let left))):
            focusPIN()
            show(error: t("login.rejected", String(left)))
        case .loggedIn(.success(.locked(let until))):
            focusPIN()
            show(error: t("login.locked", String(Self.lockMinutes(until.timeIntervalSince(now)))))
        case .queueLoaded(.success(let view)):
            if case .queue(_, let page, _) = current { current = .queue(view, page: page, asking: nil) }
        case .lookedUp(.failure(let failure), _), .loggedIn(.failure(let failure)), .queueLoaded(.failure(let failure)):
            show(error: failure.text(environment.strings, language))
        case .notice(let key, let arguments):
            notice = Notice(text: environment.strings.text(key, language, arguments), isError: false)
        case .synced(let key, let arguments):
            notice = syncNotice(key, arguments)
        case .printProblem(let reason, let context):
            show(error: t(context, t(reason.key)))
        }
        return []
    }

    /// The minutes a lock has left, rounded up and at least 1, less a few seconds' grace: the lock is set
    /// on the store's clock, a moment ahead of the screen's, so a 5-minute lock just set reads 5 minutes,
    /// as the login screen promises, never 6.
    static func lockMinutes(_ seconds: TimeInterval) -> Int {
        max(1, Int(((seconds - 5) / 60).rounded(.up)))
    }

    private mutating func focusPIN() {
        if case .assistantLogin(var login) = current {
            login.focus = 1
            current = .assistantLogin(login)
        }
    }

    // MARK: - Navigation

    mutating func push(_ next: ScreenState) {
        backStack.append(current)
        current = next
    }

    mutating func back() {
        current = backStack.popLast() ?? .home
    }

    /// Back to the start screen: everything entered is dropped; the assistant stays logged in.
    mutating func goHome() {
        let kept = (assistant, language, layout, voiceOn)
        self = KioskState(environment: environment, now: now)
        (assistant, language, layout, voiceOn) = kept
    }

    mutating func show(error: String) {
        notice = Notice(text: error, isError: true)
    }

    /// The matters a list shows.
    func matters(_ filter: MatterFilter) -> [Matter] {
        environment.catalog.matters.filter { matter in
            switch filter {
            case .department(let department): matter.department == department
            case .category(let category): matter.category == category
            }
        }
    }

    /// The results of the search screen's query (none on other screens).
    var searchResults: [Matter] {
        guard case .search(_, let search) = current else { return [] }
        return environment.search.search(search.input.text, in: environment.catalog.matters)
    }
}

extension KioskState {
    /// The words for a "send now" outcome: a failure says to everyone that the applications are kept
    /// here, and on lines of its own what the assistant should do (`sync.assistant.<reason>`).
    func syncNotice(_ key: String, _ arguments: [String]) -> Notice {
        let strings = environment.strings
        guard key.hasPrefix("failure.") else { return Notice(text: strings.text(key, language, arguments), isError: false) }
        let advice = "sync.assistant." + key.dropFirst("failure.".count)
        let detail = strings.has(advice) ? strings.text(advice, language) : strings.text(key, language, arguments)
        return Notice(text: t("sync.kept"), isError: true, detail: detail)
    }
}
