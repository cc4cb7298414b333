/// How a case ended at the town, as the reports count it.
public enum CaseOutcome: String, Sendable, Codable, CaseIterable {
    /// 不予受理.
    case refused
    /// 准予许可 / 办结.
    case approved
    /// 不予许可.
    case denied
}

/// Cases that share every fact a report counts, with how many they are: what the center's
/// database gives, grouped, so that a report over a million cases reads a few thousand groups.
public struct CaseFactGroup: Sendable, Hashable {
    /// The matter code.
    public var matter: String
    /// The matter's department; nil for a matter no longer published.
    public var department: Department?
    /// The village station (or the center's own series for walk-ins).
    public var station: String
    /// How the application came in (`self`, `assisted`, `window`, …).
    public var channel: String
    /// The workflow state now.
    public var state: CaseState
    /// Whether a supplement was ever asked for.
    public var supplemented: Bool
    /// How it ended, if it has.
    public var outcome: CaseOutcome?
    /// Working days to the decision, suspensions not counted; nil before one (or unknown).
    public var workingDays: Int?
    /// Whether the decision was within the time limit; nil before one (or unknown).
    public var onTime: Bool?
    /// How many cases.
    public var count: Int

    /// A group from its facts.
    public init(
        matter: String, department: Department?, station: String, channel: String, state: CaseState, supplemented: Bool,
        outcome: CaseOutcome?, workingDays: Int?, onTime: Bool?, count: Int
    ) {
        self.matter = matter
        self.department = department
        self.station = station
        self.channel = channel
        self.state = state
        self.supplemented = supplemented
        self.outcome = outcome
        self.workingDays = workingDays
        self.onTime = onTime
        self.count = count
    }
}

/// The figures of one line of a report.
public struct ReportFigures: Sendable, Hashable, Codable {
    /// Cases received.
    public var received = 0
    /// Cases accepted (受理), whether decided since or not.
    public var accepted = 0
    /// Cases refused (不予受理).
    public var refused = 0
    /// Cases approved or completed (准予 / 办结).
    public var approved = 0
    /// Cases denied (不予许可).
    public var denied = 0
    /// Cases asked for a supplement (补正).
    public var supplemented = 0
    /// Decisions whose timing is known.
    public var timed = 0
    /// Of those, the decisions within the time limit.
    public var onTime = 0
    /// Working days to decision → decisions.
    public var workingDays: [Int: Int] = [:]
    /// Cases residents rated (好差评).
    public var rated = 0
    /// Of those, rated 基本满意 or better.
    public var satisfied = 0
    /// Of those, rated 不满意 or 非常不满意 (差评).
    public var bad = 0

    /// An empty line.
    public init() {}

    /// The share of rated cases rated 基本满意 or better; nil with none rated.
    public var satisfactionRate: Double? { rated == 0 ? nil : Double(satisfied) / Double(rated) }

    /// The share of timed decisions within the time limit; nil with none.
    public var onTimeRate: Double? { timed == 0 ? nil : Double(onTime) / Double(timed) }
    /// The share of received cases asked for a supplement; nil with none received.
    public var supplementRate: Double? { received == 0 ? nil : Double(supplemented) / Double(received) }
    /// The mean working days to decision; nil with no timed decision.
    public var averageWorkingDays: Double? {
        timed == 0 ? nil : Double(workingDays.reduce(0) { $0 + $1.key * $1.value }) / Double(timed)
    }
    /// The 90th percentile of working days to decision (nearest rank); nil with no timed decision.
    public var workingDaysP90: Int? {
        guard timed > 0 else { return nil }
        let rank = (timed * 9 + 9) / 10  // ceil(0.9 × timed)
        var seen = 0
        for (days, count) in workingDays.sorted(by: { $0.key < $1.key }) {
            seen += count
            if seen >= rank { return days }
        }
        return nil
    }

