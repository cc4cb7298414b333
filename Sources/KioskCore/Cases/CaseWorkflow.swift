// Over 300 lines in one file: the workflow's states, actions and transition rules are one table, read together.

/// Where a case stands in the workflow the Administrative Licensing Law sets (行政许可法 Art. 32–44).
/// Public-service matters use the same states; only their words differ (办结 for 准予许可).
public enum CaseState: String, Sendable, Codable, CaseIterable {
    /// 已接收: received, not yet accepted or refused.
    case received
    /// 待补正: the applicant was told, once and in writing, everything to supplement.
    case needsSupplement = "needs_supplement"
    /// 已受理: accepted; the time limit runs from here.
    case accepted
    /// 不予受理: refused as beyond the town's authority, saying where to go.
    case refused
    /// 办理中: accepted, and work on it has moved on (a suspension ended, an extension granted).
    case inProgress = "in_progress"
    /// 特别程序: suspended for an inspection, hearing, testing or expert review; not counted.
    case suspended
    /// 转县级部门办理: with the county unit that completes the matter during the reform.
    case withCounty = "with_county"
    /// 准予许可 / 办结: decided in the applicant's favour.
    case approved
    /// 不予许可: denied, with reasons and the right to reconsideration or a lawsuit.
    case denied
    /// 已送达: the decision reached the applicant.
    case delivered
    /// 已归档: archived, with an archive number; nothing changes after.
    case archived

    /// Whether the case waits on the town or the county (not decided, refused or archived yet).
    public var isOpen: Bool {
        switch self {
        case .received, .needsSupplement, .accepted, .inProgress, .suspended, .withCounty: true
        case .refused, .approved, .denied, .delivered, .archived: false
        }
    }
}

/// Why a case is suspended (Art. 45: this time is not counted in the time limit).
public enum SuspensionKind: String, Sendable, Codable, CaseIterable {
    /// 现场勘察.
    case inspection
    /// 听证.
    case hearing
    /// 检验检测.
    case testing
    /// 专家评审.
    case expertReview = "expert_review"
}

/// How a decision reached the applicant (送达).
public enum DeliveryMethod: String, Sendable, Codable, CaseIterable {
    /// At the town center's window.
    case window
    /// By post.
    case post
    /// Printed at the applicant's village station.
    case villageStation = "village_station"
}

/// What a member of staff may do.
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    /// 窗口受理: the intake window.
    case window
    /// 审批: the window's work, plus extensions.
    case approver
    /// 县直部门: records the county unit's result on its own department's matters.
    case department
    /// 管理员: accounts, stations, catalogs; no case decisions.
    case admin
    /// 查阅: reads only.
    case auditor
}

/// Who acts on a case.
public struct CaseActor: Sendable, Hashable {
    /// The staff id (for the audit trail).
    public var id: String
    /// The actor's role.
    public var role: StaffRole
    /// The department a `department` actor belongs to.
    public var department: Department?

    /// An actor from its parts.
    public init(id: String, role: StaffRole, department: Department? = nil) {
        self.id = id
        self.role = role
        self.department = department
    }
}

/// One step a member of staff takes on a case.
public enum CaseAction: Sendable, Hashable {
    /// Tell the applicant everything to supplement, at once (补正); within 5 working days of receipt.
    case requestSupplement(items: [String])
    /// The applicant brought what was missing; the case is received again.
    case resubmit
    /// Accept (受理).
    case accept
    /// Refuse to accept (不予受理): why, and which authority to go to.
    case refuse(reason: String, goTo: String)
    /// Stop the clock for an inspection, hearing, testing or expert review.
    case suspend(SuspensionKind, reason: String)
    /// Restart the clock after a suspension.
    case resume
    /// Extend the time limit once (approver only), with a reason for the applicant.
    case extend(workingDays: Int, reason: String)
    /// Hand the case to the county unit that completes it.
    case sendToCounty(unit: String)
    /// Decide: approve, or deny with reasons. From a county unit, its recorded result.
    case decide(approved: Bool, reasons: String)
    /// Record that the decision reached the applicant.
    case deliver(DeliveryMethod, recipient: String)
    /// Archive the case under an archive number.
    case archive(number: String)

