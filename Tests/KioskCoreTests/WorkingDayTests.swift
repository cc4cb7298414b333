import Testing

import Foundation
import KioskCore
import TestSupport

@Suite struct WorkingDayTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// A small schedule: a three-day holiday over a weekend and a Saturday worked instead.
    static let schedule = HolidaySchedule(
        year: 2026, holidays: [day("2026-10-01"), day("2026-10-02"), day("2026-10-03")], workingWeekendDays: [day("2026-10-10")])

    @Test func weekdaysFollowTheGregorianCalendar() {
        #expect(Self.day("0001-01-01").weekday == .monday)
        #expect(Self.day("2026-12-04").weekday == .friday)
        #expect(Self.day("2026-10-10").weekday == .saturday)
        #expect(Self.day("2000-02-29").weekday == .tuesday)
        #expect(Self.day("2026-12-31").next == Self.day("2027-01-01"))
        #expect(Self.day("2028-02-28").next == Self.day("2028-02-29"))
        #expect(Self.day("2026-02-28").next == Self.day("2026-03-01"))
        #expect(Self.day("9999-12-31").next == nil)
    }

    @Test func holidaysAndAdjustedDaysDecideWorkingDays() {
        let calendar = WorkingDayCalendar(schedules: [Self.schedule])
        #expect(!calendar.isWorkingDay(Self.day("2026-10-01")))  // a Thursday off
        #expect(calendar.isWorkingDay(Self.day("2026-10-10")))  // a Saturday worked
        #expect(!calendar.isWorkingDay(Self.day("2026-10-11")))  // an ordinary Sunday
        #expect(calendar.isWorkingDay(Self.day("2026-10-12")))
    }

    @Test func dayOneIsTheFirstWorkingDayAfterTheAct() throws {
        let calendar = WorkingDayCalendar(schedules: [Self.schedule])
        // Wednesday 30 Sep; 1–3 Oct off, 4 Oct Sunday: day 1 is Monday 5 Oct.
        let one = try #require(calendar.adding(workingDays: 1, to: Self.day("2026-09-30")))
        #expect(one.date == Self.day("2026-10-05"))
        #expect(!one.isEstimate)
        #expect(calendar.adding(workingDays: 0, to: Self.day("2026-10-03"))?.date == Self.day("2026-10-03"))
        // 5–9 Oct are days 1–5, Saturday 10 Oct is day 6.
        #expect(calendar.adding(workingDays: 6, to: Self.day("2026-09-30"))?.date == Self.day("2026-10-10"))
    }

    @Test func aYearWithoutAScheduleIsCountedOnWeekendsAndSaysSo() throws {
        let calendar = WorkingDayCalendar(schedules: [Self.schedule])
        let due = try #require(calendar.adding(workingDays: 5, to: Self.day("2026-12-30")))
        // 31 Dec (2026, known), then 1, 4, 5, 6 Jan 2027 on weekends alone (1 Jan is not known to be a holiday).
        #expect(due.date == Self.day("2027-01-06"))
        #expect(due.estimatedYears == [2027])
        #expect(calendar.adding(workingDays: 2, to: Self.day("2026-10-08"))?.estimatedYears == [])
    }

    @Test func hostileCountsAreRefusedNotLooped() {
        let calendar = WorkingDayCalendar(schedules: [])
        #expect(calendar.adding(workingDays: -1, to: Self.day("2026-01-01")) == nil)
        #expect(calendar.adding(workingDays: Int.max, to: Self.day("2026-01-01")) == nil)
        #expect(calendar.adding(workingDays: 5, to: Self.day("9999-12-30")) == nil)
        #expect(calendar.workingDays(after: Self.day("0001-01-01"), through: Self.day("9999-12-31")) == nil)
        #expect(calendar.workingDays(after: Self.day("2026-10-09"), through: Self.day("2026-10-01"))?.days == 0)
    }
}

@Suite struct WorkingDayCountTests {
    @Test("the counted working days equal a day-by-day walk, across holidays, worked weekends and years without a schedule")
    func countEqualsWalk() {
        func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
        let calendar = WorkingDayCalendar(schedules: [
            HolidaySchedule(
                year: 2026, holidays: Set((1...7).map { day("2026-10-0\($0)") } + [day("2026-01-01"), day("2026-05-02")]),
                workingWeekendDays: [day("2026-10-10"), day("2026-09-28"), day("2026-02-14")]),
            HolidaySchedule(year: 2028, holidays: [day("2028-01-03")], workingWeekendDays: [day("2028-01-08")]),
        ])
        var random = SeededGenerator.forTest()
        let base = day("2025-06-01")
        for _ in 0..<400 {
            let start = base.adding(days: Int.random(in: 0...1200, using: &random))
            let end = start.adding(days: Int.random(in: -3...500, using: &random))
            var walked = 0
            var missing: Set<Int> = []
            var date = start
            while date < end, let next = date.next {
                date = next
                if !calendar.hasSchedule(for: date.year) { missing.insert(date.year) }
                if calendar.isWorkingDay(date) { walked += 1 }
            }
            let counted = calendar.workingDays(after: start, through: end)
            #expect(counted?.days == walked && counted?.estimatedYears == missing.sorted(), "\(start) → \(end)")
        }
    }
}

@Suite struct ChinaTimeTests {
    // Random instants from 1992 on: Asia/Shanghai kept summer time in 1986–1991, China Standard Time did not.
    @Test("minute text and day are what a formatter and a calendar in Asia/Shanghai give, at the edges and for random instants")
    func matchesAFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        var random = SeededGenerator.forTest()
        let edges: [Int64] = [0, 57_599, 57_600, 951_753_599, 951_753_600, 1_795_000_000, 4_102_444_799]
        for seconds in edges + (0..<2000).map({ _ in Int64.random(in: 694_224_000...4_102_444_799, using: &random) }) {
            #expect(ChinaTime.minuteText(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
        for seconds in edges + (0..<500).map({ _ in Int64.random(in: 694_224_000...4_102_444_799, using: &random) }) {
            #expect(ChinaTime.day(seconds) == CalendarDate(Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
        #expect(ChinaTime.day(-5) == CalendarDate(year: 1970, month: 1, day: 1) && ChinaTime.day(.max) == CalendarDate(year: 2100, month: 1, day: 1))
        #expect(ChinaTime.minuteText(-1) == "-1")
        #expect(ChinaTime.minuteText(.max) == String(Int64.max))
    }
}
