import Foundation

/// A problem with one answer; `path` reads like `members[2].id_number` (entries count from 1).
public struct FieldIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: LocalizedText

    public init(path: String, message: LocalizedText) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message.zh)" }
}

/// The outcome of validating answers against a form.
public struct ValidationResult: Sendable {
    /// The answers as they will be stored: normalised, irrelevant ones dropped, calculations filled in.
    public var answers: Answers
    /// Every problem found, in form order.
    public var issues: [FieldIssue]
    /// Top-level fields that are not asked, given these answers.
    public var hidden: Set<String>
    /// Members of repeat-group entries that are not asked, given these answers: `group.member` -> entry indexes (from 0).
    public var hiddenMembers: [String: Set<Int>]

    public var isValid: Bool { issues.isEmpty }

    /// Whether `member` of entry `index` (from 0) of the repeat group `group` is not asked, given these answers.
    public func isHidden(_ member: String, in group: String, entry index: Int) -> Bool {
        hiddenMembers["\(group).\(member)"]?.contains(index) == true
    }
}

/// Checks answers against a form: relevance, calculations (in dependency order), types, bounds and constraints.
public enum FormValidator {
    /// The most entries any repeat group accepts, whatever its definition says.
    public static let maxGroupEntries = 50

    /// Validates `answers`; `today` comes from the kiosk's clock.
    public static func validate(_ answers: Answers, form: Form, today: CalendarDate) -> ValidationResult {
        var issues: [FieldIssue] = []
        var values = answers
        reportUnknown(in: answers, fields: form.fields, prefix: "", into: &issues)
        for field in form.fields where field.type == .repeat {
            if case .group(let entries)? = values[field.id] {
                for (i, entry) in entries.enumerated() {
                    reportUnknown(in: entry, fields: field.fields, prefix: "\(field.id)[\(i + 1)].", into: &issues)
                }
            }
        }
        fillDefaults(&values, fields: form.fields)
        for field in form.fields where field.type == .repeat {
            guard case .group(var entries)? = values[field.id] else { continue }
            for i in entries.indices { fillDefaults(&entries[i], fields: field.fields) }
            values[field.id] = .group(entries)
        }

        var hidden: Set<String> = []
        var hiddenMembers: [String: Set<Int>] = [:]  // "group.member" -> hidden entry indices
        // The top-level values as expressions, kept in step with `values`.
        var expressions = expressionValues(values, form.fields)
        func set(_ value: AnswerValue?, of field: Field) {
            values[field.id] = value
            expressions[field.id] = value.map { expressionValue($0, of: field) }
        }
        for path in form.order {
            let top = form.fields[path.top]
            if hidden.contains(top.id) { continue }
            guard let m = path.member else {
                guard top.relevant != nil || top.calculate != nil else { continue }
                let context = EvaluationContext(values: expressions, today: today)
                if let relevant = top.relevant, !relevant.isTrue(in: context) {
                    hidden.insert(top.id)
                    set(nil, of: top)
                } else if let calculate = top.calculate {
                    set(answerValue(calculate.evaluate(in: context)), of: top)
                }
                continue
            }
            let member = top.fields[m]
            guard member.relevant != nil || member.calculate != nil, case .group(var entries)? = values[top.id] else { continue }
            for i in entries.indices {
                let context = EvaluationContext(values: expressions, entry: expressionValues(entries[i], top.fields), today: today)
                if let relevant = member.relevant, !relevant.isTrue(in: context) {
                    hiddenMembers["\(top.id).\(member.id)", default: []].insert(i)
                    entries[i][member.id] = nil
                } else if let calculate = member.calculate {
                    entries[i][member.id] = answerValue(calculate.evaluate(in: context))
                }
            }
            set(.group(entries), of: top)
        }

        let topContext = expressions
        for field in form.fields where !hidden.contains(field.id) {
            if field.type == .note {
                values[field.id] = nil
                continue
            }
            check(field, &values[field.id], path: field.id, context: EvaluationContext(values: topContext, today: today), into: &issues)
            guard field.type == .repeat, case .group(var entries)? = values[field.id] else { continue }
            for i in entries.indices {
                let context = EvaluationContext(values: topContext, entry: expressionValues(entries[i], field.fields), today: today)
                for member in field.fields where member.type != .note {
                    if hiddenMembers["\(field.id).\(member.id)"]?.contains(i) == true { continue }
                    check(member, &entries[i][member.id], path: "\(field.id)[\(i + 1)].\(member.id)", context: context, into: &issues)
                }
                for member in field.fields where member.type == .note { entries[i][member.id] = nil }
            }
            values[field.id] = .group(entries)
        }
        return ValidationResult(answers: values, issues: issues, hidden: hidden, hiddenMembers: hiddenMembers)
    }

    private static func reportUnknown(in answers: Answers, fields: [Field], prefix: String, into issues: inout [FieldIssue]) {
        let known = Set(fields.map(\.id))
        for key in answers.keys.filter({ !known.contains($0) }).sorted() {
            issues.append(FieldIssue(path: prefix + key, message: LocalizedText(zh: "表单中没有这一项", en: "This form has no such field")))
        }
    }

    private static func fillDefaults(_ values: inout Answers, fields: [Field]) {
        for field in fields where values[field.id] == nil && field.isAnswered {
            if let value = field.defaultValue { values[field.id] = value }
        }
    }

    /// The answers as expression values (dates as dates, groups as entries).
    static func expressionValues(_ answers: Answers, _ fields: [Field]) -> [String: ExpressionValue] {
        var out: [String: ExpressionValue] = [:]
        out.reserveCapacity(answers.count)
        for field in fields {
            if let value = answers[field.id] { out[field.id] = expressionValue(value, of: field) }
        }
        return out
    }