    /// The action's name, as the audit trail and the commands spell it.
    public var name: String {
        switch self {
        case .requestSupplement: "request_supplement"
        case .resubmit: "resubmit"
        case .accept: "accept"
        case .refuse: "refuse"
        case .suspend: "suspend"
        case .resume: "resume"
        case .extend: "extend"
        case .sendToCounty: "send_to_county"
        case .decide: "decide"
        case .deliver: "deliver"
        case .archive: "archive"
        }
    }
}

/// The written notices (文书) the workflow gives the applicant.
public enum NoticeKind: String, Sendable, Codable, CaseIterable {
    /// 受理通知书.
    case acceptance
    /// 不予受理决定书.
    case refusal
    /// 补正材料通知书.
    case supplement
    /// 延期通知书.
    case `extension`
    /// 特别程序告知书.
    case suspension
    /// 准予行政许可决定书 / 办结通知书, or 不予行政许可决定书.
    case decision
    /// 送达回证.
    case delivery
}

/// What the caller does after a transition.
public enum CaseEffect: Sendable, Hashable {
    /// Issue this notice to the applicant.
    case issueNotice(NoticeKind)
    /// Hand the case to the county unit.
    case forwardToCounty(unit: String)
}

/// A suspension of the clock.
public struct CaseSuspension: Sendable, Hashable {
    /// Why.
    public var kind: SuspensionKind
    /// What the applicant is told.
    public var reason: String
    /// The day it began.
    public var from: CalendarDate
    /// The day it ended (nil while it lasts).
    public var to: CalendarDate?

    /// A suspension from its parts.
    public init(kind: SuspensionKind, reason: String, from: CalendarDate, to: CalendarDate? = nil) {
        self.kind = kind
        self.reason = reason
        self.from = from
        self.to = to
    }
}

/// A case's workflow facts: what happened on which day. The database keeps them; this type decides.
public struct CaseFile: Sendable, Hashable {
    /// The current state.
    public var state: CaseState
    /// The department of the case's matter.
    public var department: Department
    /// The matter's published time limit, in working days.
    public var timeLimitDays: Int
    /// The day the application was received.
    public var receivedOn: CalendarDate
    /// The day the supplemented application was received (the 5-day window runs again from it).
    public var resubmittedOn: CalendarDate?
    /// The day the supplement notice was given.
    public var supplementRequestedOn: CalendarDate?
    /// Everything the applicant was told to supplement.
    public var supplementItems: [String] = []
    /// The day of acceptance: the act, or the receipt day when the law deems it accepted.
    public var acceptedOn: CalendarDate?
    /// Whether acceptance came from the law (no notice within 5 working days), not from a decision.
    public var acceptedByLaw = false
    /// The suspensions, oldest first.
    public var suspensions: [CaseSuspension] = []
    /// Working days added by the one extension.
    public var extensionDays: Int?
    /// The county unit the case was sent to.
    public var countyUnit: String?
    /// The day of the decision (or refusal).
    public var decidedOn: CalendarDate?
    /// The reason of a refusal or denial.
    public var reason: String?
    /// The day of delivery.
    public var deliveredOn: CalendarDate?
    /// The archive number.
    public var archiveNumber: String?

    /// A newly received case.
    public init(department: Department, timeLimitDays: Int, receivedOn: CalendarDate) {
        state = .received
        self.department = department
        self.timeLimitDays = timeLimitDays
        self.receivedOn = receivedOn
    }
}

