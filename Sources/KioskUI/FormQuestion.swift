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

/// A visible question of a form.
struct Step: Hashable {
    /// Index of the top-level field.
    var field: Int
}
