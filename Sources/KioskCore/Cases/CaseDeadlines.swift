/// How a deadline stands: the light on the desk.
public enum DeadlineLight: String, Sendable, Codable, CaseIterable {
    /// More than two working days left.
    case green
    /// Two working days or less left.
    case yellow
    /// Past due.
    case red
    /// The clock is stopped (a suspension).
    case paused
}

/// The deadline a case runs against today.
public struct CaseDeadline: Sendable, Hashable {
    /// Which limit it is.
    public enum Kind: String, Sendable, Codable {
        /// The 5 working days to refuse or ask for supplements (Art. 32).
        case supplementWindow = "supplement_window"
        /// The matter's time limit for a decision, plus suspensions and the extension (Art. 42, 45).
        case decision
        /// The 10 working days to deliver the decision (Art. 44).
        case delivery
    }

    /// Which limit it is.
    public var kind: Kind
    /// The last day.
    public var due: CalendarDate
    /// Working days after today up to the due day (0 on the day and after).
    public var workingDaysLeft: Int
    /// Working days past the due day (0 until then).
    public var workingDaysOverdue: Int
    /// The light.
    public var light: DeadlineLight
    /// Working days not counted because of suspensions.
    public var suspendedWorkingDays: Int
    /// When the law deems the case accepted (no notice within 5 working days): its receipt day.
    public var acceptedByLaw: CalendarDate?
    /// Years counted on weekends alone because their calendar is missing (empty: exact).
    public var estimatedYears: [Int]
}

extension CaseWorkflow {
    /// Working days left at or below which the light turns yellow.
    public static let warningDays = 2

    /// The deadline `file` runs against on `today`, or nil when none runs (waiting for the
    /// applicant's supplement, delivered, refused, archived).
    public static func deadline(of file: CaseFile, on today: CalendarDate, calendar: WorkingDayCalendar) -> CaseDeadline? {
        var estimated: Set<Int> = []
        func due(_ days: Int, after day: CalendarDate) -> CalendarDate? {
            guard let result = calendar.adding(workingDays: days, to: day) else { return nil }
            estimated.formUnion(result.estimatedYears)
            return result.date
        }
        let kind: CaseDeadline.Kind
        let dueDay: CalendarDate
        var suspended = 0
        var byLaw: CalendarDate?
        switch file.state {
        case .received:
            if let deemed = deemedAcceptance(of: file, on: today, calendar: calendar) {
                byLaw = deemed
                guard let day = due(file.timeLimitDays, after: deemed) else { return nil }
                (kind, dueDay) = (.decision, day)
            } else {
                guard let window = supplementDue(of: file, calendar: calendar) else { return nil }
                estimated.formUnion(window.estimatedYears)
                (kind, dueDay) = (.supplementWindow, window.date)
            }
        case .accepted, .inProgress, .suspended, .withCounty:
            guard let accepted = file.acceptedOn else { return nil }
            for suspension in file.suspensions {
                guard let count = calendar.workingDays(after: suspension.from, through: suspension.to ?? today) else { continue }
                suspended += count.days
                estimated.formUnion(count.estimatedYears)
            }
            guard let day = due(file.timeLimitDays + (file.extensionDays ?? 0) + suspended, after: accepted) else { return nil }
            (kind, dueDay) = (.decision, day)
            if file.acceptedByLaw { byLaw = accepted }
        case .approved, .denied:
            guard let decided = file.decidedOn, let day = due(deliveryWindow, after: decided) else { return nil }
            (kind, dueDay) = (.delivery, day)
        case .needsSupplement, .refused, .delivered, .archived:
            return nil
        }
        let left = calendar.workingDays(after: today, through: dueDay)
        let overdue = calendar.workingDays(after: dueDay, through: today)
        estimated.formUnion((left?.estimatedYears ?? []) + (overdue?.estimatedYears ?? []))
        let light: DeadlineLight =
            file.state == .suspended ? .paused
            : today > dueDay ? .red
            : (left?.days ?? 0) <= warningDays ? .yellow : .green
        return CaseDeadline(
            kind: kind, due: dueDay, workingDaysLeft: left?.days ?? 0, workingDaysOverdue: overdue?.days ?? 0, light: light,
            suspendedWorkingDays: suspended, acceptedByLaw: byLaw, estimatedYears: estimated.sorted())
    }
}

/// How long a decided case took: what the town's reports count.
public struct DecisionTiming: Sendable, Hashable {
    /// Working days from the day after acceptance through the decision day, suspensions not counted.
    public var workingDays: Int
    /// Whether the decision came within the matter's time limit and its extension.
    public var onTime: Bool
    /// Years counted on weekends alone because their calendar is missing (empty: exact).
    public var estimatedYears: [Int]
}

extension CaseWorkflow {
    /// The timing of `file`'s decision, or nil before a decision (or for a case decided without
    /// an acceptance day, which the old four-state decisions left).
    public static func decisionTiming(of file: CaseFile, calendar: WorkingDayCalendar) -> DecisionTiming? {
        guard let accepted = file.acceptedOn, let decided = file.decidedOn,
              let elapsed = calendar.workingDays(after: accepted, through: decided)
        else { return nil }
        var estimated = Set(elapsed.estimatedYears)
        var suspended = 0
        for suspension in file.suspensions {
            guard let count = calendar.workingDays(after: suspension.from, through: min(suspension.to ?? decided, decided)) else { continue }
            suspended += count.days
            estimated.formUnion(count.estimatedYears)
        }
        let days = max(0, elapsed.days - suspended)
        return DecisionTiming(
            workingDays: days, onTime: days <= file.timeLimitDays + (file.extensionDays ?? 0), estimatedYears: estimated.sorted())
    }
}
