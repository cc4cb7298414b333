import ArgumentParser
import Foundation
import KioskConfig
import KioskCore

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Working days under the holiday calendar (one YYYY.yaml per year).",
        subcommands: [Due.self, Check.self])

    /// The `--calendar` option both subcommands take.
    struct CalendarOptions: ParsableArguments {
        @Option(name: .long, help: "The calendar folder (default: ./center-config/calendar, else /etc/bianmin/center/calendar).")
        var calendar: String?

        func load() throws -> (URL, WorkingDayCalendar) {
            let directory = HolidayCalendarLoader.locate(calendar)
            do {
                return (directory, try HolidayCalendarLoader.load(directory: directory))
            } catch {
                printError(error.description)
                throw ExitCode(65)
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "due",
            abstract: "Print the date N working days after DATE (day 1 is the first working day after it).",
            discussion: """
                A year with no calendar file is counted on weekends alone: the date is printed all the same, \
                and standard error says which years are missing.
                """)

        @OptionGroup var options: CalendarOptions

        @Option(name: .long, help: "The day of the act (acceptance, or receipt), YYYY-MM-DD.")
        var from: String

        @Option(name: .long, help: "Working days to count (0–\(WorkingDayCalendar.maximumSpan)).")
        var workingDays: Int

        func run() throws {
            guard let start = CalendarDate(iso: from) else {
                throw ValidationError("--from must be a date written YYYY-MM-DD, not '\(from)'")
            }
            let (_, calendar) = try options.load()
            guard let due = calendar.adding(workingDays: workingDays, to: start) else {
                throw ValidationError("--working-days must be between 0 and \(WorkingDayCalendar.maximumSpan)")
            }
            print(due.date)
            if due.isEstimate {
                printError("estimate: no holiday calendar for \(due.estimatedYears.map(String.init).joined(separator: ", ")); counted on weekends alone")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check the calendar files and list the years they cover.")

        @OptionGroup var options: CalendarOptions

        func run() throws {
            let (directory, calendar) = try options.load()
            let years = calendar.years
            print(years.isEmpty
                ? "no calendar files in \(directory.path): every deadline is an estimate on weekends alone"
                : "calendar years in \(directory.path): \(years.map(String.init).joined(separator: ", "))")
        }
    }
}