    /// Adds `group`'s cases.
    mutating func add(_ group: CaseFactGroup) {
        let n = group.count
        received += n
        if group.supplemented { supplemented += n }
        switch group.outcome {
        case .refused: refused += n
        case .approved: approved += n
            accepted += n
        case .denied: denied += n
            accepted += n
        case nil:
            if [.accepted, .inProgress, .suspended, .withCounty].contains(group.state) { accepted += n }
        }
        if group.outcome == .approved || group.outcome == .denied, let days = group.workingDays, let onTime = group.onTime {
            timed += n
            if onTime { self.onTime += n }
            workingDays[days, default: 0] += n
        }
    }

    /// Adds `count` ratings at `level`.
    mutating func add(rating level: RatingLevel, count: Int) {
        rated += count
        if level.isBad { bad += count } else { satisfied += count }
    }
}

/// What a report's lines are grouped by.
public enum ReportDimension: String, Sendable, Codable, CaseIterable {
    /// Per matter code.
    case matter
    /// Per department.
    case department
    /// Per village station.
    case station
    /// Per channel.
    case channel
}

/// A case still waiting on the town after its deadline.
public struct OverdueCase: Sendable, Hashable {
    /// Its receipt number.
    public var receipt: String
    /// Its matter's code.
    public var matter: String
    /// The station it came from (the window's series for a walk-in).
    public var station: String
    /// The last working day of its deadline.
    public var due: CalendarDate
    /// Working days past it.
    public var workingDaysOverdue: Int

    /// An overdue case from its parts.
    public init(receipt: String, matter: String, station: String, due: CalendarDate, workingDaysOverdue: Int) {
        self.receipt = receipt
        self.matter = matter
        self.station = station
        self.due = due
        self.workingDaysOverdue = workingDaysOverdue
    }
}

/// The town's statistics over the cases received in a period (信息汇总).
public struct CaseReport: Sendable {
    /// The first day of the period.
    public var from: CalendarDate
    /// The last day of the period, inclusive.
    public var through: CalendarDate
    /// Every case of the period.
    public var total: ReportFigures
    /// The lines of each dimension, sorted by key.
    public var lines: [ReportDimension: [(key: String, figures: ReportFigures)]]
    /// Cases received by the end of the period, still open and past their deadline on the day the
    /// report is made, most overdue first (filled by the center, which knows the deadlines).
    public var overdue: [OverdueCase] = []

    /// Adds groups one at a time, so that a database can stream them in.
    public struct Builder: Sendable {
        private let from: CalendarDate
        private let through: CalendarDate
        private var total = ReportFigures()
        private var lines: [ReportDimension: [String: ReportFigures]] = [:]

        /// A builder of the report from `from` through `through`.
        public init(from: CalendarDate, through: CalendarDate) {
            self.from = from
            self.through = through
        }

        /// Counts `group`'s cases in the total and in the line of each dimension.
        public mutating func add(_ group: CaseFactGroup) {
            total.add(group)
            for dimension in ReportDimension.allCases {
                let key: String = switch dimension {
                case .matter: group.matter
                case .department: group.department?.rawValue ?? ""
                case .station: group.station
                case .channel: group.channel
                }
                lines[dimension, default: [:]][key, default: ReportFigures()].add(group)
            }
        }

        /// Counts `count` ratings at `level` of cases of `matter` (of `department`) from `station` by `channel`.
        public mutating func addRatings(
            matter: String, department: Department?, station: String, channel: String, level: RatingLevel, count: Int
        ) {
            total.add(rating: level, count: count)
            for dimension in ReportDimension.allCases {
                let key: String = switch dimension {
                case .matter: matter
                case .department: department?.rawValue ?? ""
                case .station: station
                case .channel: channel
                }
                lines[dimension, default: [:]][key, default: ReportFigures()].add(rating: level, count: count)
            }
        }

        /// The report of the groups added so far.
        public var report: CaseReport {
            CaseReport(
                from: from, through: through, total: total,
                lines: lines.mapValues { $0.sorted { $0.key < $1.key }.map { (key: $0.key, figures: $0.value) } })
        }
    }
}