    /// One answer as an expression value.
    static func expressionValue(_ value: AnswerValue, of field: Field) -> ExpressionValue {
        switch (field.type, value) {
        case (.date, .text(let s)): CalendarDate(iso: s).map(ExpressionValue.date) ?? .text(s)
        case (_, .text(let s)): .text(s)
        case (_, .number(let n)): .number(n)
        case (_, .list(let l)): .list(l)
        case (_, .group(let entries)): .group(entries.map { expressionValues($0, field.fields) })
        }
    }

    static func answerValue(_ value: ExpressionValue) -> AnswerValue? {
        switch value {
        case .none: nil
        case .bool(let b): .text(b ? "true" : "false")
        case .number(let n): n.isFinite ? .number(n) : nil
        case .text(let s): .text(s)
        case .date(let d): .text(d.description)
        case .list(let l): .list(l)
        case .group: nil
        }
    }

    /// Checks one answer, normalising it in place (e.g. an ID number's `x` upper-cased).
    private static func check(_ field: Field, _ value: inout AnswerValue?, path: String, context: EvaluationContext, into issues: inout [FieldIssue]) {
        func fail(_ message: LocalizedText) { issues.append(FieldIssue(path: path, message: message)) }
        if case .text(let s)? = value, s.trimmingWhitespace().isEmpty { value = nil }
        if case .list(let l)? = value, l.isEmpty { value = nil }
        guard let answer = value else {
            if field.required && field.calculate == nil {
                fail(field.requiredMessage ?? LocalizedText(zh: "这一项必须填写", en: "This field is required"))
            }
            return
        }
        if field.calculate != nil { return }
        if let problem = typeProblem(field, answer, today: context.today, normalized: &value) {
            fail(problem)
            return
        }
        if let constraint = field.constraint {
            var context = context
            context.current = expressionValue(value!, of: field)
            if !constraint.expression.isTrue(in: context) { fail(constraint.message) }
        }
    }

    private static func typeProblem(_ field: Field, _ answer: AnswerValue, today: CalendarDate, normalized: inout AnswerValue?) -> LocalizedText? {
        switch (field.type, answer) {
        case (.text, .text(let s)):
            if s.unicodeScalars.contains(where: \.isControlOrFormat) {
                return LocalizedText(zh: "不能包含控制字符", en: "Control characters are not allowed")
            }
            if s.count > field.maxLength {
                return LocalizedText(zh: "最多\(field.maxLength)个字,现在是\(s.count)个", en: "At most \(field.maxLength) characters, not \(s.count)")
            }
            normalized = .text(s.trimmingWhitespace())
        case (.integer, .number(let n)) where n == n.rounded(), (.decimal, .number(let n)):
            if let min = field.minimum, n < min {
                return LocalizedText(zh: "不能小于\(ExpressionValue.format(min))", en: "Must be at least \(ExpressionValue.format(min))")
            }
            if let max = field.maximum, n > max {
                return LocalizedText(zh: "不能大于\(ExpressionValue.format(max))", en: "Must be at most \(ExpressionValue.format(max))")
            }
        case (.integer, .number):
            return LocalizedText(zh: "请填写整数", en: "Enter a whole number")
        case (.date, .text(let s)):
            guard let date = CalendarDate(iso: s) else {
                return LocalizedText(zh: "日期格式应为 年-月-日,如 2024-03-01", en: "Enter a date as YYYY-MM-DD")
            }
            if let earliest = field.earliest, date < earliest {
                return LocalizedText(zh: "日期不能早于\(earliest)", en: "The date cannot be before \(earliest)")
            }
            if let latest = field.latest, date > latest {
                return LocalizedText(zh: "日期不能晚于\(latest)", en: "The date cannot be after \(latest)")
            }
        case (.singleChoice, .text(let s)):
            if field.choiceLabel(s) == nil { return LocalizedText(zh: "请从给出的选项中选择", en: "Choose one of the options") }
        case (.multipleChoice, .list(let l)):
            if l.contains(where: { field.choiceLabel($0) == nil }) {
                return LocalizedText(zh: "请从给出的选项中选择", en: "Choose from the options")
            }
            if Set(l).count != l.count { return LocalizedText(zh: "同一选项选了两次", en: "An option is chosen twice") }
        case (.idNumber, .text(let s)):
            do {
                normalized = .text(try ResidentID(s, today: today).value)
            } catch {
                return error.message
            }
        case (.phone, .text(let s)):
            guard let phone = PhoneNumber.normalized(s) else {
                return LocalizedText(zh: "电话号码不对:手机11位,座机请加区号", en: "Not a phone number: 11-digit mobile, or landline with area code")
            }
            normalized = .text(phone)
        case (.creditCode, .text(let s)):
            guard CreditCode.isValid(s) else {
                return LocalizedText(zh: "统一社会信用代码不对,请逐位核对(18位)", en: "The unified social credit code is not valid")
            }
            normalized = .text(s.uppercased())
        case (.bankCard, .text(let s)):
            guard BankCard.isValid(s) else {
                return LocalizedText(zh: "银行卡号不对,请逐位核对", en: "The bank card number is not valid")
            }
            normalized = .text(s.filter { $0 != " " })
        case (.repeat, .group(let entries)):
            let least = Int(field.minimum ?? 0)
            let most = min(Int(field.maximum ?? Double(maxGroupEntries)), maxGroupEntries)
            if entries.count < least { return LocalizedText(zh: "至少要填\(least)条", en: "Add at least \(least) entries") }
            if entries.count > most { return LocalizedText(zh: "最多只能填\(most)条", en: "At most \(most) entries") }
        default:
            return LocalizedText(zh: "这一项的答案类型不对", en: "This answer has the wrong type")
        }
        return nil
    }
}
