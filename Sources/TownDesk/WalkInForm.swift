import KioskCore

/// A catalog form as an HTML form for the town window, and the posted form back as answers.
///
/// Names: `f.FIELD` for a top-level answer, `f.FIELD.N` for choice N (from 0) of a multiple choice,
/// `n.GROUP` for a repeat group's entry count, `g.GROUP.I.MEMBER` (entries from 0) for a member's
/// answer and `g.GROUP.I.MEMBER.N` for its choices. The button pressed posts `action`: `submit`,
/// `update` (relevance and calculations again, no errors shown), `add.GROUP` or `remove.GROUP.I`.
struct WalkInForm {
    /// What the posted form asks for.
    enum Action: Equatable {
        case submit, update
        case add(group: String)
        case remove(group: String, entry: Int)

        init(_ text: String?) {
            let parts = (text ?? "").split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            switch (parts.first, parts.count) {
            case ("submit", 1): self = .submit
            case ("add", 2): self = .add(group: parts[1])
            case ("remove", 3) where Int(parts[2]) != nil: self = .remove(group: parts[1], entry: Int(parts[2])!)
            default: self = .update
            }
        }
    }

    let form: Form

    /// The answers posted in `fields`, with `action`'s entry added or removed; numbers that are not
    /// numbers are kept as text so the validator reports them.
    func answers(from fields: [String: String], action: Action) -> Answers {
        var answers: Answers = [:]
        for field in form.fields where field.isAnswered {
            if field.type == .repeat {
                let posted = Self.entryCount(fields["n.\(field.id)"])
                var entries = (0..<posted).map { i in
                    var entry: Answers = [:]
                    for member in field.fields where member.isAnswered {
                        entry[member.id] = Self.value(of: member, named: "g.\(field.id).\(i).\(member.id)", in: fields)
                    }
                    return entry
                }
                switch action {
                case .add(field.id) where entries.count < FormValidator.maxGroupEntries: entries.append(Form.defaultAnswers(of: field.fields))
                case .remove(field.id, let i) where entries.indices.contains(i): entries.remove(at: i)
                default: break
                }
                answers[field.id] = .group(entries)
            } else {
                answers[field.id] = Self.value(of: field, named: "f.\(field.id)", in: fields)
            }
        }
        return answers
    }

