import Foundation
import KioskCore
import Yams

/// Loads the center's holiday calendar: one `YYYY.yaml` per year (see `center-config/calendar/`).
public enum HolidayCalendarLoader {
    /// The longest holiday one entry may span, in days (the Spring Festival is nine).
    static let longestHoliday = 15

    /// The calendar folder: `explicit` if given, else `./center-config/calendar`, else
    /// `/etc/bianmin/center/calendar`.
    public static func locate(_ explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let local = URL(fileURLWithPath: "center-config/calendar")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: local.path, isDirectory: &isDirectory), isDirectory.boolValue { return local }
        return URL(fileURLWithPath: "/etc/bianmin/center/calendar")
    }

    /// Loads every `YYYY.yaml` in `directory` (a missing folder is an empty calendar), or throws every
    /// problem found.
    public static func load(directory: URL) throws(ConfigErrors) -> WorkingDayCalendar {
        let diagnostics = Diagnostics()
        var schedules: [HolidaySchedule] = []
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent })
        where file.pathExtension == "yaml" || file.pathExtension == "yml" {
            if let schedule = schedule(file, diagnostics: diagnostics) { schedules.append(schedule) }
        }
        guard diagnostics.issues.isEmpty else { throw ConfigErrors(issues: diagnostics.issues) }
        return WorkingDayCalendar(schedules: schedules)
    }

    static func schedule(_ url: URL, diagnostics: Diagnostics) -> HolidaySchedule? {
        let path = CatalogLoader.displayPath(url)
        guard let text = CatalogLoader.readText(url, diagnostics: diagnostics), let node = diagnostics.compose(text, path: path),
            let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "a holiday calendar")
        else { return nil }
        r.rejectUnknownKeys(allowed: ["year", "source", "holidays", "working_days"])
        let before = diagnostics.issues.count
        guard let year = r.int("year", range: 2000...2999) else { return nil }
        if url.deletingPathExtension().lastPathComponent != String(year) {
            diagnostics.report(path, r.mark("year"), "the calendar of \(year) must be named \(year).yaml")
        }
        _ = r.string("source")
        func date(_ reader: MappingReader, _ key: String) -> CalendarDate? {
            guard let text = reader.string(key) else { return nil }
            guard let date = CalendarDate(iso: text), date.year == year else {
                diagnostics.report(path, reader.mark(key), "'\(key)' must be a date of \(year) written YYYY-MM-DD, not '\(text)'")
                return nil
            }
            return date
        }
        var holidays: Set<CalendarDate> = []
        for entry in r.sequence("holidays") ?? [] {
            guard let h = MappingReader(entry, path: path, diagnostics: diagnostics, what: "a holiday") else { continue }
            h.rejectUnknownKeys(allowed: ["name", "from", "to"])
            _ = h.string("name")
            guard let from = date(h, "from"), let to = date(h, "to") else { continue }
            guard from <= to, to.ordinal - from.ordinal < longestHoliday else {
                diagnostics.report(path, h.mark("to"), "'to' must be on or after 'from' and at most \(longestHoliday) days later")
                continue
            }
            var day = from
            while day <= to {
                holidays.insert(day)
                guard let next = day.next else { break }
                day = next
            }
        }
        var workingWeekendDays: Set<CalendarDate> = []
        for entry in r.sequence("working_days", required: false) ?? [] {
            guard let w = MappingReader(entry, path: path, diagnostics: diagnostics, what: "an adjusted working day") else { continue }
            w.rejectUnknownKeys(allowed: ["date", "for"])
            _ = w.string("for")
            guard let day = date(w, "date") else { continue }
            if !day.weekday.isWeekend {
                diagnostics.report(path, w.mark("date"), "\(day) is a weekday already; only a Saturday or Sunday can be an adjusted working day")
            } else if holidays.contains(day) {
                diagnostics.report(path, w.mark("date"), "\(day) is listed as a holiday and as a working day")
            } else {
                workingWeekendDays.insert(day)
            }
        }
        guard diagnostics.issues.count == before else { return nil }
        return HolidaySchedule(year: year, holidays: holidays, workingWeekendDays: workingWeekendDays)
    }
}
