import ArgumentParser
import Foundation
import KioskCore

/// `kiosk answers`: validate and generate answer sets.
struct AnswersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers", abstract: "Check a JSON answers file against a matter's form, or print an example.",
        subcommands: [Check.self, Example.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a JSON answers file; per-field errors, exit 65 when invalid.")
        @OptionGroup var options: KioskOptions
        @Option(help: "The matter's code.") var matter: String
        @Option(help: "The answers file, or - for standard input.") var answers: String

        func run() throws {
            let configuration = try options.load()
            let matter = try configuration.matter(matter)
            let result = try validateAnswers(try readInput(answers), matter: matter, language: configuration.station.language)
            print("ok: \(matter.code) \(matter.name.text(configuration.station.language)), \(result.answers.count) answer(s)")
        }
    }

    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "example",
            abstract: "Print a valid answer set generated from the matter's form.")
        @OptionGroup var options: KioskOptions
        @Option(help: "The matter's code.") var matter: String

        func run() throws {
            let configuration = try options.load()
            let matter = try configuration.matter(matter)
            let example = ExampleAnswers.generate(for: matter.form, today: CalendarDate(SystemClock().now()))
            print(String(decoding: AnswersJSON.encode(example, pretty: true), as: UTF8.self))
        }
    }
}

/// Decodes and validates answers, printing every problem and exiting 65 (EX_DATAERR) when they are not valid.
func validateAnswers(_ data: Data, matter: Matter, language: KioskLanguage) throws -> ValidationResult {
    let answers: Answers
    do {
        answers = try AnswersJSON.decode(data)
    } catch {
        printError(error.message)
        throw ExitCode(65)
    }
    let result = FormValidator.validate(answers, form: matter.form, today: CalendarDate(SystemClock().now()))
    guard result.isValid else {
        for issue in result.issues { printError("\(issue.path): \(issue.message.text(language))") }
        throw ExitCode(65)
    }
    return result
}
