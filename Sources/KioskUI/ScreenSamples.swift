import Foundation
import KioskCore
import Terminal

/// The screens a resident meets, by name: what `kiosk voice say --screen` speaks and the tests snapshot.
public enum ScreenName: String, Sendable, CaseIterable {
    case home, help, find, departments, categories, matters, search, matter, guide, form, materials, review, confirm
    case saving, receipt, receiptQR, failed, progress, progressResult, rating, login, assistant, queue
}

extension KioskState {
    /// The kiosk showing `screen` in `language`: reached from the start screen with a resident's keys
    /// where that is how one gets there, else set up with sample data (the receipt of a sample
    /// application, a sample queue). Matter screens show `matter`, or the first matter the kiosk takes.
    public static func showing(
        _ screen: ScreenName, environment: KioskEnvironment, language: KioskLanguage, now: Date, matter code: String? = nil
    ) -> KioskState {
        var state = KioskState(environment: environment, now: now)
        state.language = language
        let matter = code.flatMap(environment.catalog.matter) ?? environment.catalog.matters.first { $0.refusal == nil }
        func press(_ keys: String...) {
            for key in keys { state.handle(.key(key == "\n" ? .enter : .text(key))) }
        }
        func open(_ matter: Matter?) {
            guard let matter else { return }
            state.push(.matter(code: matter.code))
        }
        var application: Application? {
            matter.map { Application(matterCode: $0.code, answers: [:], channel: .selfService) }
        }
        let sample = SubmissionSummary.sample(station: environment.station.station.id, matter: matter?.code ?? "", at: now)
        switch screen {
        case .home: break
        case .help: press("6")
        case .find: press("1")
        case .departments: press("1", "1")
        case .categories: press("1", "2")
        case .matters: press("1", "1", "1")
        case .search: press("1", "3")
        case .matter: open(matter)
        case .guide:
            open(matter)
            press("2")
        case .form:
            open(matter)
            press("1")
        case .materials: application.map { state.push(.materials($0)) }
        case .review: application.map { state.push(.review($0, ReviewScreen())) }
        case .confirm: application.map { state.push(.confirm($0)) }
        case .saving: application.map { state.current = .saving($0) }
        case .receipt, .receiptQR:
            application.map { state.current = .saving($0) }
            state.handle(.submitted(.success(StoredReceipt(summary: sample, qr: ReceiptQR(lines: [], compactLines: [])))))
            state.handle(.printed(.printed))
            if screen == .receiptQR, case .receipt(let receipt) = state.current { state.current = .receiptQR(receipt) }
        case .failed: state.push(.submitFailed(message: state.t(FailureReason.stationNotReady.key)))
        case .progress: press("2")
        case .progressResult: state.push(.progressResult(query: sample.receipt, sample, notices: []))
        case .rating: state.push(.rating(RatingScreen(summary: sample)))
        case .login: press("4")
        case .assistant:
            state.assistant = Assistant(id: "A01", name: "")
            state.push(.assistantHome)
        case .queue:
            state.assistant = Assistant(id: "A01", name: "")
            let stats = QueueStats(total: 12, byState: [:], byDecision: [:], notPrinted: 0, oldestWaiting: nil, purged: 0)
            state.push(.queue(QueueView(items: [sample], stats: stats), page: 0, asking: nil))
        }
        state.notice = nil
        return state
    }
}

extension SubmissionSummary {
    /// A stored application of `matter` at `station`, received at `at`, still with the town center.
    static func sample(station: String, matter: String, at date: Date) -> SubmissionSummary {
        SubmissionSummary(
            uuid: UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1)), receipt: "\(station)-\(yymmdd(date))-0007-1",
            station: station, matter: matter, catalogVersion: "", channel: Channel.selfService.name, assistantID: nil, createdAt: date,
            state: .forwarded, decision: nil, decisionReason: nil, decidedAt: nil, receiptPrint: .printed, formPrint: .notRequired,
            applicantMasked: "", receiptQR: "", forwardAttempts: 1, lastError: nil, acknowledgedAt: date, purgedAt: nil)
    }
}

/// A day as a receipt number writes it (260302).
private func yymmdd(_ date: Date) -> String {
    let day = CalendarDate(date)
    return String(format: "%02d%02d%02d", day.year % 100, day.month, day.day)
}
