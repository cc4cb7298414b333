import Foundation
import KioskCore
import Terminal

/// Keys on the form: typing, choosing, repeat-group entries, and moving between questions.
extension Application {
    /// Applies a key to the question on screen.
    mutating func handle(_ key: KeyEvent, _ context: FormContext) -> FormOutcome {
        guard let question = question(context) else { return .leave }
        if confirmingLeave {
            // Only 1 leaves; 2, 0, Esc and Enter go on filling in; other keys wait for an answer.
            if key.digit == 1 {
                confirmingLeave = false
                return .leave
            }
            if key.digit == 2 || key.digit == 0 || key == .escape || key == .enter { confirmingLeave = false }
            return .stay
        }
        if question.field.type == .repeat && entry == nil {
            return groupKey(key, question, context)
        }
        if var typing = input, typing.isComposing || (key != .enter && key != .escape) {
            _ = typing.handle(key)
            input = typing
            error = nil
            return .stay
        }
        let choices = question.field.choices
        if let digit = key.digit, digit >= 1, digit <= choices.count {
            switch question.field.type {
            case .singleChoice:
                select(digit - 1, question)
                return .stay
            case .multipleChoice:
                toggle(digit - 1, question)
                return .stay
            default: break
            }
        }
        if question.field.type == .singleChoice {
            switch key {
            case .up: select(max(0, choiceCursor - 1), question)
            case .down: select(min(choices.count - 1, choiceCursor + 1), question)
            default: break
            }
        }
        if key == .enter {
            return next(question, context)
        } else if key == .escape || (input == nil && key.digit == 0) {
            return previous(question, context)
        }
        return .stay
    }

    private mutating func select(_ index: Int, _ question: CurrentQuestion) {
        store(.text(question.field.choices[index].value), for: question)
        choiceCursor = index
        error = nil
    }

    private mutating func toggle(_ index: Int, _ question: CurrentQuestion) {
        let choices = question.field.choices
        var values: [String] = []
        if case .list(let list)? = storedValue(question) { values = list }
        let value = choices[index].value
        if let position = values.firstIndex(of: value) { values.remove(at: position) } else { values.append(value) }
        // Keep the form's order of choices.
        let ordered = choices.map(\.value).filter(values.contains)
        store(ordered.isEmpty ? nil : .list(ordered), for: question)
        choiceCursor = index
        error = nil
    }

    /// The repeat group's own screen: 1 adds an entry, 2 removes the last, 3-9 edit the first seven
    /// entries, Enter goes on.
    private mutating func groupKey(_ key: KeyEvent, _ question: CurrentQuestion, _ context: FormContext) -> FormOutcome {
        var list = entries(of: question.top)
        let most = min(Int(question.top.maximum ?? Double(FormValidator.maxGroupEntries)), FormValidator.maxGroupEntries)
        switch key.digit {
        case 1:
            guard list.count < most, !question.top.fields.isEmpty else {
                error = context.localized("form.error.tooMany", String(most))
                return .stay
            }
            var added: Answers = [:]
            for member in question.top.fields where member.isAnswered {
                if let value = member.defaultValue { added[member.id] = value }
            }
            list.append(added)
            answers[question.top.id] = .group(list)
            entry = EntryCursor(index: list.count - 1, member: 0)
            skipUnasked(forward: true, question, context)
            prepareQuestion(context)
        case 2:
            guard !list.isEmpty else { return .stay }
            list.removeLast()
            answers[question.top.id] = list.isEmpty ? nil : .group(list)
            error = nil
        case let digit? where digit >= 3 && digit - 3 < list.count:
            entry = EntryCursor(index: digit - 3, member: 0)
            skipUnasked(forward: true, question, context)
            prepareQuestion(context)
        case 0:
            return previous(question, context)
        default:
            if key == .enter { return next(question, context) }
            if key == .escape { return previous(question, context) }
        }
        return .stay
    }

    /// Moves the entry cursor to the nearest member asked in this entry, forward or back, past notes,
    /// calculated members and members not relevant to the entry's answers; leaves the entry when none is left.
    private mutating func skipUnasked(forward: Bool, _ question: CurrentQuestion, _ context: FormContext) {
        guard let entry else { return }
        let asked = question.top.askedMembers(entry: entry.index, context.validate(answers))
        let member = forward ? asked.first { $0 >= entry.member } : asked.last { $0 <= entry.member }
        self.entry = member.map { EntryCursor(index: entry.index, member: $0) }
    }

    /// Stores the typed answer; returns false (with the problem shown) when it cannot be stored.
    private mutating func commitInput(_ question: CurrentQuestion, _ context: FormContext, showProblem: Bool) -> Bool {
        guard let input else { return true }
        switch question.field.answer(from: input.text) {
        case .success(let value):
            store(value, for: question)
            return true
        case .failure(let problem):
            if showProblem { error = context.localized(problem.key) }
            return false
        }
    }

    /// Checks the answer on screen and goes to the next question (or finishes the form).
    private mutating func next(_ question: CurrentQuestion, _ context: FormContext) -> FormOutcome {
        guard commitInput(question, context, showProblem: true) else { return .stay }
        let form = context.matter.form
        let result = context.validate(answers)
        if let issue = result.issues.first(where: { $0.path == question.path }) {
            error = issue.message
            return .stay
        }
        if var cursor = entry {
            cursor.member += 1
            entry = cursor
            skipUnasked(forward: true, question, context)
            prepareQuestion(context)
            return .stay
        }
        // A correction from the review goes back there, unless the form has questions left to answer.
        if correcting { return finish(result, context) }
        // Relevance may have changed the steps: continue after this field in the new list.
        let steps = steps(form, hidden: result.hidden)
        let position = steps.firstIndex { form.fields[$0.field].id == question.top.id } ?? step
        if position + 1 < steps.count {
            step = position + 1
            prepareQuestion(context)
            return .stay
        }
        return finish(result, context)
    }

    /// Keeps what was typed and goes to the previous question (or out of the form, asking first when
    /// it has answers).
    private mutating func previous(_ question: CurrentQuestion, _ context: FormContext) -> FormOutcome {
        _ = commitInput(question, context, showProblem: false)
        if var cursor = entry {
            cursor.member -= 1
            entry = cursor
            skipUnasked(forward: false, question, context)
            prepareQuestion(context)
            return .stay
        }
        if step == 0 {
            // Out of the form drops the answers: ask first when there are any.
            if answers != context.matter.form.defaultAnswers() {
                confirmingLeave = true
                return .stay
            }
            return .leave
        }
        step -= 1
        prepareQuestion(context)
        return .stay
    }

    /// After the last question: to the first problem left, else finished.
    private mutating func finish(_ result: ValidationResult, _ context: FormContext) -> FormOutcome {
        if let issue = result.issues.first {
            let form = context.matter.form
            let fieldID = String(issue.path.prefix { $0 != "[" && $0 != "." })
            if let position = steps(form, hidden: result.hidden).firstIndex(where: { form.fields[$0.field].id == fieldID }) {
                step = position
                entry = nil
                prepareQuestion(context)
                error = issue.message
                return .stay
            }
        }
        return .finished
    }
}
