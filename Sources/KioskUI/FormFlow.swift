import Foundation
import KioskCore
import Terminal

/// The question on screen: a top-level field, or a member of a repeat-group entry.
struct CurrentQuestion {
    /// The top-level field (the group, for a member).
    var top: Field
    /// The field answered.
    var field: Field
    /// The path validation issues use (`members[2].name`).
    var path: String
    /// The step among the visible steps, and how many there are.
    var step: Int
    var stepCount: Int
    /// For a member: its place among the members asked in this entry, and how many there are.
    var memberStep = 0
    var memberCount = 0
}

extension Field {
    /// The members of this repeat group the resident answers in entry `index` (from 0): no notes, no
    /// calculations, none whose `relevant` is false for the entry's answers in `result`.
    func askedMembers(entry index: Int, _ result: ValidationResult) -> [Int] {
        fields.indices.filter { fields[$0].isAnswered && !result.isHidden(fields[$0].id, in: id, entry: index) }
    }

    /// The input a text-like field is typed into, or nil for choices, notes and groups.
    var inputKind: (kind: InputKind, maxLength: Int)? {
        switch type {
        case .text: (.text, maxLength)
        case .integer: (.number, 12)
        case .decimal: (.number, 15)
        case .date: (.digitsAndDash, 10)
        case .idNumber: (.idNumber, 18)
        case .phone: (.digitsAndDash, 20)
        case .creditCode: (.code, 18)
        case .bankCard: (.digits, 19)
        case .singleChoice, .multipleChoice, .note, .repeat: nil
        }
    }

    /// The typed text as an answer (nil when empty), or the problem with it.
    func answer(from text: String) -> Result<AnswerValue?, InputProblem> {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .success(nil) }
        switch type {
        case .integer:
            guard let number = Int(text) else { return .failure(.notWholeNumber) }
            return .success(.number(Double(number)))
        case .decimal:
            guard let number = Double(text), number.isFinite else { return .failure(.notNumber) }
            return .success(.number(number))
        case .date where text.count == 8 && text.allSatisfy(\.isASCIIDigit):
            let digits = Array(text)
            return .success(.text("\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"))
        default:
            return .success(.text(text))
        }
    }
}

/// A problem with typed text, found before validation.
enum InputProblem: Error {
    case notWholeNumber
    case notNumber

    /// The string key of its message.
    var key: String {
        switch self {
        case .notWholeNumber: "form.error.integer"
        case .notNumber: "form.error.number"
        }
    }
}

extension AnswerValue {
    /// The value as it is typed into an input.
    var typedText: String {
        switch self {
        case .text(let text): text
        case .number(let number): ExpressionValue.format(number)
        case .list(let values): values.joined(separator: ",")
        case .group: ""
        }
    }
}

extension KioskState {
    /// Starts an application for `matter` with the form's default answers.
    mutating func startApplication(_ matter: Matter) {
        var answers: Answers = [:]
        for field in matter.form.fields where field.isAnswered {
            if let value = field.defaultValue { answers[field.id] = value }
        }
        application = Application(
            matterCode: matter.code, answers: answers, channel: assistant.map { .assisted(assistantID: $0.id) } ?? .selfService)
        push(.form)
        prepareQuestion()
    }

    /// The question on screen.
    var question: CurrentQuestion? {
        guard let application, let matter = environment.catalog.matter(application.matterCode) else { return nil }
        let result = FormValidator.validate(application.answers, form: matter.form, today: today)
        let steps = application.steps(matter.form, hidden: result.hidden)
        guard application.step < steps.count else { return nil }
        let top = matter.form.fields[steps[application.step].field]
        if let entry = application.entry, top.fields.indices.contains(entry.member) {
            let member = top.fields[entry.member]
            let asked = top.askedMembers(entry: entry.index, result)
            return CurrentQuestion(
                top: top, field: member, path: "\(top.id)[\(entry.index + 1)].\(member.id)", step: application.step, stepCount: steps.count,
                memberStep: asked.firstIndex(of: entry.member) ?? 0, memberCount: asked.count)
        }
        return CurrentQuestion(top: top, field: top, path: top.id, step: application.step, stepCount: steps.count)
    }

