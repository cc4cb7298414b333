import KioskCore
import Testing

@Suite struct ExpressionTests {
    let today = CalendarDate(year: 2026, month: 11, day: 27)!

    func eval(_ source: String, _ values: [String: ExpressionValue] = [:]) throws -> ExpressionValue {
        try Expression(source).evaluate(in: EvaluationContext(values: values, today: today))
    }

    @Test func arithmeticAndPrecedence() throws {
        #expect(try eval("1 + 2 * 3") == .number(7))
        #expect(try eval("(1 + 2) * 3") == .number(9))
        #expect(try eval("7 div 2") == .number(3.5))
        #expect(try eval("7 mod 4") == .number(3))
        #expect(try eval("-2 - -3") == .number(1))
        #expect(try eval("10 / 0") == .none)
    }

    @Test func comparisonsAndLogic() throws {
        #expect(try eval("${a} > 3 and ${b} = 'x'", ["a": .number(5), "b": .text("x")]) == .bool(true))
        #expect(try eval("${a} >= 3 or not(${b} != 'x')", ["a": .number(1), "b": .text("y")]) == .bool(false))
        #expect(try eval("'10' > 9") == .bool(true))
        #expect(try eval("${missing} > 0") == .bool(false))
        #expect(try eval("${missing} = ''") == .bool(true))
    }

    @Test func functions() throws {
        let id = ExpressionValue.text("110101199003074477")
        #expect(try eval("age(${id})", ["id": id]) == .number(36))
        #expect(try eval("sex(${id})", ["id": id]) == .text("male"))
        #expect(try eval("birth-date(${id})", ["id": id]) == .date(CalendarDate(year: 1990, month: 3, day: 7)!))
        #expect(try eval("today() - 1") == .date(CalendarDate(year: 2026, month: 11, day: 26)!))
        #expect(try eval("string-length('张三丰')") == .number(3))
        #expect(try eval("selected(${f}, 'b')", ["f": .list(["a", "b"])]) == .bool(true))
        #expect(try eval("count-selected(${f})", ["f": .list(["a", "b"])]) == .number(2))
        #expect(try eval("if(1 > 2, 'y', 'n')") == .text("n"))
        #expect(try eval("concat('第', 3, '步')") == .text("第3步"))
        #expect(try eval("round(2.345, 2)") == .number(2.35))
        #expect(try eval("min(3, 1, 2) + max(3, 1, 2)") == .number(4))
        let members = ExpressionValue.group([["income": .number(1000)], ["income": .number(500)]])
        #expect(try eval("count(${m})", ["m": members]) == .number(2))
        #expect(try eval("sum(${m.income}) div count(${m})", ["m": members]) == .number(750))
    }

    @Test(arguments: [
        ("1 +", 3, "unexpected end of expression"),
        ("${a} >> 2", 6, "unexpected '>'"),
        ("foo(1)", 0, "unknown function 'foo'"),
        ("'open", 0, "unterminated string"),
        ("age(1, 2)", 0, "'age' takes 1 argument(s), not 2"),
        ("${A}", 0, "bad field reference '${A}'"),
        ("(1 + 2", 6, "expected ')'"),
        ("1 # 2", 2, "unexpected character '#'"),
        ("", 0, "empty expression"),
    ])
    func syntaxErrorsNameTheirPosition(_ source: String, _ offset: Int, _ message: String) {
        #expect(throws: ExpressionError(offset: offset, message: message)) { try Expression(source) }
    }

    @Test func referencesAreListedWithOffsets() throws {
        let e = try Expression("${a} + sum(${g.x})")
        #expect(e.references.map(\.name) == ["a", "g"])
        #expect(e.references.map(\.offset) == [0, 11])
        #expect(e.references[1].member == "x")
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(throws: ExpressionError.self) { try Expression(deep) }
    }
}
