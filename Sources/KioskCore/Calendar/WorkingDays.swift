/// One year's official schedule (国务院办公厅 holiday notice): the days off and the weekend days
/// worked instead (调休).
public struct HolidaySchedule: Sendable, Hashable {
    /// The year the schedule covers.
    public var year: Int
    /// Days off that would otherwise be working days (and weekend days inside a holiday).
    public var holidays: Set<CalendarDate>
    /// Saturdays and Sundays that are working days.
    public var workingWeekendDays: Set<CalendarDate>

    /// A schedule from its days.
    public init(year: Int, holidays: Set<CalendarDate>, workingWeekendDays: Set<CalendarDate>) {
        self.year = year
        self.holidays = holidays
        self.workingWeekendDays = workingWeekendDays
    }
}

/// A date reached by counting working days, and whether a missing schedule made it an estimate.
public struct WorkingDayDate: Sendable, Hashable {
    /// The date reached.
    public var date: CalendarDate
    /// Years that had no schedule and were counted on weekends alone (empty: exact).
    public var estimatedYears: [Int]
    /// Whether any year was counted on weekends alone.
    public var isEstimate: Bool { !estimatedYears.isEmpty }
}

/// A count of working days, and whether a missing schedule made it an estimate.
public struct WorkingDayCount: Sendable, Hashable {
    /// The number of working days.
    public var days: Int
    /// Years that had no schedule and were counted on weekends alone (empty: exact).
    public var estimatedYears: [Int]
}

/// Working days under the official schedules: Monday to Friday, less holidays, plus 调休 weekend days.
/// A year without a schedule is counted on weekends alone, and results say so rather than guess.
public struct WorkingDayCalendar: Sendable {
    /// The most working days one count may span (about forty years); larger requests are refused.
    public static let maximumSpan = 10_000

    private let schedules: [Int: HolidaySchedule]

    /// A calendar from the schedules it knows (one per year).
    public init(schedules: [HolidaySchedule]) {
        self.schedules = Dictionary(schedules.map { ($0.year, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The years that have a schedule, in order.
    public var years: [Int] { schedules.keys.sorted() }

    /// Whether `year` has a schedule.
    public func hasSchedule(for year: Int) -> Bool { schedules[year] != nil }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if let schedule = schedules[date.year] {
            if schedule.workingWeekendDays.contains(date) { return true }
            if schedule.holidays.contains(date) { return false }
        }
        return !date.weekday.isWeekend
    }

    /// The `count`th working day after `start` (day 1 is the first working day after it; 0 is `start`),
    /// or nil when `count` is outside `0...maximumSpan` or the date would pass year 9999.
    public func adding(workingDays count: Int, to start: CalendarDate) -> WorkingDayDate? {
        guard (0...Self.maximumSpan).contains(count) else { return nil }
        var date = start
        var missing: Set<Int> = []
        var remaining = count
        while remaining > 0 {
            guard let next = date.next else { return nil }
            date = next
            if !hasSchedule(for: date.year) { missing.insert(date.year) }
            if isWorkingDay(date) { remaining -= 1 }
        }
        return WorkingDayDate(date: date, estimatedYears: missing.sorted())
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not after `start`),
    /// or nil when they are more than twice `maximumSpan` calendar days apart.
    public func workingDays(after start: CalendarDate, through end: CalendarDate) -> WorkingDayCount? {
        guard end.ordinal - start.ordinal <= 2 * Self.maximumSpan else { return nil }
        guard start < end, let first = start.next else { return WorkingDayCount(days: 0, estimatedYears: []) }
        // Counted, not walked (a desk page counts many cases over months): the weekdays, then each
        // year's holidays on weekdays out and its worked weekend days in, as `isWorkingDay` decides.
        func weekdaysBefore(_ ordinal: Int) -> Int { ordinal / 7 * 5 + min(ordinal % 7, 5) }
        var days = weekdaysBefore(end.ordinal + 1) - weekdaysBefore(first.ordinal)
        var missing: [Int] = []
        for year in first.year...end.year {
            guard let schedule = schedules[year] else {
                missing.append(year)
                continue
            }
            func inRange(_ date: CalendarDate) -> Bool { date.year == year && first <= date && date <= end }
            days += schedule.workingWeekendDays.filter { inRange($0) && $0.weekday.isWeekend }.count
            days -= schedule.holidays.filter { inRange($0) && !$0.weekday.isWeekend && !schedule.workingWeekendDays.contains($0) }.count
        }
        return WorkingDayCount(days: days, estimatedYears: missing)
    }
}

/// A day of the week.
public enum Weekday: Int, Sendable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Saturday or Sunday.
    public var isWeekend: Bool { self == .saturday || self == .sunday }
}

extension CalendarDate {
    /// The day of the week (0001-01-01 of the proleptic Gregorian calendar was a Monday).
    public var weekday: Weekday { Weekday(rawValue: ordinal % 7)! }

    /// The following day, or nil after 9999-12-31.
    public var next: CalendarDate? {
        CalendarDate(year: year, month: month, day: day + 1)
            ?? CalendarDate(year: year, month: month + 1, day: 1)
            ?? CalendarDate(year: year + 1, month: 1, day: 1)
    }
}
