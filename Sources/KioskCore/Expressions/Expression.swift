// Over 300 lines in one file: the parser and the evaluator of the catalog's expression language share its grammar.

/// A parsed expression of the catalog's small language (see docs/catalog.md).
///
/// Expressions are parsed when the catalog loads; evaluating one never crashes and never loops,
/// since the language has no loops and every function is total.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// The text it was parsed from.
    public let source: String
    let root: Node

    /// Parses `source`, or throws an error naming the character offset of the problem.
    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        var parser = Parser(tokens: try Lexer.tokens(of: source), length: source.count)
        root = try parser.parseAll()
    }

    public var description: String { source }

    /// Every `${name}` (or `${group.field}`) reference, with its character offset.
    public var references: [Reference] {
        var found: [Reference] = []
        root.collectReferences(into: &found)
        return found
    }

    /// A `${…}` reference in an expression.
    public struct Reference: Sendable, Hashable {
        /// The field named, or the repeat group for `${group.field}`.
        public var name: String
        /// The field inside the group, for `${group.field}`.
        public var member: String?
        /// Character offset of the `$` in the source.
        public var offset: Int
    }
}

/// Why an expression cannot be parsed; `offset` counts characters from its start.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Character offset (0-based) where the problem is.
    public var offset: Int
    /// What is wrong.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "column \(offset + 1): \(message)" }
}

indirect enum Node: Sendable, Hashable {
    case number(Double)
    case text(String)
    case bool(Bool)
    case current
    case reference(Expression.Reference)
    case negate(Node)
    case binary(BinaryOperator, Node, Node)
    case call(Function, [Node])

    func collectReferences(into found: inout [Expression.Reference]) {
        switch self {
        case .reference(let r): found.append(r)
        case .negate(let n): n.collectReferences(into: &found)
        case .binary(_, let a, let b):
            a.collectReferences(into: &found)
            b.collectReferences(into: &found)
        case .call(_, let args): args.forEach { $0.collectReferences(into: &found) }
        case .number, .text, .bool, .current: break
        }
    }
}

enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "div", modulo = "mod"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or
}

/// The functions expressions may call, with their arities.
enum Function: String, Sendable, Hashable, CaseIterable {
    case today, age, count, countSelected = "count-selected", selected, stringLength = "string-length"
    case concat, `if`, min, max, sum, birthDate = "birth-date", sex, number, round, not

    var arity: ClosedRange<Int> {
        switch self {
        case .today: 0...0
        case .age, .count, .countSelected, .stringLength, .sum, .birthDate, .sex, .number, .not: 1...1
        case .selected: 2...2
        case .round: 1...2
        case .if: 3...3
        case .concat, .min, .max: 1...16
        }
    }
}

// MARK: - Lexer

enum Token: Sendable, Equatable {
    case number(Double)
    case text(String)
    case identifier(String)
    case reference(String, String?)
    case symbol(String)
    case dot
    case end
}

struct PositionedToken: Sendable {
    var token: Token
    var offset: Int
}

enum Lexer {
    static func tokens(of source: String) throws(ExpressionError) -> [PositionedToken] {
        let chars = Array(source)
        var tokens: [PositionedToken] = []
        var i = 0
        func fail(_ message: String, at offset: Int) -> ExpressionError {
            ExpressionError(offset: offset, message: message)
        }
        while i < chars.count {
            let c = chars[i]
            let start = i
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c.isASCIIDigit || (c == "." && i + 1 < chars.count && chars[i + 1].isASCIIDigit) {
                var j = i
                while j < chars.count, chars[j].isASCIIDigit || chars[j] == "." { j += 1 }
                let literal = String(chars[i..<j])
                guard let value = Double(literal), literal.filter({ $0 == "." }).count <= 1 else {
                    throw fail("bad number '\(literal)'", at: start)
                }
                tokens.append(PositionedToken(token: .number(value), offset: start))
                i = j
            } else if c == "'" || c == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else {
                    throw fail("unterminated string", at: start)
                }
                tokens.append(PositionedToken(token: .text(String(chars[(i + 1)..<close])), offset: start))
                i = close + 1
            } else if c == "$" {
                guard i + 1 < chars.count, chars[i + 1] == "{" else { throw fail("expected '{' after '$'", at: start) }
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    throw fail("unterminated reference, expected '}'", at: start)
                }
                let name = String(chars[(i + 2)..<close])
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard (1...2).contains(parts.count), parts.allSatisfy(isFieldID) else {
                    throw fail("bad field reference '${\(name)}'", at: start)
                }
                tokens.append(PositionedToken(token: .reference(parts[0], parts.count == 2 ? parts[1] : nil), offset: start))
                i = close + 1
            } else if c.isLetter && c.isASCII {
                var j = i
                while j < chars.count, (chars[j].isLetter && chars[j].isASCII) || chars[j].isASCIIDigit || chars[j] == "-" || chars[j] == "_" {
                    j += 1
                }
                // A trailing '-' belongs to an arithmetic minus, not the name.
                while chars[j - 1] == "-" { j -= 1 }
                tokens.append(PositionedToken(token: .identifier(String(chars[i..<j])), offset: start))
                i = j
            } else {
                let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
                if ["<=", ">=", "!=", "=="].contains(two) {
                    tokens.append(PositionedToken(token: .symbol(two == "==" ? "=" : two), offset: start))
                    i += 2
                } else if "+-*/%=<>(),".contains(c) {
                    tokens.append(PositionedToken(token: .symbol(String(c)), offset: start))
                    i += 1
                } else if c == "." {
                    tokens.append(PositionedToken(token: .dot, offset: start))
                    i += 1
                } else {
                    throw fail("unexpected character '\(c)'", at: start)
                }
            }
        }
        tokens.append(PositionedToken(token: .end, offset: chars.count))
        return tokens
    }

    /// Whether `name` is a valid field id: `a-z 0-9 _`, starting with a letter.
    static func isFieldID(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase else { return false }
        return name.allSatisfy { ($0.isASCII && $0.isLowercase) || $0.isASCIIDigit || $0 == "_" }
    }
}

