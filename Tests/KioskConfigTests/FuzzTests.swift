import Foundation
import PropertyBased
import Testing

@testable import KioskConfig
@testable import KioskCore
import TestSupport

/// Random inputs to the loader, the answers decoder, the validator and the expression language: only errors, never a crash.
@Suite struct FuzzTests {
    static let matterText = try! String(
        contentsOf: packageRoot.appendingPathComponent("kiosk-config/catalog/matters/MZ-QR-01.yaml"), encoding: .utf8)
    static let yamlNoise = Array(":{}[]-'\"#$&*!|>%@\n ,?~\t\u{0}\u{1B}张x1.")

    @Test func mutatedMatterFilesGiveErrorsNotCrashes() async {
        let text = Array(FuzzTests.matterText.unicodeScalars)
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...(text.count - 1)), Gen.int(in: 0...40), Gen.int(in: 0...(FuzzTests.yamlNoise.count - 1)).array(of: 0...6)
        ) { start, length, noise in
            var scalars = text
            scalars.replaceSubrange(start..<min(start + length, scalars.count), with: String(noise.map { FuzzTests.yamlNoise[$0] }).unicodeScalars)
            let mutated = String(String.UnicodeScalarView(scalars))
            let diagnostics = Diagnostics()
            let matter = diagnostics.compose(mutated, path: "fuzz.yaml").flatMap {
                MatterReader(path: "fuzz.yaml", diagnostics: diagnostics).matter($0)
            }
            #expect(matter != nil || !diagnostics.issues.isEmpty)
            #expect(diagnostics.issues.allSatisfy { $0.line >= 1 && $0.column >= 1 })
        }
    }

    @Test func randomExpressionsParseOrFailWithAPosition() async {
        let pieces = ["${a}", "${g.x}", ".", "1", "2.5", "'t'", "(", ")", "+", "-", "*", "div", "mod", "=", "<", ">=", "and", "or",
                      "not(", "age(", "count(", "sum(", "if(", "today()", ",", "selected(", "string-length(", "round(", "$", "'", "{"]
        let context = EvaluationContext(
            values: ["a": .number(3), "g": .group([["x": .number(1)], ["x": .text("z")]])], current: .text("110101199003074477"),
            today: CalendarDate(year: 2026, month: 11, day: 27)!)
        await propertyCheck(count: 2000, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 1...12)) { indices in
            let source = indices.map { pieces[$0] }.joined(separator: " ")
            switch Result(catching: { () throws(ExpressionError) in try Expression(source) }) {
            case .success(let expression): _ = expression.evaluate(in: context)
            case .failure(let error): #expect(error.offset >= 0 && error.offset <= source.count)
            }
        }
    }

    @Test func randomAnswersGiveIssuesNotCrashes() async throws {
        let configuration = try ConfigurationLoader.load(directory: packageRoot.appendingPathComponent("kiosk-config"))
        let form = try #require(configuration.catalog.matter("MZ-QR-01")).form
        let pieces = ["{", "}", "[", "]", ",", ":", "\"name\"", "\"members\"", "\"id_number\"", "\"x\"", "1", "-2.5", "true", "null", "\"\\u001b\""]
        await propertyCheck(count: 1000, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 1...16)) { indices in
            guard let answers = try? AnswersJSON.decode(Data(indices.map { pieces[$0] }.joined().utf8)) else { return }
            let result = FormValidator.validate(answers, form: form, today: CalendarDate(year: 2026, month: 11, day: 27)!)
            #expect(!result.isValid)
        }
    }
}
