import Foundation
import KioskCore
import Testing
import TestSupport

func label(_ zh: String) -> LocalizedText { LocalizedText(zh: zh, en: zh) }

@Suite struct FormTests {
    let today = CalendarDate(year: 2026, month: 11, day: 27)!

    /// A 低保-like form: a household group, calculations over it, and skip logic.
    func householdForm() throws -> Form {
        try Form(fields: [
            Field(id: "per_capita", type: .decimal, label: label("人均收入"), calculate: try Expression("round(${total} div ${size}, 2)")),
            Field(id: "total", type: .decimal, label: label("家庭月收入"), calculate: try Expression("sum(${members.income})")),
            Field(id: "size", type: .integer, label: label("家庭人口"), calculate: try Expression("count(${members})")),
            Field(id: "name", type: .text, label: label("申请人姓名"), required: true, sensitive: true, maxLength: 10),
            Field(
                id: "id_number", type: .idNumber, label: label("身份证号码"), required: true,
                constraint: Constraint(expression: try Expression("age(.) >= 18"), message: label("申请人须年满18周岁"))),
            Field(
                id: "kind", type: .singleChoice, label: label("类别"), required: true,
                choices: [Choice(value: "poor", label: label("低保")), Choice(value: "disabled", label: label("残疾"))]),
            Field(id: "grade", type: .integer, label: label("残疾等级"), required: true, relevant: try Expression("${kind} = 'disabled'"), minimum: 1, maximum: 4),
            Field(
                id: "members", type: .repeat, label: label("家庭成员"), minimum: 1, maximum: 5,
                fields: [
                    Field(id: "name", type: .text, label: label("姓名"), required: true),
                    Field(id: "income", type: .decimal, label: label("月收入"), required: true, minimum: 0),
                    Field(id: "school", type: .text, label: label("学校"), relevant: try Expression("${income} = 0")),
                ]),
        ])
    }

    @Test func calculationsRunInDependencyOrder() throws {
        let answers: Answers = [
            "name": .text("张三"), "id_number": .text("110101199003074477"), "kind": .text("poor"),
            "members": .group([["name": .text("张三"), "income": .number(900)], ["name": .text("李四"), "income": .number(0), "school": .text("大桥小学")]]),
        ]
        let result = FormValidator.validate(answers, form: try householdForm(), today: today)
        #expect(result.issues == [])
        // The member's relevance is per entry: school is asked of the member without income only.
        #expect(result.hiddenMembers == ["members.school": [0]])
        #expect(result.isHidden("school", in: "members", entry: 0))
        #expect(!result.isHidden("school", in: "members", entry: 1))
        #expect(!result.isHidden("income", in: "members", entry: 0))
        #expect(result.answers["total"] == .number(900))
        #expect(result.answers["size"] == .number(2))
        #expect(result.answers["per_capita"] == .number(450))
    }

    @Test func irrelevantAnswersAreDroppedAndRelevantOnesRequired() throws {
        let form = try householdForm()
        var answers: Answers = [
            "name": .text("张三"), "id_number": .text("110101199003074477"), "kind": .text("poor"), "grade": .number(2),
            "members": .group([["name": .text("张三"), "income": .number(900), "school": .text("x")]]),
        ]
        var result = FormValidator.validate(answers, form: form, today: today)
        #expect(result.isValid)
        #expect(result.answers["grade"] == nil)
        #expect(result.hidden == ["grade"])
        guard case .group(let entries)? = result.answers["members"] else { Issue.record("no members"); return }
        #expect(entries[0]["school"] == nil)

        answers["kind"] = .text("disabled")
        answers["grade"] = nil
        result = FormValidator.validate(answers, form: form, today: today)
        #expect(result.issues.map(\.path) == ["grade"])
        #expect(result.issues[0].message.zh == "这一项必须填写")
    }

    @Test func perFieldErrorsInBothLanguages() throws {
        let answers: Answers = [
            "name": .text("一二三四五六七八九十甲"), "id_number": .text("110101201505051234"), "kind": .text("rich"),
            "members": .group([]), "extra": .text("?"),
        ]
        let result = FormValidator.validate(answers, form: try householdForm(), today: today)
        #expect(result.issues.map(\.path) == ["extra", "name", "id_number", "kind", "members"])
        let byPath = Dictionary(uniqueKeysWithValues: result.issues.map { ($0.path, $0.message) })
        #expect(byPath["name"]?.zh == "最多10个字,现在是11个")
        #expect(byPath["kind"]?.text(.en) == "Choose one of the options")
        #expect(byPath["members"]?.zh == "至少要填1条")
    }

    @Test func constraintUsesTheCurrentValue() throws {
        let minor = ExampleAnswers.exampleID(age: 12, male: true, today: today)
        let answers: Answers = ["name": .text("张三"), "id_number": .text(minor), "kind": .text("poor"), "members": .group([["name": .text("a"), "income": .number(1)]])]
        let result = FormValidator.validate(answers, form: try householdForm(), today: today)
        #expect(result.issues == [FieldIssue(path: "id_number", message: label("申请人须年满18周岁"))])
    }