    /// The entries of a repeat group, as typed.
    func entries(of group: Field) -> [Answers] {
        if case .group(let entries)? = application?.answers[group.id] { return entries }
        return []
    }

    /// The entries of a repeat group as they will be stored: answers to members not asked in an entry
    /// dropped (like the answers of hidden questions), calculations filled in.
    func keptEntries(of group: Field) -> [Answers] {
        guard let application, let matter = currentMatter,
            case .group(let entries)? = FormValidator.validate(application.answers, form: matter.form, today: today).answers[group.id]
        else { return [] }
        return entries
    }

    /// The stored answer to the question on screen.
    func storedValue(_ question: CurrentQuestion) -> AnswerValue? {
        guard let application else { return nil }
        if let entry = application.entry {
            let list = entries(of: question.top)
            return entry.index < list.count ? list[entry.index][question.field.id] : nil
        }
        return application.answers[question.field.id]
    }

    /// Stores an answer to the question on screen (relevance follows at once).
    mutating func store(_ value: AnswerValue?, for question: CurrentQuestion) {
        guard application != nil else { return }
        if let entry = application!.entry {
            var list = entries(of: question.top)
            guard entry.index < list.count else { return }
            list[entry.index][question.field.id] = value
            application!.answers[question.top.id] = .group(list)
        } else {
            application!.answers[question.field.id] = value
        }
    }

    /// Sets up the input and choice cursor for the question on screen from its stored answer.
    mutating func prepareQuestion() {
        guard application != nil else { return }
        application!.error = nil
        application!.input = nil
        application!.choiceCursor = 0
        guard let question else { return }
        let stored = storedValue(question)
        if let (kind, maxLength) = question.field.inputKind {
            application!.input = TextInput(stored?.typedText ?? "", kind: kind, maxLength: maxLength, candidates: environment.candidates)
        } else if question.field.type == .singleChoice, case .text(let value)? = stored {
            application!.choiceCursor = question.field.choices.firstIndex { $0.value == value } ?? 0
        }
    }

    mutating func formKey(_ key: KeyEvent) {
        guard let application, let question else {
            back()
            return
        }
        if question.field.type == .repeat && application.entry == nil {
            groupKey(key, question)
            return
        }
        if var input = application.input {
            if input.isComposing || (key != .enter && key != .escape) {
                _ = input.handle(key)
                self.application!.input = input
                self.application!.error = nil
                return
            }
        }
        switch question.field.type {
        case .singleChoice:
            let choices = question.field.choices
            if let digit = key.digit, digit >= 1, digit <= choices.count {
                select(digit - 1, question)
                return
            }
            switch key {
            case .up: select(max(0, application.choiceCursor - 1), question)
            case .down: select(min(choices.count - 1, application.choiceCursor + 1), question)
            default: break
            }
        case .multipleChoice:
            let choices = question.field.choices
            if let digit = key.digit, digit >= 1, digit <= choices.count {
                var values: [String] = []
                if case .list(let list)? = storedValue(question) { values = list }
                let value = choices[digit - 1].value
                if let index = values.firstIndex(of: value) { values.remove(at: index) } else { values.append(value) }
                // Keep the form's order of choices.
                let ordered = choices.map(\.value).filter(values.contains)
                store(ordered.isEmpty ? nil : .list(ordered), for: question)
                self.application!.choiceCursor = digit - 1
                self.application!.error = nil
                return
            }
        default:
            break
        }
        if key == .enter {
            next(question)
        } else if key == .escape || (application.input == nil && key.digit == 0) {
            previous(question)
        }
    }

    private mutating func select(_ index: Int, _ question: CurrentQuestion) {
        store(.text(question.field.choices[index].value), for: question)
        application!.choiceCursor = index
        application!.error = nil
    }

