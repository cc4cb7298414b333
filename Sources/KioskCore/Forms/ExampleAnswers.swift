import Foundation

/// Makes a valid answer set from a form definition, for trying a new catalog and for tests.
public enum ExampleAnswers {
    /// Answers that validate against `form` on `today`, or the best attempt when its constraints cannot all be met.
    public static func generate(for form: Form, today: CalendarDate) -> Answers {
        var pick: [String: Int] = [:]  // field path ("id" or "group.member") -> candidate index
        var best: Answers = [:]
        var fewest = Int.max
        for _ in 0..<24 {
            let answers = build(form.fields, prefix: "", pick: pick, today: today)
            let result = FormValidator.validate(answers, form: form, today: today)
            let visible = answers.filter { !result.hidden.contains($0.key) }
            if result.issues.count < fewest {
                fewest = result.issues.count
                best = visible
            }
            if result.isValid { return visible }
            for issue in result.issues {
                // "members[1].age" -> "members.age"
                let key = issue.path.replacing(/\[\d+\]/, with: "")
                pick[key, default: 0] += 1
            }
        }
        return best
    }

    private static func build(_ fields: [Field], prefix: String, pick: [String: Int], today: CalendarDate) -> Answers {
        var answers: Answers = [:]
        for field in fields where field.isAnswered {
            let key = prefix + field.id
            if field.type == .repeat {
                let least = max(Int(field.minimum ?? 0), 1)
                let count = min(least + (pick[key] ?? 0), Int(field.maximum ?? Double(FormValidator.maxGroupEntries)))
                let entry = build(field.fields, prefix: key + ".", pick: pick, today: today)
                answers[field.id] = .group(Array(repeating: entry, count: max(count, 0)))
                continue
            }
            let options = candidates(for: field, today: today)
            if !options.isEmpty { answers[field.id] = options[(pick[key] ?? 0) % options.count] }
        }
        return answers
    }

    /// Plausible answers for a field, most ordinary first.
    static func candidates(for field: Field, today: CalendarDate) -> [AnswerValue] {
        switch field.type {
        case .text:
            let label = field.label.zh
            let text =
                field.asksForName ? "张三"
                : label.contains("地址") || label.contains("住址") ? "新河镇大桥村3组12号"
                : label.contains("名称") ? "新河镇示例商店"
                : "示例内容"
            return [.text(String(text.prefix(max(field.maxLength, 1))))]
        case .integer, .decimal:
            let low = field.minimum ?? 0
            let high = field.maximum ?? max(low, 100)
            let middle = field.type == .integer ? ((low + high) / 2).rounded(.down) : (low + high) / 2
            return [max(low, min(high, 1)), middle, low, high].map(AnswerValue.number)
        case .date:
            let base = [today.adding(days: -30), today, today.adding(years: -1), today.adding(days: 30), today.adding(years: -20)]
            let bounded = base.filter { d in field.earliest.map { d >= $0 } ?? true && field.latest.map { d <= $0 } ?? true }
            return (bounded + [field.earliest, field.latest].compactMap { $0 }).map { .text($0.description) }
        case .singleChoice:
            return field.choices.map { .text($0.value) }
        case .multipleChoice:
            return field.choices.indices.map { .list([field.choices[$0].value]) } + (field.choices.count > 1 ? [.list(field.choices.prefix(2).map(\.value))] : [])
        case .idNumber:
            return [45, 65, 82, 30, 18, 70, 8].enumerated().map { i, age in .text(exampleID(age: age, male: i % 2 == 0, today: today)) }
        case .phone:
            return [.text("13800138000"), .text("0571-87654321")]
        case .creditCode:
            let body = "91330100MA2B3C4D5"
            return [.text(body + String(CreditCode.checkCharacter(for: Array(body))!))]
        case .bankCard:
            let body = "621700000012345678"
            return [.text(body + String(BankCard.checkDigit(for: body)))]
        case .note, .repeat:
            return []
        }
    }

    /// A valid ID number for a person of `age` (a few days past their birthday).
    public static func exampleID(age: Int, male: Bool, today: CalendarDate) -> String {
        let birth = today.adding(days: -10).adding(years: -age)
        let body = "330102" + String(format: "%04d%02d%02d", birth.year, birth.month, birth.day) + (male ? "123" : "124")
        return body + String(ResidentID.checkCharacter(for: Array(body))!)
    }
}
