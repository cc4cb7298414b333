import Foundation
import KioskCore
import Terminal

/// Words the kiosk says aloud, in the language they are written in.
public struct Utterance: Sendable, Hashable {
    /// What is said.
    public var text: String
    /// Its language (the voice that says it).
    public var language: KioskLanguage

    public init(text: String, language: KioskLanguage) {
        self.text = text
        self.language = language
    }
}

/// What a screen says: its prompt (said on entering it) and a message that appeared on it (said when it
/// appears; a message going away says nothing, so typing after an error is not talked over).
struct SpokenScreen: Equatable {
    var prompt: String
    var alert: String?
}

extension KioskState {
    /// Repeats what the screen says (F4).
    public static let repeatKey = KeyEvent.function(4)
    /// Turns spoken prompts on and off (F5).
    public static let voiceKey = KeyEvent.function(5)

    /// What the screen shown says in full: a message on it, then its prompt (nil: nothing to say).
    /// Never an answer: labels, hints and choices come from the catalog and the string tables.
    public var spokenPrompt: Utterance? { utterance(spokenScreen) }

    /// What `spoken` says in full: its message, then its prompt.
    private func utterance(_ spoken: SpokenScreen) -> Utterance? {
        let text = [spoken.alert, spoken.prompt].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? nil : Utterance(text: text, language: language)
    }

    /// What the kiosk says when it starts.
    public var openingEffects: [Effect] {
        guard voiceOn, let prompt = spokenPrompt else { return [] }
        return [.speak(prompt)]
    }

    /// The speech that follows an event: a screen whose prompt changed says it (with its message), a
    /// new message alone is said alone, and any other key silences what is being said. `before` is nil
    /// when the voice was off before the event (nothing is said then).
    func speech(from before: SpokenScreen?, after event: KioskEvent) -> [Effect] {
        guard voiceOn, let before else { return [] }
        let after = spokenScreen
        if after.prompt != before.prompt || (after.alert != nil && after.alert != before.alert) {
            let said = after.prompt != before.prompt ? utterance(after) : after.alert.map { Utterance(text: $0, language: language) }
            return [said.map(Effect.speak) ?? .silence]
        }
        if case .key = event { return [.silence] }
        return []
    }

    /// Handles the repeat and voice keys (nil: `key` is neither).
    mutating func voiceKeyEffects(_ key: KeyEvent) -> [Effect]? {
        switch key {
        case Self.repeatKey:
            return spokenPrompt.map { [.speak($0)] } ?? []
        case Self.voiceKey:
            voiceOn.toggle()
            notice = Notice(text: t(voiceOn ? "voice.on" : "voice.off"), isError: false)
            guard voiceOn else { return [.silence] }
            return spokenPrompt.map { [.speak($0)] } ?? []
        default:
            return nil
        }
    }

    var spokenScreen: SpokenScreen {
        guard layout.fits else { return SpokenScreen(prompt: t("voice.tooSmall")) }
        var alert = notice?.text
        if countdownRemaining != nil { alert = t("voice.countdown") }
        if let error = application?.error { alert = error.text(language) }
        if application?.confirmingLeave == true { return SpokenScreen(prompt: t("form.leave") + " " + t("voice.leave"), alert: alert) }
        return SpokenScreen(prompt: spokenPromptOfScreen, alert: alert)
    }

    /// "Press 1 for ..." for each numbered choice.
    private func choices(_ items: [(String, String)]) -> String {
        items.map { t("voice.choice", $0.0, $0.1) }.joined(separator: " ")
    }

    /// A numbered list's page as choices, with the page keys and the way back.
    private func listChoices(_ items: [String], page: Int) -> String {
        let (shown, page, pages) = Layout.listPage(items, page: page)
        var said = choices(shown.enumerated().map { (String($0.offset + 1), $0.element) })
        if pages > 1 { said += " " + t("voice.page", String(page + 1), String(pages)) }
        if page + 1 < pages { said += " " + t("voice.nextPage") }
        if page > 0 { said += " " + t("voice.previousPage") }
        return said + " " + t("voice.back")
    }

