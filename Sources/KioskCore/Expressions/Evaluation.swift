import Foundation

/// A value an expression works with.
public enum ExpressionValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case number(Double)
    case text(String)
    case date(CalendarDate)
    /// The values selected in a multiple-choice field.
    case list([String])
    /// The entries of a repeat group.
    case group([[String: ExpressionValue]])

    /// Whether the value counts as true in a condition.
    public var isTruthy: Bool {
        switch self {
        case .none: false
        case .bool(let b): b
        case .number(let n): n != 0 && !n.isNaN
        case .text(let s): !s.isEmpty
        case .date: true
        case .list(let l): !l.isEmpty
        case .group(let g): !g.isEmpty
        }
    }

    /// The value as a number, when it is one or is text that reads as one.
    public var number: Double? {
        switch self {
        case .number(let n): n
        case .text(let s): Double(s.trimmingWhitespace())
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    /// The value as text, as `concat` shows it.
    public var text: String {
        switch self {
        case .none: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): ExpressionValue.format(n)
        case .text(let s): s
        case .date(let d): d.description
        case .list(let l): l.joined(separator: " ")
        case .group(let g): "\(g.count)"
        }
    }

    /// Formats a number without a trailing `.0` when it is whole.
    public static func format(_ n: Double) -> String {
        if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }
}

/// What an expression is evaluated against.
public struct EvaluationContext: Sendable {
    /// Top-level answers (repeat groups as `.group`).
    public var values: [String: ExpressionValue]
    /// The repeat-group entry the expression belongs to, if any.
    public var entry: [String: ExpressionValue]?
    /// The value of the field a constraint belongs to (`.`).
    public var current: ExpressionValue
    /// Today's date, from the kiosk's clock.
    public var today: CalendarDate

    public init(values: [String: ExpressionValue], entry: [String: ExpressionValue]? = nil, current: ExpressionValue = .none, today: CalendarDate) {
        self.values = values
        self.entry = entry
        self.current = current
        self.today = today
    }
}

extension Expression {
    /// Evaluates the expression; a missing value, a division by zero or a type mismatch gives `.none`.
    public func evaluate(in context: EvaluationContext) -> ExpressionValue {
        root.evaluate(context)
    }

    /// Evaluates the expression as a condition.
    public func isTrue(in context: EvaluationContext) -> Bool {
        evaluate(in: context).isTruthy
    }
}

extension Node {
    func evaluate(_ c: EvaluationContext) -> ExpressionValue {
        switch self {
        case .number(let n): return .number(n)
        case .text(let s): return .text(s)
        case .bool(let b): return .bool(b)
        case .current: return c.current
        case .reference(let r):
            if let member = r.member {
                guard case .group(let entries) = c.values[r.name] ?? .none else { return .none }
                return .list(entries.map { ($0[member] ?? .none).text })
            }
            return c.entry?[r.name] ?? c.values[r.name] ?? .none
        case .negate(let n):
            guard let v = n.evaluate(c).number else { return .none }
            return .number(-v)
        case .binary(let op, let a, let b):
            return Node.apply(op, a, b, c)
        case .call(let f, let args):
            return Node.call(f, args, c)
        }
    }

    static func apply(_ op: BinaryOperator, _ a: Node, _ b: Node, _ c: EvaluationContext) -> ExpressionValue {
        switch op {
        case .and: return .bool(a.evaluate(c).isTruthy && b.evaluate(c).isTruthy)
        case .or: return .bool(a.evaluate(c).isTruthy || b.evaluate(c).isTruthy)
        default: break
        }
        let l = a.evaluate(c)
        let r = b.evaluate(c)
        switch op {
        case .add, .subtract:
            if case .date(let d) = l, let n = r.number, n == n.rounded(), abs(n) < 3_000_000 {
                return .date(d.adding(days: Int(op == .add ? n : -n)))
            }
            if op == .subtract, let x = l.date, let y = r.date { return .number(Double(x.ordinal - y.ordinal)) }
            guard let x = l.number, let y = r.number else { return .none }
            return .number(op == .add ? x + y : x - y)
        case .multiply:
            guard let x = l.number, let y = r.number else { return .none }
            return .number(x * y)
        case .divide:
            guard let x = l.number, let y = r.number, y != 0 else { return .none }
            return .number(x / y)
        case .modulo:
            guard let x = l.number, let y = r.number, y != 0 else { return .none }
            return .number(x.truncatingRemainder(dividingBy: y))
        case .equal, .notEqual:
            let same = ExpressionValue.equal(l, r)
            return .bool(op == .equal ? same : !same)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = ExpressionValue.order(l, r) else { return .bool(false) }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .and, .or:
            return .none
        }
    }

