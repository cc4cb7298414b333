import Foundation
import KioskCore
import Terminal

/// Everything the kiosk shows, as a value: the model of the Elm architecture.
public struct KioskState: Sendable {
    /// Station, catalog, strings.
    public let environment: KioskEnvironment
    /// The language shown.
    public var language: KioskLanguage
    /// The screen shown, with what it holds.
    public var current: ScreenState = .home
    /// Screens to go back to.
    public var backStack: [ScreenState] = []
    /// The latest time from the clock.
    public var now: Date
    /// When the last key arrived.
    public var lastInput: Date
    /// The logged-in assistant (kept across screens until logout or the idle wipe).
    public var assistant: Assistant?
    /// A one-line message above the key hints.
    public var notice: Notice?
    /// Effects started whose results have not come back (no idle wipe meanwhile).
    public var pending = 0
    /// The terminal's size.
    public var layout = Layout(width: 80, height: 24)
    /// Whether screens speak their prompts (the station's default; F5 turns it on and off).
    public var voiceOn: Bool

    /// The start state at `now`.
    public init(environment: KioskEnvironment, now: Date) {
        self.environment = environment
        language = environment.station.language
        voiceOn = environment.station.voice.enabled
        self.now = now
        lastInput = now
    }

    /// Which screen is shown.
    public var page: Page { current.page }

    /// The application being filled in, on the screens that work on one; setting it changes that screen's.
    public var application: Application? {
        get { current.application }
        set {
            guard let newValue else { return }
            switch current {
            case .form: current = .form(newValue)
            case .materials: current = .materials(newValue)
            case .review(_, let review): current = .review(newValue, review)
            case .confirm: current = .confirm(newValue)
            case .saving: current = .saving(newValue)
            default: break
            }
        }
    }

    /// A text of the kiosk's own, in the current language.
    public func t(_ key: String, _ arguments: String...) -> String {
        environment.strings.text(key, language, arguments)
    }

    /// A category as residents say it, then its legal name (行政确认 means nothing to a resident).
    public func categoryName(_ category: MatterCategory) -> String {
        t("category.\(category)") + " - " + category.rawValue
    }

    /// The current matter of the application, or of a matter/guide page.
    public var currentMatter: Matter? {
        switch current {
        case .matter(let code), .guide(let code, _): environment.catalog.matter(code)
        default: application.flatMap { environment.catalog.matter($0.matterCode) }
        }
    }

    /// Whether anything was entered that an idle wipe would clear (every input lives on a screen other than home).
    public var hasSession: Bool {
        page != .home || assistant != nil || language != environment.station.language
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

/// A one-line message above the key hints.
public struct Notice: Sendable, Hashable {
    /// The message, in the kiosk's language.
    public var text: String
    /// Whether it reports a problem (red) rather than a result (green).
    public var isError: Bool
    /// What the village assistant should do about it, on lines of its own (nil: nothing).
    public var detail: String? = nil
}