    @Test func groupEntryErrorsNameTheEntry() throws {
        let answers: Answers = [
            "name": .text("张三"), "id_number": .text("110101199003074477"), "kind": .text("poor"),
            "members": .group([["name": .text("a"), "income": .number(1)], ["income": .number(-5)]]),
        ]
        let result = FormValidator.validate(answers, form: try householdForm(), today: today)
        #expect(result.issues.map(\.path) == ["members[2].name", "members[2].income"])
    }

    @Test func controlCharactersAreRejected() throws {
        let form = try Form(fields: [Field(id: "note", type: .text, label: label("备注"))])
        let result = FormValidator.validate(["note": .text("ok\u{1B}[2J")], form: form, today: today)
        #expect(result.issues.map(\.path) == ["note"])
    }

    @Test func cyclesAndUnknownReferencesAreFound() throws {
        #expect(throws: FormError.cycle(["a", "b", "a"], key: "calculate", offset: 0)) {
            try Form(fields: [
                Field(id: "a", type: .integer, label: label("a"), calculate: try Expression("${b} + 1")),
                Field(id: "b", type: .integer, label: label("b"), relevant: try Expression("${a} > 1")),
            ])
        }
        #expect(throws: FormError.unknownReference(field: "a", key: "relevant", name: "nope", offset: 4)) {
            try Form(fields: [Field(id: "a", type: .integer, label: label("a"), relevant: try Expression("1 < ${nope}"))])
        }
        #expect(throws: FormError.groupMemberOutsideGroup(field: "a", key: "calculate", name: "x", offset: 0)) {
            try Form(fields: [
                Field(id: "a", type: .integer, label: label("a"), calculate: try Expression("${x}")),
                Field(id: "g", type: .repeat, label: label("g"), fields: [Field(id: "x", type: .integer, label: label("x"))]),
            ])
        }
    }

    @Test func exampleAnswersValidate() throws {
        let form = try householdForm()
        let example = ExampleAnswers.generate(for: form, today: today)
        #expect(FormValidator.validate(example, form: form, today: today).isValid)
        // The example is poor, not disabled, so the disability grade is not asked.
        #expect(example["kind"] == .text("poor"))
        #expect(example["grade"] == nil)
    }

    @Test func answersJSONRoundTripsAndRejectsNonsense() throws {
        let answers: Answers = ["a": .text("张三"), "n": .number(3), "l": .list(["x"]), "g": .group([["i": .number(1.5)]])]
        let data = AnswersJSON.encode(answers)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":"张三","g":[{"i":1.5}],"l":["x"],"n":3}"#)
        #expect(try AnswersJSON.decode(data) == answers)
        #expect(throws: AnswersFormatError.self) { try AnswersJSON.decode(Data("{\"a\": true}".utf8)) }
        #expect(throws: AnswersFormatError.self) { try AnswersJSON.decode(Data("[1]".utf8)) }
        #expect(throws: AnswersFormatError.self) { try AnswersJSON.decode(Data("{\"a\": ".utf8)) }
    }

    /// The direct writer gives the bytes `JSONEncoder` gives, on random answers with every kind of
    /// value, control characters and quotes included, and they decode back to the same answers
    /// (groups have entries: an empty group reads back as an empty list).
    @Test func compactAnswersJSONMatchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var generator = SeededGenerator.forTest()
        let keys = ["a", "B", "a10", "a2", "_x", "张", "id_number"]
        let characters: [Character] = ["a", "张", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{1}", "\u{1f}", "\u{7f}", "\u{2028}", "😀", "e\u{301}"]
        let numbers: [Double] = [0, -0.0, 3, -17, 1.5, 0.1 + 0.2, 1e-7, 1e15, -1e16, 1e20, 123456789.125, 999_999_999_999_999]
        func text() -> String { String((0..<Int.random(in: 0...6, using: &generator)).map { _ in characters.randomElement(using: &generator)! }) }
        func randomAnswers(depth: Int) -> Answers {
            var answers: Answers = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let value: AnswerValue = switch Int.random(in: 0..<(depth > 0 ? 4 : 3), using: &generator) {
                case 0: .text(text())
                case 1: .number(numbers.randomElement(using: &generator)!)
                case 2: .list((0..<Int.random(in: 0...3, using: &generator)).map { _ in text() })
                default: .group((1..<Int.random(in: 2...3, using: &generator)).map { _ in randomAnswers(depth: depth - 1) })
                }
                answers[keys.randomElement(using: &generator)!] = value
            }
            return answers
        }
        for _ in 0..<500 {
            let sample = randomAnswers(depth: 1)
            let data = AnswersJSON.encode(sample)
            let expected = try encoder.encode(sample)
            if data != expected { Issue.record("\(String(decoding: data, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))") }
            let decoded = try AnswersJSON.decode(data)
            if decoded != sample { Issue.record("\(decoded) != \(sample)") }
        }
    }
}