// MARK: - Parser

struct Parser {
    var tokens: [PositionedToken]
    var length: Int
    var position = 0
    var depth = 0

    init(tokens: [PositionedToken], length: Int) {
        self.tokens = tokens
        self.length = length
    }

    var current: PositionedToken { tokens[position] }

    mutating func parseAll() throws(ExpressionError) -> Node {
        guard current.token != .end else { throw ExpressionError(offset: 0, message: "empty expression") }
        let node = try parseOr()
        guard current.token == .end else { throw unexpected() }
        return node
    }

    func unexpected() -> ExpressionError {
        switch current.token {
        case .end: ExpressionError(offset: current.offset, message: "unexpected end of expression")
        default: ExpressionError(offset: current.offset, message: "unexpected \(describe(current.token))")
        }
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .number(let n): "number \(n)"
        case .text(let s): "text '\(s)'"
        case .identifier(let s): "'\(s)'"
        case .reference(let n, let m): "'${\(n)\(m.map { "." + $0 } ?? "")}'"
        case .symbol(let s): "'\(s)'"
        case .dot: "'.'"
        case .end: "end"
        }
    }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    mutating func keyword(_ word: String) -> Bool {
        if case .identifier(word) = current.token {
            advance()
            return true
        }
        return false
    }

    mutating func symbol(_ s: String) -> Bool {
        if case .symbol(s) = current.token {
            advance()
            return true
        }
        return false
    }

    mutating func parseOr() throws(ExpressionError) -> Node {
        var left = try parseAnd()
        while keyword("or") { left = .binary(.or, left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws(ExpressionError) -> Node {
        var left = try parseComparison()
        while keyword("and") { left = .binary(.and, left, try parseComparison()) }
        return left
    }

    mutating func parseComparison() throws(ExpressionError) -> Node {
        let left = try parseAdditive()
        for op in [BinaryOperator.lessOrEqual, .greaterOrEqual, .notEqual, .equal, .less, .greater] where symbol(op.rawValue) {
            return .binary(op, left, try parseAdditive())
        }
        return left
    }

    mutating func parseAdditive() throws(ExpressionError) -> Node {
        var left = try parseMultiplicative()
        while true {
            if symbol("+") {
                left = .binary(.add, left, try parseMultiplicative())
            } else if symbol("-") {
                left = .binary(.subtract, left, try parseMultiplicative())
            } else {
                return left
            }
        }
    }

    mutating func parseMultiplicative() throws(ExpressionError) -> Node {
        var left = try parseUnary()
        while true {
            if symbol("*") {
                left = .binary(.multiply, left, try parseUnary())
            } else if symbol("/") || keyword("div") {
                left = .binary(.divide, left, try parseUnary())
            } else if symbol("%") || keyword("mod") {
                left = .binary(.modulo, left, try parseUnary())
            } else {
                return left
            }
        }
    }

    mutating func parseUnary() throws(ExpressionError) -> Node {
        if symbol("-") { return .negate(try parseUnary()) }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(ExpressionError) -> Node {
        let token = current
        switch token.token {
        case .number(let n):
            advance()
            return .number(n)
        case .text(let s):
            advance()
            return .text(s)
        case .reference(let name, let member):
            advance()
            return .reference(Expression.Reference(name: name, member: member, offset: token.offset))
        case .dot:
            advance()
            return .current
        case .symbol("("):
            advance()
            depth += 1
            guard depth <= 64 else { throw ExpressionError(offset: token.offset, message: "expression nested too deeply") }
            let inner = try parseOr()
            depth -= 1
            guard symbol(")") else { throw ExpressionError(offset: current.offset, message: "expected ')'") }
            return inner
        case .identifier("true"):
            advance()
            return .bool(true)
        case .identifier("false"):
            advance()
            return .bool(false)
        case .identifier(let name):
            advance()
            guard let function = Function(rawValue: name) else {
                throw ExpressionError(offset: token.offset, message: "unknown function '\(name)'")
            }
            guard symbol("(") else { throw ExpressionError(offset: current.offset, message: "expected '(' after '\(name)'") }
            var args: [Node] = []
            depth += 1
            guard depth <= 64 else { throw ExpressionError(offset: token.offset, message: "expression nested too deeply") }
            if !symbol(")") {
                repeat { args.append(try parseOr()) } while symbol(",")
                guard symbol(")") else { throw ExpressionError(offset: current.offset, message: "expected ',' or ')'") }
            }
            depth -= 1
            guard function.arity.contains(args.count) else {
                let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound)-\(function.arity.upperBound)"
                throw ExpressionError(offset: token.offset, message: "'\(name)' takes \(expected) argument(s), not \(args.count)")
            }
            if function == .sum, case .reference(let r) = args[0], r.member == nil {
                throw ExpressionError(offset: r.offset, message: "sum() takes a group's field, e.g. sum(${group.field})")
            }
            return .call(function, args)
        default:
            throw unexpected()
        }
    }
}