    static func call(_ f: Function, _ args: [Node], _ c: EvaluationContext) -> ExpressionValue {
        let values = { args.map { $0.evaluate(c) } }
        switch f {
        case .today: return .date(c.today)
        case .not: return .bool(!args[0].evaluate(c).isTruthy)
        case .if: return args[0].evaluate(c).isTruthy ? args[1].evaluate(c) : args[2].evaluate(c)
        case .age:
            guard let birth = ExpressionValue.birthDate(args[0].evaluate(c), today: c.today) else { return .none }
            return .number(Double(birth.years(until: c.today)))
        case .birthDate:
            guard let birth = ExpressionValue.birthDate(args[0].evaluate(c), today: c.today) else { return .none }
            return .date(birth)
        case .sex:
            guard case .text(let s) = args[0].evaluate(c), let id = try? ResidentID(s, today: c.today) else { return .none }
            return .text(id.sex.rawValue)
        case .count, .countSelected:
            switch args[0].evaluate(c) {
            case .group(let g): return .number(Double(g.count))
            case .list(let l): return .number(Double(l.count))
            case .none: return .number(0)
            case .text(let s): return .number(s.isEmpty ? 0 : 1)
            default: return .number(1)
            }
        case .selected:
            let choice = args[1].evaluate(c).text
            switch args[0].evaluate(c) {
            case .list(let l): return .bool(l.contains(choice))
            case let v: return .bool(v != .none && v.text == choice)
            }
        case .stringLength:
            let v = args[0].evaluate(c)
            return v == .none ? .number(0) : .number(Double(v.text.count))
        case .concat:
            return .text(values().map(\.text).joined())
        case .min, .max:
            let numbers = values().compactMap(\.number)
            guard let first = numbers.first else { return .none }
            return .number(numbers.dropFirst().reduce(first) { f == .min ? Swift.min($0, $1) : Swift.max($0, $1) })
        case .sum:
            switch args[0].evaluate(c) {
            case .list(let l): return .number(l.compactMap { Double($0) }.reduce(0, +))
            case let v: return v.number.map(ExpressionValue.number) ?? .number(0)
            }
        case .number:
            return args[0].evaluate(c).number.map(ExpressionValue.number) ?? .none
        case .round:
            let all = values()
            guard let x = all[0].number else { return .none }
            let digits = all.count > 1 ? Int(Swift.max(0, Swift.min(all[1].number ?? 0, 10))) : 0
            let scale = pow(10.0, Double(digits))
            return .number((x * scale).rounded() / scale)
        }
    }
}

extension ExpressionValue {
    var date: CalendarDate? {
        switch self {
        case .date(let d): d
        case .text(let s): CalendarDate(iso: s)
        default: nil
        }
    }

    static func birthDate(_ v: ExpressionValue, today: CalendarDate) -> CalendarDate? {
        if let d = v.date { return d }
        guard case .text(let s) = v else { return nil }
        return (try? ResidentID(s, today: today))?.birthDate
    }

    static func equal(_ l: ExpressionValue, _ r: ExpressionValue) -> Bool {
        if let order = order(l, r) { return order == 0 }
        return l.text == r.text
    }

    /// Compares numbers as numbers, dates as dates, other values as text; nil when either is missing.
    static func order(_ l: ExpressionValue, _ r: ExpressionValue) -> Int? {
        if l == .none || r == .none { return nil }
        if case .date = l, let x = l.date, let y = r.date { return x < y ? -1 : (x == y ? 0 : 1) }
        if case .date = r, let x = l.date, let y = r.date { return x < y ? -1 : (x == y ? 0 : 1) }
        if let x = l.number, let y = r.number { return x < y ? -1 : (x == y ? 0 : 1) }
        let x = l.text
        let y = r.text
        return x < y ? -1 : (x == y ? 0 : 1)
    }
}
