import Foundation

/// Where the kiosk's idea of "now" comes from, so tests can control time.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stays where a test puts it.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    /// Sets the clock.
    public func set(_ date: Date) { lock.withLock { current = date } }
}

/// Instants as people in the county read them: China Standard Time, UTC+8 all year (no daylight
/// saving), so plain arithmetic gives the same text as a formatter at a fraction of the cost.
public enum ChinaTime {
    /// Unix seconds as `YYYY-MM-DD HH:MM`; seconds outside 1970...2099 as the bare number.
    public static func minuteText(_ seconds: Int64) -> String {
        guard (0...4_102_444_799).contains(seconds) else { return String(seconds) }
        let minutes = Int((seconds + 8 * 3600) % 86_400) / 60
        return "\(day(seconds)) \((minutes / 60).zeroPadded(2)):\((minutes % 60).zeroPadded(2))"
    }

    /// The day Unix `seconds` falls on (clamped to 1970–2099 UTC), without a `Calendar` per call (ICU
    /// set-up made a desk page of fifty cases slow).
    public static func day(_ seconds: Int64) -> CalendarDate {
        epoch.adding(days: Int((min(max(seconds, 0), 4_102_444_799) + 8 * 3600) / 86_400))
    }

    /// Unix seconds at midnight China Standard Time starting `date`.
    public static func startOfDay(_ date: CalendarDate) -> Int64 {
        Int64(date.ordinal - epoch.ordinal) * 86_400 - 8 * 3600
    }

    private static let epoch = CalendarDate(year: 1970, month: 1, day: 1)!
}

/// A calendar date without time, as used in forms and ID numbers.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date, or nil when the day does not exist (e.g. 2023-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date of `instant` in the county's time zone (China Standard Time).
    public init(_ instant: Date, timeZone: TimeZone = .china) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        year = c.year!
        month = c.month!
        day = c.day!
    }

    public var description: String {
        "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }

    /// Days since 0001-01-01 (proleptic Gregorian), for arithmetic.
    public var ordinal: Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in 1..<month { days += CalendarDate.daysIn(month: m, year: year) }
        return days + day - 1
    }

    /// The date `days` after this one.
    public func adding(days: Int) -> CalendarDate {
        var remaining = ordinal + days
        var y = max(1, remaining / 366)
        while CalendarDate(year: y + 1, month: 1, day: 1)!.ordinal <= remaining { y += 1 }
        remaining -= CalendarDate(year: y, month: 1, day: 1)!.ordinal
        var m = 1
        while remaining >= CalendarDate.daysIn(month: m, year: y) {
            remaining -= CalendarDate.daysIn(month: m, year: y)
            m += 1
        }
        return CalendarDate(year: y, month: m, day: remaining + 1)!
    }

    /// The same day `years` later (28 February for 29 February in a common year).
    public func adding(years: Int) -> CalendarDate {
        CalendarDate(year: year + years, month: month, day: day)
            ?? CalendarDate(year: year + years, month: month, day: 28)!
    }

    /// Whole years from this date until `other`.
    public func years(until other: CalendarDate) -> Int {
        var years = other.year - year
        if (other.month, other.day) < (month, day) { years -= 1 }
        return years
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension TimeZone {
    /// China Standard Time (UTC+8), the county's time zone.
    public static let china = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
}
