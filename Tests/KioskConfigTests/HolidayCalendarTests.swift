import Foundation
import PropertyBased
import Testing

@testable import KioskConfig
import KioskCore
import TestSupport

/// The shipped 2026 calendar and the working-day arithmetic over it.
@Suite struct HolidayCalendarTests {
    static let calendar = try! HolidayCalendarLoader.load(directory: packageRoot.appendingPathComponent("center-config/calendar"))

    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    @Test func the2026ScheduleHasEveryHolidayAndAdjustedWorkingDay() {
        let calendar = Self.calendar
        #expect(calendar.years == [2026])
        for holiday in ["2026-01-01", "2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-07"] {
            #expect(!calendar.isWorkingDay(Self.day(holiday)), "\(holiday)")
        }
        for worked in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"] {
            #expect(calendar.isWorkingDay(Self.day(worked)), "\(worked)")
        }
        var workingDays = 0
        var date = Self.day("2026-01-01")
        while date.year == 2026 {
            if calendar.isWorkingDay(date) { workingDays += 1 }
            date = date.next!
        }
        // 261 weekdays in 2026, less the 19 that are holidays, plus 6 adjusted Saturdays and Sundays.
        #expect(workingDays == 248)
    }

    @Test func fiveWorkingDaysFromTheEveOfNationalDay() {
        let due = Self.calendar.adding(workingDays: 5, to: Self.day("2026-09-30"))
        #expect(due?.date == Self.day("2026-10-13"))
        #expect(due?.isEstimate == false)
    }

    @Test func addingThenCountingBackGivesTheSameNumber() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...364), Gen.int(in: 0...60)) { offset, count in
            let start = Self.day("2026-01-01").adding(days: offset)
            guard let due = Self.calendar.adding(workingDays: count, to: start) else {
                Issue.record("no due date for \(start) + \(count)")
                return
            }
            #expect(Self.calendar.workingDays(after: start, through: due.date)?.days == count, "\(start) + \(count) = \(due.date)")
            #expect(count == 0 || Self.calendar.isWorkingDay(due.date), "\(due.date) is not a working day")
        }
    }

    @Test func badCalendarFilesAreReportedWithTheirPosition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
            year: 2027
            source: test
            holidays:
              - name: 元旦
                from: 2027-01-03
                to: 2027-01-01
              - name: 春节
                from: 2026-02-01
                to: 2026-02-02
            working_days:
              - date: 2027-01-05
                for: 元旦
            """.write(toFile: directory.file("2026.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigErrors.self) { try HolidayCalendarLoader.load(directory: directory.url) }
        do {
            _ = try HolidayCalendarLoader.load(directory: directory.url)
        } catch {
            let text = error.description
            #expect(text.contains("2026.yaml:1:7: the calendar of 2027 must be named 2027.yaml"), "\(text)")
            #expect(text.contains("2026.yaml:6:9: 'to' must be on or after 'from'"), "\(text)")
            #expect(text.contains("2026.yaml:8:11: 'from' must be a date of 2027"), "\(text)")
            #expect(text.contains("2026.yaml:11:11: 2027-01-05 is a weekday already"), "\(text)")
        }
    }

    @Test func aMissingFolderIsAnEmptyCalendar() throws {
        let calendar = try HolidayCalendarLoader.load(directory: URL(fileURLWithPath: "/nonexistent/bianmin-calendar"))
        #expect(calendar.years.isEmpty)
        #expect(calendar.adding(workingDays: 1, to: Self.day("2026-10-01"))?.estimatedYears == [2026])
    }
}