/// Why a transition was refused.
public enum WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The action does not apply in this state.
    case illegal(action: String, state: CaseState)
    /// The actor's role may not take this action (on this department's case).
    case notPermitted(action: String, role: StaffRole)
    /// A reason, a list of items, an authority or a number is required and was empty.
    case missing(String)
    /// The 5 working days to refuse or ask for supplements passed: the law deems the case accepted.
    case supplementWindowPassed(acceptedOn: CalendarDate)
    /// The one extension was granted already.
    case alreadyExtended
    /// An extension must be 1 to 30 working days.
    case extensionOutOfRange(Int)
    /// The action is dated before the case's last act.
    case backdated(CalendarDate)

    public var description: String {
        switch self {
        case .illegal(let action, let state): "'\(action)' does not apply to a case that is \(state.rawValue)"
        case .notPermitted(let action, let role): "the \(role.rawValue) role may not '\(action)' this case"
        case .missing(let what): "\(what) is required"
        case .supplementWindowPassed(let day):
            "the 5 working days to refuse or ask for supplements have passed: the law deems the case accepted on \(day)"
        case .alreadyExtended: "the time limit was extended once already"
        case .extensionOutOfRange(let days): "an extension is 1 to \(CaseWorkflow.longestExtension) working days, not \(days)"
        case .backdated(let day): "the action cannot be dated before \(day)"
        }
    }
}

/// The workflow's rules: which action applies in which state, for whom, and what follows.
public enum CaseWorkflow {
    /// Working days to tell the applicant what to supplement (Art. 32).
    public static let supplementWindow = 5
    /// Working days to deliver a granted license (Art. 44).
    public static let deliveryWindow = 10
    /// The longest one extension may be, in working days (Art. 42: ten more days, or what a law sets).
    public static let longestExtension = 30

    /// Applies `action` by `actor` on `day`: the updated case and what to do next, or why not.
    public static func apply(
        _ action: CaseAction, to file: CaseFile, by actor: CaseActor, on day: CalendarDate, calendar: WorkingDayCalendar
    ) throws(WorkflowError) -> (CaseFile, [CaseEffect]) {
        try permit(action, on: file, by: actor)
        if let last = lastAct(of: file), day < last { throw .backdated(last) }
        var next = file
        let deemed = deemedAcceptance(of: file, on: day, calendar: calendar)
        switch (action, file.state) {
        case (.requestSupplement(let items), .received):
            let items = items.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            guard !items.isEmpty else { throw .missing("the list of materials to supplement") }
            if let deemed { throw .supplementWindowPassed(acceptedOn: deemed) }
            next.state = .needsSupplement
            next.supplementRequestedOn = day
            next.supplementItems = items
            return (next, [.issueNotice(.supplement)])
        case (.resubmit, .needsSupplement):
            next.state = .received
            next.resubmittedOn = day
            return (next, [])
        case (.accept, .received):
            next.state = .accepted
            next.acceptedOn = deemed ?? day
            next.acceptedByLaw = deemed != nil
            return (next, [.issueNotice(.acceptance)])
        case (.refuse(let reason, let goTo), .received):
            guard !reason.trimmingWhitespace().isEmpty else { throw .missing("the reason for refusing") }
            guard !goTo.trimmingWhitespace().isEmpty else { throw .missing("the authority to apply to instead") }
            if let deemed { throw .supplementWindowPassed(acceptedOn: deemed) }
            next.state = .refused
            next.reason = reason
            next.decidedOn = day
            return (next, [.issueNotice(.refusal)])
        case (.suspend(let kind, let reason), .accepted), (.suspend(let kind, let reason), .inProgress):
            guard !reason.trimmingWhitespace().isEmpty else { throw .missing("the reason for the suspension") }
            next.state = .suspended
            next.suspensions.append(CaseSuspension(kind: kind, reason: reason, from: day))
            return (next, [.issueNotice(.suspension)])
        case (.resume, .suspended):
            next.state = .inProgress
            next.suspensions[next.suspensions.count - 1].to = day
            return (next, [])
        case (.extend(let days, let reason), .accepted), (.extend(let days, let reason), .inProgress),
            (.extend(let days, let reason), .withCounty):
            guard file.extensionDays == nil else { throw .alreadyExtended }
            guard (1...longestExtension).contains(days) else { throw .extensionOutOfRange(days) }
            guard !reason.trimmingWhitespace().isEmpty else { throw .missing("the reason for the extension") }
            next.extensionDays = days
            if file.state == .accepted { next.state = .inProgress }
            return (next, [.issueNotice(.extension)])
        case (.sendToCounty(let unit), .accepted), (.sendToCounty(let unit), .inProgress):
            guard !unit.trimmingWhitespace().isEmpty else { throw .missing("the county unit") }
            next.state = .withCounty
            next.countyUnit = unit
            return (next, [.forwardToCounty(unit: unit)])
        case (.decide(let approved, let reasons), .accepted), (.decide(let approved, let reasons), .inProgress),
            (.decide(let approved, let reasons), .withCounty):
            if !approved, reasons.trimmingWhitespace().isEmpty { throw .missing("the reasons for the denial") }
            next.state = approved ? .approved : .denied
            next.reason = reasons.trimmingWhitespace().isEmpty ? nil : reasons
            next.decidedOn = day
            return (next, [.issueNotice(.decision)])
        case (.deliver(_, let recipient), .approved), (.deliver(_, let recipient), .denied):
            guard !recipient.trimmingWhitespace().isEmpty else { throw .missing("who received the decision") }
            next.state = .delivered
            next.deliveredOn = day
            return (next, [.issueNotice(.delivery)])
        case (.archive(let number), .delivered), (.archive(let number), .refused):
            guard !number.trimmingWhitespace().isEmpty else { throw .missing("the archive number") }
            next.state = .archived
            next.archiveNumber = number
            return (next, [])
        default:
            throw .illegal(action: action.name, state: file.state)
        }
    }

