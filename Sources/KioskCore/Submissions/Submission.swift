import Foundation

/// Where a submission is on its way to the town center.
public enum SubmissionState: String, Sendable, Codable, CaseIterable {
    /// Stored at the kiosk, not yet sent.
    case queued
    /// Sent at least once, no valid acknowledgement yet.
    case forwarded
    /// The town center signed that it stored it.
    case acknowledged
    /// The town center refused the item itself (not the application); set aside for the assistant.
    case setAside = "set_aside"

    /// How the state reads on the kiosk's screens.
    public var label: LocalizedText {
        switch self {
        case .queued: LocalizedText(zh: "已保存,等待发送到镇中心", en: "Saved, waiting to be sent to the town center")
        case .forwarded: LocalizedText(zh: "正在发送到镇中心", en: "Being sent to the town center")
        case .acknowledged: LocalizedText(zh: "镇中心已收到,正在办理", en: "Received by the town center, in progress")
        case .setAside: LocalizedText(zh: "发送受阻,请联系代办员", en: "Could not be delivered; ask the assistant")
        }
    }
}

/// The town's decision on an application.
public enum Decision: String, Sendable, Codable, CaseIterable {
    /// 受理: accepted for processing.
    case accepted
    /// 不予受理: rejected, with a reason.
    case rejected
    /// 补正材料: more material needed.
    case needsMore = "needs_more"
    /// 办结: completed.
    case completed

    /// How the decision reads on screens and receipts.
    public var label: LocalizedText {
        switch self {
        case .accepted: LocalizedText(zh: "已受理", en: "Accepted")
        case .rejected: LocalizedText(zh: "不予受理", en: "Rejected")
        case .needsMore: LocalizedText(zh: "需补充材料", en: "More material needed")
        case .completed: LocalizedText(zh: "已办结", en: "Completed")
        }
    }
}

/// Whether a document of a submission has been printed.
public enum PrintState: String, Sendable, Codable, CaseIterable {
    case pending
    case printed
    case failed
    /// The matter needs no such document.
    case notRequired = "not_required"
}

/// Who entered an application.
public enum Channel: Sendable, Hashable {
    /// The resident at the kiosk.
    case selfService
    /// A village assistant on the resident's behalf.
    case assisted(assistantID: String)

    /// The stored name of the channel.
    public var name: String {
        switch self {
        case .selfService: "self"
        case .assisted: "assisted"
        }
    }

    /// The assistant's id, when assisted.
    public var assistantID: String? {
        if case .assisted(let id) = self { return id }
        return nil
    }

    /// Whether `id` is a valid assistant id: 1–16 ASCII letters or digits.
    public static func isValidAssistantID(_ id: String) -> Bool {
        (1...16).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}

/// The clear metadata of a queued submission (the answers themselves are sealed).
public struct SubmissionSummary: Sendable, Hashable, Codable {
    public var uuid: UUID
    public var receipt: String
    public var station: String
    public var matter: String
    public var catalogVersion: String
    public var channel: String
    public var assistantID: String?
    public var createdAt: Date
    public var state: SubmissionState
    public var decision: Decision?
    public var decisionReason: String?
    public var decidedAt: Date?
    public var receiptPrint: PrintState
    public var formPrint: PrintState
    /// e.g. `张* 1101**********002X 138****8000`.
    public var applicantMasked: String
    public var receiptQR: String
    public var forwardAttempts: Int
    public var lastError: String?
    public var acknowledgedAt: Date?
    public var purgedAt: Date?
    /// What the town's case workflow says of it (from centers that run the workflow).
    public var progress: CaseProgress?