    /// A receipt number read one letter or digit at a time, with a pause at each dash.
    static func spelled(_ receipt: String) -> String {
        receipt.split(separator: "-").map { part in
            part.filter { $0.isLetter || $0.isNumber }.map(String.init).joined(separator: " ")
        }.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    private var spokenPromptOfScreen: String {
        switch current {
        case .home:
            return t("home.welcome") + " " + choices([
                ("1", t("home.apply")), ("2", t("home.progress")), ("3", t("home.guide")),
                ("4", t(assistant == nil ? "home.assistant" : "home.assistantMenu")), ("6", t("home.help")),
            ]) + " " + t("voice.keys")
        case .help:
            return t("help.title") + " " + t("voice.help")
        case .find(let purpose):
            return t(purpose == .apply ? "find.title.apply" : "find.title.guide") + " "
                + choices([("1", t("find.byDepartment")), ("2", t("find.byCategory")), ("3", t("find.search"))]) + " " + t("voice.back")
        case .departments(_, let page):
            return t("find.byDepartment") + " " + listChoices(Department.allCases.map(\.rawValue), page: page)
        case .categories:
            return t("find.byCategory") + " " + listChoices(MatterCategory.allCases.map { t("category.\($0)") }, page: 0)
        case .matters(_, let filter, let page):
            let heading = switch filter {
            case .department(let department): department.rawValue
            case .category(let category): t("category.\(category)")
            }
            return heading + " " + listChoices(matters(filter).map { $0.name.text(language) }, page: page)
        case .search:
            return t("search.title") + " " + t("voice.search")
        case .matter(let code):
            guard let matter = environment.catalog.matter(code) else { return "" }
            let name = matter.name.text(language)
            if let refusal = matter.refusal {
                return name + " " + refusal.message.text(language) + " "
                    + choices([("1", t("matter.readGuide")), ("2", t("matter.printGuide"))]) + " " + t("voice.back")
            }
            let limit = matter.timeLimitDays == 0 ? t("matter.onTheSpot") : t("matter.days", String(matter.timeLimitDays))
            return name + " " + t("matter.limit", limit) + " " + choices([("1", t("matter.start")), ("2", t("matter.readGuide"))])
                + " " + t("voice.back")
        case .guide(let code, let page):
            guard let matter = environment.catalog.matter(code) else { return "" }
            let (lines, page, pages) = layout.textPage(guideLines(matter), page: page)
            let text = lines
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            var said = (page == 0 ? t("guide.title", matter.name.text(language)) + " " : "") + text
            if pages > 1 { said += " " + t("voice.page", String(page + 1), String(pages)) }
            if page + 1 < pages { said += " " + t("voice.nextPage") }
            return said + " " + t(matter.refusal == nil ? "voice.guide.apply" : "voice.guide")
        case .form(let application):
            return spokenQuestion(application)
        case .materials(let application):
            guard let matter = environment.catalog.matter(application.matterCode) else { return "" }
            let list = matter.materials.enumerated().map { "\($0.offset + 1). \($0.element.name.text(language))" }
            return ([t("materials.title")] + list).joined(separator: " ") + " " + choices([("1", t("materials.confirm"))]) + " " + t("voice.back")
        case .review:
            return t("review.title") + " " + t("voice.review")
        case .confirm:
            return t("confirm.title") + " " + (currentMatter.map { $0.name.text(language) + " " } ?? "") + t("confirm.body") + " "
                + choices([("1", t("confirm.submit")), ("0", t("confirm.change"))])
        case .saving:
            return t("working.saving")
        case .printing:
            return t("working.printing")
        case .receipt(let receipt):
            let summary = receipt.stored.summary
            let printed = switch receipt.printResult {
            case .printed?: t("receipt.printed")
            case .failed(let reason, _)?: t("receipt.printFailed", t(reason.key))
            case .notConfigured?, nil: t("receipt.printPending")
            }
            return t("receipt.saved") + " " + t("voice.receipt", Self.spelled(summary.receipt)) + " " + printed + " " + t("receipt.keep")
                + " " + t("voice.receipt.keys")
        case .receiptQR:
            return t("receipt.qrCaption") + " " + t("keys.receipt.qrBack")
        case .submitFailed(let message):
            return t("failed.title") + " " + message + " " + t("voice.back")
        case .progress:
            return t("progress.title") + " " + t("voice.progress")
        case .progressResult(let query, let summary, let notices):
            guard let summary else { return t("voice.progress.notFound", Self.spelled(query)) + " " + t("voice.back") }
            var said = [t("voice.receipt", Self.spelled(summary.receipt)), matterName(summary.matter),
                        t("progress.state") + " " + summary.state.label.text(language)]
            if summary.decision != nil { said.append(summary.status(language)) }
            if let progress = summary.progress, !progress.missing.isEmpty {
                said.append(t("progress.missing") + " " + progress.missing.joined(separator: "、"))
            }
            if let notice = notices.last { said.append(t("voice.progress.notice", notice.title)) }
            if summary.isDecided { said.append(t("voice.progress.rate")) }
            return (said + [t("voice.back")]).joined(separator: " ")
        case .rating(let rating):
            guard let level = rating.level else {
                return t("rating.prompt") + " " + choices(RatingLevel.offered.enumerated().map { ("\($0.offset + 1)", $0.element.label.text(language)) })
                    + " " + t("voice.back")
            }
            return level.label.text(language) + "。" + t("rating.reasons") + " "
                + choices(RatingReason.allCases.enumerated().map { ("\($0.offset + 1)", $0.element.label.text(language)) })
        case .assistantLogin(let login):
            return t("login.title") + " " + t(login.focus == 0 ? "voice.login.id" : "voice.login.pin")
        case .assistantHome:
            return t("login.title") + " " + choices([
                ("1", t("assistant.apply")), ("2", t("assistant.progress")), ("3", t("assistant.queue")), ("4", t("assistant.sync")),
                ("9", t("assistant.logout")),
            ])
        case .queue(let queue, _, _):
            guard let queue else { return t("queue.title") + " " + t("queue.loading") }
            return t("queue.title") + " " + t("voice.queue", String(queue.stats.total)) + " " + t("voice.back")
        }
    }

    /// A question: which one, its label and hint, the kind of answer expected, and its choices.
    private func spokenQuestion(_ application: Application) -> String {
        guard let context = formContext(application), let question = application.question(context) else { return "" }
        let field = question.field
        var said = [t("voice.step", String(question.step + 1), String(question.stepCount))]
        if let entry = application.entry {
            said.append(t("voice.entry", question.top.label.text(language), String(entry.index + 1)))
        }
        said.append(field.label.text(language))
        if field.required && field.type != .note && field.type != .repeat { said.append(t("voice.required")) }
        if let hint = field.hint { said.append(hint.text(language)) }
        switch field.type {
        case .repeat where application.entry == nil:
            said.append(t("form.group.count", String(application.keptEntries(of: question.top, context).count)))
            said.append(choices([("1", t("form.group.add")), ("2", t("form.group.remove"))]))
            said.append(t("voice.form.next"))
        case .singleChoice, .multipleChoice:
            said.append(choices(field.choices.prefix(9).enumerated().map { (String($0.offset + 1), $0.element.label.text(language)) }))
            said.append(t(field.type == .multipleChoice ? "voice.form.multiple" : "voice.form.next"))
        case .note:
            said.append(t("voice.form.next"))
        default:
            said.append(t("voice.kind.\(field.type.rawValue)"))
            if application.input?.composer != nil { said.append(t("voice.pinyin")) }
            said.append(t("voice.form.next"))
        }
        return said.joined(separator: " ")
    }
}
