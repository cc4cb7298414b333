import Foundation
import KioskCore
import Pinyin
import Terminal

/// What filling in a form needs besides the application: its matter, today, pinyin and the kiosk's words.
struct FormContext {
    /// The matter applied for.
    let matter: Matter
    /// Today in the county, for validation.
    let today: CalendarDate
    /// Pinyin candidates for text inputs.
    let candidates: (any CandidateSource)?
    /// The kiosk's words.
    let strings: UIStrings

    /// A text of the kiosk's own in both languages (kept across a language switch).
    func localized(_ key: String, _ arguments: String...) -> LocalizedText {
        LocalizedText(zh: strings.text(key, .zhHans, arguments), en: strings.text(key, .en, arguments))
    }

    /// The answers validated against the form.
    func validate(_ answers: Answers) -> ValidationResult {
        FormValidator.validate(answers, form: matter.form, today: today)
    }
}

/// Where a key on the form leads.
enum FormOutcome {
    /// Stay on the form.
    case stay
    /// Out of the form, back to the matter.
    case leave
    /// Every question is answered: on to the materials (or the review).
    case finished
}

extension KioskState {
    /// The form context of `application`'s matter (nil when the catalog no longer has it).
    func formContext(_ application: Application) -> FormContext? {
        environment.catalog.matter(application.matterCode).map {
            FormContext(matter: $0, today: today, candidates: environment.candidates, strings: environment.strings)
        }
    }

    /// Starts an application for `matter` with the form's default answers.
    mutating func startApplication(_ matter: Matter) {
        var application = Application(
            matterCode: matter.code, answers: matter.form.defaultAnswers(), channel: assistant.map { .assisted(assistantID: $0.id) } ?? .selfService)
        application.startingSteps = startingSteps(matter)
        application.prepareQuestion(FormContext(matter: matter, today: today, candidates: environment.candidates, strings: environment.strings))
        push(.form(application))
    }

    /// The steps of `matter`'s form with its default answers: the count the matter screen promises.
    func startingSteps(_ matter: Matter) -> Int {
        Application(matterCode: matter.code, answers: matter.form.defaultAnswers(), channel: .selfService).steps(matter.form, today: today).count
    }

    /// A key on the form screen.
    mutating func formKey(_ key: KeyEvent, _ application: Application) {
        guard let context = formContext(application) else {
            back()
            return
        }
        var application = application
        switch application.handle(key, context) {
        case .stay:
            current = .form(application)
        case .leave:
            back()
        case .finished:
            let correcting = application.correcting
            application.correcting = false
            current = .form(application)
            if !context.matter.materials.isEmpty { push(.materials(application)) }
            // Back from a correction: straight to the review again (the materials stay one step back).
            if correcting || context.matter.materials.isEmpty { push(.review(application, ReviewScreen())) }
        }
    }
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

    /// The question on screen.
    func question(_ context: FormContext) -> CurrentQuestion? {
        let form = context.matter.form
        let result = context.validate(answers)
        let steps = steps(form, hidden: result.hidden)
        guard step < steps.count else { return nil }
        let top = form.fields[steps[step].field]
        if let entry, top.fields.indices.contains(entry.member) {
            let member = top.fields[entry.member]
            let asked = top.askedMembers(entry: entry.index, result)
            return CurrentQuestion(
                top: top, field: member, path: "\(top.id)[\(entry.index + 1)].\(member.id)", step: step, stepCount: steps.count,
                memberStep: asked.firstIndex(of: entry.member) ?? 0, memberCount: asked.count)
        }
        return CurrentQuestion(top: top, field: top, path: top.id, step: step, stepCount: steps.count)
    }

    /// The entries of a repeat group, as typed.
    func entries(of group: Field) -> [Answers] {
        if case .group(let entries)? = answers[group.id] { return entries }
        return []
    }

    /// The entries of a repeat group as they will be stored: answers to members not asked in an entry
    /// dropped (like the answers of hidden questions), calculations filled in.
    func keptEntries(of group: Field, _ context: FormContext) -> [Answers] {
        guard case .group(let entries)? = context.validate(answers).answers[group.id] else { return [] }
        return entries
    }

    /// The stored answer to the question on screen.
    func storedValue(_ question: CurrentQuestion) -> AnswerValue? {
        if let entry {
            let list = entries(of: question.top)
            return entry.index < list.count ? list[entry.index][question.field.id] : nil
        }
        return answers[question.field.id]
    }

    /// Stores an answer to the question on screen (relevance follows at once).
    mutating func store(_ value: AnswerValue?, for question: CurrentQuestion) {
        if let entry {
            var list = entries(of: question.top)
            guard entry.index < list.count else { return }
            list[entry.index][question.field.id] = value
            answers[question.top.id] = .group(list)
        } else {
            answers[question.field.id] = value
        }
    }

    /// Sets up the input and choice cursor for the question on screen from its stored answer.
    mutating func prepareQuestion(_ context: FormContext) {
        error = nil
        input = nil
        choiceCursor = 0
        guard let question = question(context) else { return }
        let stored = storedValue(question)
        if let (kind, maxLength) = question.field.inputKind {
            input = TextInput(stored?.typedText ?? "", kind: kind, maxLength: maxLength, candidates: context.candidates)
        } else if question.field.type == .singleChoice, case .text(let value)? = stored {
            choiceCursor = question.field.choices.firstIndex { $0.value == value } ?? 0
        }
    }
}
