import Foundation
import KioskCore
import Terminal

/// The review: every answer numbered, masked unless asked for in full; a number and Enter go back to
/// that question, which returns here once the form is complete again.
extension KioskState {
    /// Shows or hides the answers in full on the review.
    static let revealKey = KeyEvent.text("*")

    /// The top-level questions the review numbers, in order: answered, visible, not calculated.
    func reviewQuestions(_ application: Application, _ matter: Matter) -> [Field] {
        let hidden = FormValidator.validate(application.answers, form: matter.form, today: today).hidden
        return matter.form.fields.filter { $0.isAnswered && !hidden.contains($0.id) }
    }

    mutating func reviewKey(_ key: KeyEvent, _ application: Application, _ review: ReviewScreen) {
        var review = review
        let pages = layout.pageCount(lines: reviewLines(application, revealed: review.revealed).count)
        switch key {
        case .escape:
            back()
            return
        case .enter where review.number.isEmpty:
            current = .review(application, ReviewScreen(page: review.page))  // masked again when the resident comes back
            push(.confirm(application))
            return
        case .enter:
            let typed = review.number
            review.number = ""
            if correct(application, number: Int(typed) ?? 0) { return }
            show(error: t("review.noSuch", typed))
        case .backspace:
            _ = review.number.popLast()
        case .pageDown, .down:
            review.page = min(review.page + 1, pages - 1)
        case .pageUp, .up:
            review.page = max(0, review.page - 1)
        case Self.revealKey:
            review.revealed.toggle()
        default:
            guard let digit = key.digit else { return }
            if digit == 0, review.number.isEmpty {
                back()
                return
            }
            if review.number.count < 2 { review.number += String(digit) }
        }
        current = .review(application, review)
    }

    /// Goes back to question `number` of the review to correct it; false when there is no such question.
    private mutating func correct(_ application: Application, number: Int) -> Bool {
        guard let context = formContext(application) else { return false }
        let questions = reviewQuestions(application, context.matter)
        guard questions.indices.contains(number - 1) else { return false }
        var application = application
        let form = context.matter.form
        let steps = application.steps(form, today: today)
        guard let step = steps.firstIndex(where: { form.fields[$0.field].id == questions[number - 1].id }) else { return false }
        application.step = step
        application.entry = nil
        application.correcting = true
        application.prepareQuestion(context)
        // Back to the form's own place in the history, the materials and the review dropped.
        if let index = backStack.lastIndex(where: { if case .form = $0 { true } else { false } }) {
            backStack.removeSubrange(index...)
        }
        current = .form(application)
        return true
    }
}