    public init(
        uuid: UUID, receipt: String, station: String, matter: String, catalogVersion: String, channel: String,
        assistantID: String?, createdAt: Date, state: SubmissionState, decision: Decision?, decisionReason: String?,
        decidedAt: Date?, receiptPrint: PrintState, formPrint: PrintState, applicantMasked: String, receiptQR: String,
        forwardAttempts: Int, lastError: String?, acknowledgedAt: Date?, purgedAt: Date?
    ) {
        self.uuid = uuid
        self.receipt = receipt
        self.station = station
        self.matter = matter
        self.catalogVersion = catalogVersion
        self.channel = channel
        self.assistantID = assistantID
        self.createdAt = createdAt
        self.state = state
        self.decision = decision
        self.decisionReason = decisionReason
        self.decidedAt = decidedAt
        self.receiptPrint = receiptPrint
        self.formPrint = formPrint
        self.applicantMasked = applicantMasked
        self.receiptQR = receiptQR
        self.forwardAttempts = forwardAttempts
        self.lastError = lastError
        self.acknowledgedAt = acknowledgedAt
        self.purgedAt = purgedAt
    }

    /// The status line a resident sees when checking progress: the workflow state in plain words
    /// when the kiosk knows it, else the decision; with the reason, unless the missing list says it.
    public func status(_ language: KioskLanguage) -> String {
        guard let decision else { return state.label.text(language) }
        let listed = progress.map { !$0.missing.isEmpty && $0.label != nil } ?? false
        let reason = listed ? "" : decisionReason.map { language == .zhHans ? ":\($0)" : ": \($0)" } ?? ""
        return (progress?.label ?? decision.label).text(language) + reason
    }
}

/// What the town's case workflow says of a case, as the updates feed brings it.
public struct CaseProgress: Sendable, Hashable, Codable {
    /// The workflow state as the center sent it; kept as text, so a state this kiosk does not know
    /// leaves the decision shown instead.
    public var state: String
    /// The day the running deadline ends (YYYY-MM-DD).
    public var due: String?
    /// Whether `due` was counted on weekends alone (no holiday calendar for a year).
    public var dueEstimated: Bool
    /// Everything to supplement (needs_supplement).
    public var missing: [String]
    /// Where a refused applicant goes instead.
    public var goTo: String?

    /// Progress from its parts.
    public init(state: String, due: String?, dueEstimated: Bool, missing: [String], goTo: String?) {
        self.state = state
        self.due = due
        self.dueEstimated = dueEstimated
        self.missing = missing
        self.goTo = goTo
    }

    /// The state in plain words; nil for a state this kiosk does not know.
    public var label: LocalizedText? {
        switch CaseState(rawValue: state) {
        case .received: LocalizedText(zh: "已接收,等待审核", en: "Received, waiting for review")
        case .needsSupplement: LocalizedText(zh: "需补充材料", en: "More material needed")
        case .accepted: LocalizedText(zh: "已受理", en: "Accepted")
        case .refused: LocalizedText(zh: "不予受理", en: "Not accepted here")
        case .inProgress: LocalizedText(zh: "办理中", en: "In progress")
        case .suspended: LocalizedText(zh: "现场勘察等程序中,不计办理时间", en: "On hold for an inspection or review (not counted)")
        case .withCounty: LocalizedText(zh: "已转县级部门办理", en: "With the county department")
        case .approved: LocalizedText(zh: "已办结", en: "Completed")
        case .denied: LocalizedText(zh: "不予许可", en: "Not granted")
        case .delivered: LocalizedText(zh: "结果已送达", en: "Result delivered")
        case .archived: LocalizedText(zh: "已办结归档", en: "Completed and filed")
        case nil: nil
        }
    }
}

/// The masked applicant line of a submission, built from the form's sensitive answers.
public enum ApplicantMask {
    /// Masks the name, ID number and phone answered at the top level of `form`.
    public static func summary(of answers: Answers, form: Form) -> String {
        var parts: [String] = []
        for field in form.fields where field.sensitive {
            guard case .text(let value)? = answers[field.id] else { continue }
            if field.type == .idNumber || field.type == .phone || field.asksForName { parts.append(Masking.value(value, for: field)) }
        }
        return parts.joined(separator: " ")
    }
}
