/// The kinds of question a form may ask.
public enum FieldType: String, Sendable, CaseIterable {
    case text, integer, decimal, date
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    /// Display-only text; never answered.
    case note
    /// A group of fields answered several times (e.g. household members).
    case `repeat`
    /// A mainland resident ID number (GB 11643).
    case idNumber = "id_number"
    /// A mainland mobile or landline number.
    case phone
    /// A unified social credit code (GB 32100).
    case creditCode = "credit_code"
    /// A bank card number (Luhn).
    case bankCard = "bank_card"

    /// Whether answers of this type are text in JSON.
    public var isTextual: Bool {
        switch self {
        case .text, .date, .singleChoice, .idNumber, .phone, .creditCode, .bankCard: true
        case .integer, .decimal, .multipleChoice, .note, .repeat: false
        }
    }
}

/// One answer choice.
public struct Choice: Sendable, Hashable {
    public var value: String
    public var label: LocalizedText

    public init(value: String, label: LocalizedText) {
        self.value = value
        self.label = label
    }
}

/// A condition the answer must meet, with the message shown when it does not.
public struct Constraint: Sendable {
    public var expression: Expression
    public var message: LocalizedText

    public init(expression: Expression, message: LocalizedText) {
        self.expression = expression
        self.message = message
    }
}

/// One question of a form.
public struct Field: Sendable, Identifiable {
    public var id: String
    public var type: FieldType
    public var label: LocalizedText
    public var hint: LocalizedText?
    public var required: Bool
    /// The message shown when a required answer is missing (a default one otherwise).
    public var requiredMessage: LocalizedText?
    public var constraint: Constraint?
    /// The field is asked only when this is true.
    public var relevant: Expression?
    /// The field's value is computed from this, never typed.
    public var calculate: Expression?
    public var defaultValue: AnswerValue?
    /// Personal data: masked on screens and receipts.
    public var sensitive: Bool
    /// For text: the most characters accepted.
    public var maxLength: Int
    /// For numbers: bounds; for repeat groups: the least and most entries.
    public var minimum: Double?
    public var maximum: Double?
    /// For dates: bounds.
    public var earliest: CalendarDate?
    public var latest: CalendarDate?
    public var choices: [Choice]
    /// For repeat groups: the fields of one entry.
    public var fields: [Field]

    public init(
        id: String, type: FieldType, label: LocalizedText, hint: LocalizedText? = nil,
        required: Bool = false, requiredMessage: LocalizedText? = nil, constraint: Constraint? = nil,
        relevant: Expression? = nil, calculate: Expression? = nil, defaultValue: AnswerValue? = nil,
        sensitive: Bool = false, maxLength: Int = 100, minimum: Double? = nil, maximum: Double? = nil,
        earliest: CalendarDate? = nil, latest: CalendarDate? = nil, choices: [Choice] = [], fields: [Field] = []
    ) {
        self.id = id
        self.type = type
        self.label = label
        self.hint = hint
        self.required = required
        self.requiredMessage = requiredMessage
        self.constraint = constraint
        self.relevant = relevant
        self.calculate = calculate
        self.defaultValue = defaultValue
        self.sensitive = sensitive
        self.maxLength = maxLength
        self.minimum = minimum
        self.maximum = maximum
        self.earliest = earliest
        self.latest = latest
        self.choices = choices
        self.fields = fields
    }

    /// A text field asking for a person's name (its Chinese label says 姓名): masked as a name.
    public var asksForName: Bool {
        // Compared as UTF-8 bytes, by hand: this runs for every submission, and the generic
        // substring searches take microseconds each.
        guard type == .text else { return false }
        let label = Array(label.zh.utf8), word = Array("姓名".utf8)
        guard label.count >= word.count else { return false }
        return (0...label.count - word.count).contains { label[$0..<$0 + word.count].elementsEqual(word) }
    }

    /// Whether the resident answers this field (it is neither a note nor calculated).
    public var isAnswered: Bool { type != .note && calculate == nil }

    /// The label of the choice with `value`.
    public func choiceLabel(_ value: String) -> LocalizedText? {
        choices.first { $0.value == value }?.label
    }
}

/// The questions of a matter, with the order its relevance and calculations run in.
public struct Form: Sendable {
    public var fields: [Field]
    /// Fields in dependency order, as `group` (nil at top level) and field index paths.
    let order: [FieldPath]

    /// Builds a form and plans its evaluation order; throws on unknown references or cycles.
    public init(fields: [Field]) throws(FormError) {
        self.fields = fields
        order = try FormPlanner.plan(fields)
    }

    /// A form with no questions.
    public static let empty = try! Form(fields: [])

    /// The applicant's name: the first answered top-level field asking for a name.
    public func applicantName(in answers: Answers) -> String? {
        fields.lazy.filter(\.asksForName).compactMap { field -> String? in
            if case .text(let value)? = answers[field.id] { value } else { nil }
        }.first
    }

    /// The field with `id` at the top level.
    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }

    /// The default answers of the top-level questions.
    public func defaultAnswers() -> Answers { Self.defaultAnswers(of: fields) }

    /// The default answers of `fields` (a form's, or one entry's of a repeat group).
    public static func defaultAnswers(of fields: [Field]) -> Answers {
        var answers: Answers = [:]
        for field in fields where field.isAnswered {
            if let value = field.defaultValue { answers[field.id] = value }
        }
        return answers
    }
}

/// The position of a field: its index at the top level and, inside a repeat group, its index there.
struct FieldPath: Sendable, Hashable {
    var top: Int
    var member: Int?
}

/// Why a form definition is inconsistent; `field` names the field (`group.field` inside groups).
public enum FormError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An expression names a field that does not exist.
    case unknownReference(field: String, key: String, name: String, offset: Int)
    /// An expression names a field of a repeat group outside it without `sum(${group.field})`.
    case groupMemberOutsideGroup(field: String, key: String, name: String, offset: Int)
    /// Relevance or calculations depend on each other in a circle (a field referring to itself is
    /// one of one field); `key` and `offset` place the first field's reference to the second.
    case cycle([String], key: String, offset: Int)
    /// Two fields share an id.
    case duplicateField(String)

    public var description: String {
        switch self {
        case .unknownReference(let f, let k, let n, _): "\(k) of '\(f)' refers to unknown field '\(n)'"
        case .groupMemberOutsideGroup(let f, let k, let n, _):
            "\(k) of '\(f)' refers to '\(n)', which is inside a repeat group; use sum(${group.\(n)}) or count(${group})"
        case .cycle(let names, _, _): "calculation/relevance cycle: \(names.joined(separator: " -> "))"
        case .duplicateField(let id): "duplicate field id '\(id)'"
        }
    }
}