    /// The repeat group's own screen: 1 adds an entry, 2 removes the last, 3-9 edit the first seven
    /// entries, Enter goes on.
    private mutating func groupKey(_ key: KeyEvent, _ question: CurrentQuestion) {
        var list = entries(of: question.top)
        let most = min(Int(question.top.maximum ?? Double(FormValidator.maxGroupEntries)), FormValidator.maxGroupEntries)
        switch key.digit {
        case 1:
            guard list.count < most, !question.top.fields.isEmpty else {
                application!.error = localized("form.error.tooMany", String(most))
                return
            }
            var entry: Answers = [:]
            for member in question.top.fields where member.isAnswered {
                if let value = member.defaultValue { entry[member.id] = value }
            }
            list.append(entry)
            application!.answers[question.top.id] = .group(list)
            application!.entry = EntryCursor(index: list.count - 1, member: 0)
            skipUnasked(forward: true)
            prepareQuestion()
        case 2:
            guard !list.isEmpty else { return }
            list.removeLast()
            application!.answers[question.top.id] = list.isEmpty ? nil : .group(list)
            application!.error = nil
        case let digit? where digit >= 3 && digit - 3 < list.count:
            application!.entry = EntryCursor(index: digit - 3, member: 0)
            skipUnasked(forward: true)
            prepareQuestion()
        case 0:
            previous(question)
        default:
            if key == .enter { next(question) } else if key == .escape { previous(question) }
        }
    }

    /// Moves the entry cursor to the nearest member asked in this entry, forward or back, past notes,
    /// calculated members and members not relevant to the entry's answers; leaves the entry when none is left.
    private mutating func skipUnasked(forward: Bool) {
        guard let question, let entry = application?.entry, let matter = currentMatter else { return }
        let result = FormValidator.validate(application!.answers, form: matter.form, today: today)
        let asked = question.top.askedMembers(entry: entry.index, result)
        let member = forward ? asked.first { $0 >= entry.member } : asked.last { $0 <= entry.member }
        application!.entry = member.map { EntryCursor(index: entry.index, member: $0) }
    }

    /// Stores the typed answer; returns false (with the problem shown) when it cannot be stored.
    private mutating func commitInput(_ question: CurrentQuestion, showProblem: Bool) -> Bool {
        guard let input = application?.input else { return true }
        switch question.field.answer(from: input.text) {
        case .success(let value):
            store(value, for: question)
            return true
        case .failure(let problem):
            if showProblem { application!.error = localized(problem.key) }
            return false
        }
    }

    /// Checks the answer on screen and goes to the next question (or to the materials).
    private mutating func next(_ question: CurrentQuestion) {
        guard commitInput(question, showProblem: true), let matter = currentMatter else { return }
        let result = FormValidator.validate(application!.answers, form: matter.form, today: today)
        if let issue = result.issues.first(where: { $0.path == question.path }) {
            application!.error = issue.message
            return
        }
        if var entry = application!.entry {
            entry.member += 1
            application!.entry = entry
            skipUnasked(forward: true)
            prepareQuestion()
            return
        }
        // Relevance may have changed the steps: continue after this field in the new list.
        let steps = application!.steps(matter.form, today: today)
        let position = steps.firstIndex { matter.form.fields[$0.field].id == question.top.id } ?? application!.step
        if position + 1 < steps.count {
            application!.step = position + 1
            prepareQuestion()
        } else {
            finishForm(matter, result)
        }
    }

    /// Keeps what was typed and goes to the previous question (or out of the form).
    private mutating func previous(_ question: CurrentQuestion) {
        _ = commitInput(question, showProblem: false)
        if var entry = application!.entry {
            entry.member -= 1
            application!.entry = entry
            skipUnasked(forward: false)
            prepareQuestion()
            return
        }
        if application!.step == 0 {
            application = nil
            back()
            return
        }
        application!.step -= 1
        prepareQuestion()
    }

    /// After the last question: to the first problem left, else to the materials (or the review).
    private mutating func finishForm(_ matter: Matter, _ result: ValidationResult) {
        if let issue = result.issues.first {
            let fieldID = String(issue.path.prefix { $0 != "[" && $0 != "." })
            let steps = application!.steps(matter.form, today: today)
            if let position = steps.firstIndex(where: { matter.form.fields[$0.field].id == fieldID }) {
                application!.step = position
                application!.entry = nil
                prepareQuestion()
                application!.error = issue.message
                return
            }
        }
        push(matter.materials.isEmpty ? .review(page: 0) : .materials)
    }
}