    /// A posted entry count in 0...`FormValidator.maxGroupEntries` (digits past it count as the most).
    static func entryCount(_ text: String?) -> Int {
        guard let text, !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return 0 }
        return min(Int(text.prefix(4)) ?? 0, FormValidator.maxGroupEntries)
    }

    /// A new form: each field's default, and each required repeat group with its least entries.
    func initialAnswers() -> Answers {
        var answers = form.defaultAnswers()
        for field in form.fields where field.type == .repeat {
            let least = max(field.required ? 1 : 0, Int(field.minimum ?? 0))
            answers[field.id] = .group(Array(repeating: Form.defaultAnswers(of: field.fields), count: min(least, FormValidator.maxGroupEntries)))
        }
        return answers
    }

    private static func value(of field: Field, named name: String, in fields: [String: String]) -> AnswerValue? {
        if field.type == .multipleChoice {
            let chosen = field.choices.indices.filter { fields["\(name).\($0)"] == "1" }.map { field.choices[$0].value }
            return chosen.isEmpty ? nil : .list(chosen)
        }
        guard let text = fields[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
        switch field.type {
        case .integer, .decimal:
            guard let number = Double(text), number.isFinite else { return .text(text) }
            return .number(number)
        default:
            return .text(text)
        }
    }

    /// The fields as the template draws them, in the form's order: hidden ones left out, calculated
    /// ones shown with their value, and `issues` beside the answers they concern.
    func view(
        _ result: ValidationResult, posted: Answers, issues: [FieldIssue], focus: String?, language: KioskLanguage
    ) -> [[String: Any]] {
        let messages = Dictionary(issues.map { ($0.path, $0.message.text(language)) }, uniquingKeysWith: { first, _ in first })
        let refreshing = Self.referenced(by: form)
        return form.fields.filter { !result.hidden.contains($0.id) }.map { field -> [String: Any] in
            guard field.type == .repeat else {
                return control(field, name: "f.\(field.id)", value: value(field, result.answers[field.id], posted[field.id]),
                               error: messages[field.id], refresh: refreshing.contains(field.id), focus: focus, language: language)
            }
            let entries: [Answers] = if case .group(let entries)? = result.answers[field.id] { entries } else { [] }
            let most = min(Int(field.maximum ?? Double(FormValidator.maxGroupEntries)), FormValidator.maxGroupEntries)
            let postedEntries: [Answers] = if case .group(let entries)? = posted[field.id] { entries } else { [] }
            return [
                "group": true, "label": field.label.text(language), "hint": field.hint?.text(language) ?? false,
                "required": field.required, "error": messages[field.id] ?? false, "count_name": "n.\(field.id)", "count": entries.count,
                "add": "add.\(field.id)", "can_add": entries.count < most, "id": "g-\(field.id)",
                "entries": entries.enumerated().map { i, entry -> [String: Any] in
                    let members = field.fields.filter { !result.isHidden($0.id, in: field.id, entry: i) }.map { member in
                        control(
                            member, name: "g.\(field.id).\(i).\(member.id)",
                            value: value(member, entry[member.id], postedEntries.indices.contains(i) ? postedEntries[i][member.id] : nil),
                            error: messages["\(field.id)[\(i + 1)].\(member.id)"], refresh: refreshing.contains(member.id), focus: focus,
                            language: language)
                    }
                    return ["number": i + 1, "remove": "remove.\(field.id).\(i)", "fields": members]
                },
            ]
        }
    }

    /// What a control shows: the validated value, or what was typed when it did not parse.
    private func value(_ field: Field, _ validated: AnswerValue?, _ posted: AnswerValue?) -> AnswerValue? {
        if case .text? = posted, field.type == .integer || field.type == .decimal { return posted }
        return validated ?? posted
    }

    private func control(
        _ field: Field, name: String, value: AnswerValue?, error: String?, refresh: Bool, focus: String?, language: KioskLanguage
    ) -> [String: Any] {
        let id = name.replacingOccurrences(of: ".", with: "-")
        // Every key the template asks for is set (false when absent): a missing one would be looked
        // up in the enclosing group's values.
        var control: [String: Any] = [
            "label": field.label.text(language), "hint": field.hint?.text(language) ?? false, "name": name, "id": id,
            "required": field.required, "error": error ?? false, "refresh": refresh, "focus": focus == name, "group": false,
            "note": false, "calculated": false, "input": false, "single": false, "multiple": false, "min": false, "max": false,
            "maxlength": false, "inputmode": false, "value": "",
        ]
        if field.type == .note {
            control["note"] = true
            return control
        }
        if field.calculate != nil {
            control["calculated"] = true
            control["value"] = value.map { field.display($0, language: language) } ?? ""
            return control
        }
        let text: String = switch value {
        case .text(let s)?: s
        case .number(let n)?: ExpressionValue.format(n)
        default: ""
        }
        switch field.type {
        case .singleChoice:
            control["single"] = true
            control["choices"] = field.choices.map { ["value": $0.value, "label": $0.label.text(language), "selected": $0.value == text] }
        case .multipleChoice:
            let chosen: [String] = if case .list(let list)? = value { list } else { [] }
            control["multiple"] = true
            control["choices"] = field.choices.enumerated().map { index, choice -> [String: Any] in
                ["name": "\(name).\(index)", "id": "\(id)-\(index)", "label": choice.label.text(language),
                 "checked": chosen.contains(choice.value)]
            }
        case .date:
            control["input"] = true
            control["type"] = "date"
            control["value"] = text
            control["min"] = field.earliest?.description ?? false
            control["max"] = field.latest?.description ?? false
        case .integer, .decimal:
            control["input"] = true
            control["type"] = "text"
            control["inputmode"] = field.type == .integer ? "numeric" : "decimal"
            control["value"] = text
        default:
            control["input"] = true
            control["type"] = field.type == .phone ? "tel" : "text"
            control["value"] = text
            control["maxlength"] = field.type == .text ? field.maxLength : 40
            if field.type != .text { control["inputmode"] = field.type == .phone || field.type == .bankCard ? "numeric" : "text" }
        }
        return control
    }

    /// The ids of fields that some relevance or calculation reads: changing one redraws the form.
    static func referenced(by form: Form) -> Set<String> {
        var names: Set<String> = []
        func collect(_ field: Field) {
            for expression in [field.relevant, field.calculate].compactMap({ $0 }) {
                for reference in expression.references {
                    names.insert(reference.name)
                    if let member = reference.member { names.insert(member) }
                }
            }
        }
        for field in form.fields {
            collect(field)
            field.fields.forEach(collect)
        }
        return names
    }
}