    /// Whether `actor` may take `action` on `file` at all (the state is checked after).
    static func permit(_ action: CaseAction, on file: CaseFile, by actor: CaseActor) throws(WorkflowError) {
        let allowed: Bool
        switch actor.role {
        case .window:
            if case .extend = action { allowed = false } else { allowed = true }
        case .approver:
            allowed = true
        case .department:
            // A county department records its own unit's result, on its own department's cases only.
            if case .decide = action { allowed = file.state == .withCounty && actor.department == file.department } else { allowed = false }
        case .admin, .auditor:
            allowed = false
        }
        if !allowed { throw .notPermitted(action: action.name, role: actor.role) }
    }

    /// The day of the case's latest recorded act.
    static func lastAct(of file: CaseFile) -> CalendarDate? {
        ([file.receivedOn, file.resubmittedOn, file.supplementRequestedOn, file.acceptedByLaw ? nil : file.acceptedOn,
          file.decidedOn, file.deliveredOn] + file.suspensions.flatMap { [$0.from, $0.to] })
            .compactMap { $0 }.max()
    }

    /// When the law deems a received case accepted on `day`: its receipt day, once the 5 working days
    /// to answer it passed with no notice; nil while the window is open.
    public static func deemedAcceptance(of file: CaseFile, on day: CalendarDate, calendar: WorkingDayCalendar) -> CalendarDate? {
        guard file.state == .received, let window = supplementDue(of: file, calendar: calendar), day > window.date else { return nil }
        return file.resubmittedOn ?? file.receivedOn
    }

    /// The last day to refuse or ask for supplements (day 1 is the first working day after receipt).
    public static func supplementDue(of file: CaseFile, calendar: WorkingDayCalendar) -> WorkingDayDate? {
        calendar.adding(workingDays: supplementWindow, to: file.resubmittedOn ?? file.receivedOn)
    }
}

extension CaseWorkflow {
    /// The names of the actions `actor` may take on `file` on `day`: each action tried against the
    /// rules above with placeholder details, so that a desk offers only what `apply` would take.
    public static func availableActions(
        on file: CaseFile, by actor: CaseActor, on day: CalendarDate, calendar: WorkingDayCalendar
    ) -> [String] {
        let samples: [CaseAction] = [
            .requestSupplement(items: ["-"]), .resubmit, .accept, .refuse(reason: "-", goTo: "-"), .suspend(.inspection, reason: "-"),
            .resume, .extend(workingDays: 1, reason: "-"), .sendToCounty(unit: "-"), .decide(approved: true, reasons: "-"),
            .deliver(.window, recipient: "-"), .archive(number: "-"),
        ]
        return samples.filter { (try? apply($0, to: file, by: actor, on: day, calendar: calendar)) != nil }.map(\.name)
    }
}
