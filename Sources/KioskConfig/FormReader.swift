import KioskCore
import Yams

/// Reads a matter's `form:` into a planned `Form`, locating expression problems to the character.
final class FormReader {
    let path: String
    let diagnostics: Diagnostics
    /// Where each field's id and expressions are, keyed by "group.field" and "group.field/key".
    private var marks: [String: (mark: Mark?, quoteOffset: Int)] = [:]

    init(path: String, diagnostics: Diagnostics) {
        self.path = path
        self.diagnostics = diagnostics
    }

    static let fieldKeys = [
        "id", "type", "label", "hint", "required", "constraint", "relevant", "calculate", "default", "sensitive",
        "max_length", "min", "max", "choices", "fields",
    ]

    func form(_ node: Node) -> Form? {
        guard let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "'form'") else { return nil }
        r.rejectUnknownKeys(allowed: ["fields"])
        let before = diagnostics.issues.count
        let fields = readFields(r.sequence("fields") ?? [], prefix: "")
        guard diagnostics.issues.count == before else { return nil }
        do {
            return try Form(fields: fields)
        } catch {
            report(error)
            return nil
        }
    }

    private func report(_ error: FormError) {
        switch error {
        case .unknownReference(let field, let key, _, let offset), .groupMemberOutsideGroup(let field, let key, _, let offset):
            report(error, in: field, key: key, offset: offset)
        case .cycle(let names, let key, let offset):
            report(error, in: names[0], key: key, offset: offset)
        case .duplicateField(let name):
            diagnostics.report(path, marks[name]?.mark, error.description)
        }
    }

    /// Reports `error` at the character `offset` of the expression `key` of `field`.
    private func report(_ error: FormError, in field: String, key: String, offset: Int) {
        let place = marks["\(field)/\(key)"]
        diagnostics.report(path, place?.mark, error.description, columnOffset: (place?.quoteOffset ?? 0) + offset)
    }

    private func readFields(_ nodes: [Node], prefix: String) -> [Field] {
        var seen: Set<String> = []
        var fields: [Field] = []
        for node in nodes {
            guard let field = readField(node, prefix: prefix) else { continue }
            if !seen.insert(field.id).inserted {
                diagnostics.report(path, marks[prefix + field.id]?.mark, "duplicate field id '\(field.id)'")
                continue
            }
            fields.append(field)
        }
        return fields
    }

    private func readField(_ node: Node, prefix: String) -> Field? {
        guard let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "a field") else { return nil }
        r.rejectUnknownKeys(allowed: FormReader.fieldKeys)
        let before = diagnostics.issues.count
        guard let id = r.string("id") else { return nil }
        let key = prefix + id
        marks[key] = (r.mark("id"), 0)
        if id.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) == nil {
            diagnostics.report(path, r.mark("id"), "field id '\(id)' must be a-z 0-9 _ and start with a letter")
        }
        let typeName = r.string("type")
        let type = typeName.flatMap(FieldType.init(rawValue:))
        if let typeName, type == nil {
            diagnostics.report(path, r.mark("type"), "field type '\(typeName)' is not one of: \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let label = r.required("label").flatMap {
            LocalizedReader.read($0, key: "label", path: path, diagnostics: diagnostics, needsEnglish: type != .note)
        }
        let hint = r.optional("hint").flatMap { LocalizedReader.read($0, key: "hint", path: path, diagnostics: diagnostics) }

        var required = false
        var requiredMessage: LocalizedText?
        if let node = r.optional("required") {
            if case .scalar = node, let flag = node.bool {
                required = flag
            } else if let message = LocalizedReader.read(node, key: "required", path: path, diagnostics: diagnostics) {
                required = true
                requiredMessage = message
            }
        }
        var constraint: Constraint?
        if let node = r.optional("constraint"), let c = MappingReader(node, path: path, diagnostics: diagnostics, what: "'constraint'") {
            c.rejectUnknownKeys(allowed: ["expr", "message"])
            let expression = c.required("expr").flatMap { expressionValue($0, key: key + "/constraint") }
            let message = c.required("message").flatMap { LocalizedReader.read($0, key: "message", path: path, diagnostics: diagnostics) }
            if let expression, let message { constraint = Constraint(expression: expression, message: message) }
        }
        let relevant = r.optional("relevant").flatMap { expressionValue($0, key: key + "/relevant") }
        let calculate = r.optional("calculate").flatMap { expressionValue($0, key: key + "/calculate") }
        let sensitive = r.bool("sensitive", required: false) ?? false
        let maxLength = r.int("max_length", required: false, range: 1...2000) ?? 100

        var minimum: Double?, maximum: Double?, earliest: CalendarDate?, latest: CalendarDate?
        if type == .date {
            earliest = dateValue(r, "min")
            latest = dateValue(r, "max")
        } else {
            minimum = r.number("min")
            maximum = r.number("max")
        }
        if let minimum, let maximum, minimum > maximum {
            diagnostics.report(path, r.mark("min"), "min is greater than max")
        }

        var choices: [Choice] = []
        if let nodes = r.sequence("choices", required: type == .singleChoice || type == .multipleChoice) {
            var values: Set<String> = []
            for choiceNode in nodes {
                guard let c = MappingReader(choiceNode, path: path, diagnostics: diagnostics, what: "a choice") else { continue }
                c.rejectUnknownKeys(allowed: ["value", "label"])
                guard let value = c.string("value"),
                    let label = c.required("label").flatMap({ LocalizedReader.read($0, key: "label", path: path, diagnostics: diagnostics, needsEnglish: true) })
                else { continue }
                if !values.insert(value).inserted {
                    diagnostics.report(path, c.mark("value"), "duplicate choice value '\(value)' in field '\(id)'")
                }
                choices.append(Choice(value: value, label: label))
            }
            if nodes.isEmpty { diagnostics.report(path, r.mark("choices"), "field '\(id)' needs at least one choice") }
        }
        var members: [Field] = []
        if type == .repeat {
            if !prefix.isEmpty { diagnostics.report(path, r.mark("type"), "repeat groups cannot be nested") }
            members = readFields(r.sequence("fields") ?? [], prefix: key + ".")
        } else if r.optional("fields") != nil {
            diagnostics.report(path, r.mark("fields"), "only repeat groups have 'fields'")
        }
        let defaultValue = r.optional("default").flatMap(defaultAnswer)

        guard diagnostics.issues.count == before, let type, let label else { return nil }
        return Field(
            id: id, type: type, label: label, hint: hint, required: required, requiredMessage: requiredMessage,
            constraint: constraint, relevant: relevant, calculate: calculate, defaultValue: defaultValue,
            sensitive: sensitive, maxLength: maxLength, minimum: minimum, maximum: maximum, earliest: earliest,
            latest: latest, choices: choices, fields: members)
    }

    private func expressionValue(_ node: Node, key: String) -> Expression? {
        guard case .scalar(let scalar) = node else {
            diagnostics.report(path, node.mark, "an expression must be text")
            return nil
        }
        let quoteOffset = scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? 1 : 0
        marks[key] = (node.mark, quoteOffset)
        do {
            return try Expression(scalar.string)
        } catch {
            diagnostics.report(path, node.mark, "bad expression: \(error.message)", columnOffset: quoteOffset + error.offset)
            return nil
        }
    }

    private func dateValue(_ r: MappingReader, _ key: String) -> CalendarDate? {
        guard let text = r.string(key, required: false) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            diagnostics.report(path, r.mark(key), "'\(key)' of a date field must be a date YYYY-MM-DD")
            return nil
        }
        return date
    }

    private func defaultAnswer(_ node: Node) -> AnswerValue? {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, let number = node.float, number.isFinite { return .number(number) }
            return .text(scalar.string)
        case .sequence(let items):
            return .list(items.compactMap(\.string))
        default:
            diagnostics.report(path, node.mark, "'default' must be text, a number or a list")
            return nil
        }
    }
}
