import Foundation

/// How a resident rated the service on a case (政务服务"好差评"): five levels, one key each.
public enum RatingLevel: Int, Sendable, Hashable, Codable, CaseIterable {
    case veryDissatisfied = 1, dissatisfied, fair, satisfied, verySatisfied

    /// The level as the scheme names it.
    public var label: LocalizedText {
        switch self {
        case .verySatisfied: LocalizedText(zh: "非常满意", en: "Very satisfied")
        case .satisfied: LocalizedText(zh: "满意", en: "Satisfied")
        case .fair: LocalizedText(zh: "基本满意", en: "Fairly satisfied")
        case .dissatisfied: LocalizedText(zh: "不满意", en: "Dissatisfied")
        case .veryDissatisfied: LocalizedText(zh: "非常不满意", en: "Very dissatisfied")
        }
    }

    /// A bad rating (差评): it asks for reasons and makes a follow-up task (回访整改).
    public var isBad: Bool { rawValue <= 2 }

    /// The levels in the order offered: best first (key 1 is 非常满意).
    public static let offered: [RatingLevel] = [.verySatisfied, .satisfied, .fair, .dissatisfied, .veryDissatisfied]
}

/// Why a resident was not satisfied: a short list to pick from.
public enum RatingReason: String, Sendable, Hashable, Codable, CaseIterable {
    case tooSlow = "too_slow"
    case unclearMaterials = "unclear_materials"
    case manyTrips = "many_trips"
    case attitude
    case outcome
    case other

    /// The reason in plain words.
    public var label: LocalizedText {
        switch self {
        case .tooSlow: LocalizedText(zh: "办得太慢", en: "It took too long")
        case .unclearMaterials: LocalizedText(zh: "要交的材料没说清楚", en: "The materials asked for were unclear")
        case .manyTrips: LocalizedText(zh: "跑了好几趟", en: "I had to come several times")
        case .attitude: LocalizedText(zh: "工作人员态度不好", en: "Staff were unfriendly")
        case .outcome: LocalizedText(zh: "对办理结果不满意", en: "I disagree with the outcome")
        case .other: LocalizedText(zh: "其他", en: "Something else")
        }
    }
}

/// A resident's rating of one case; a later rating of the same case replaces the earlier.
public struct CaseRating: Sendable, Hashable, Codable {
    /// The case (submission) rated.
    public var uuid: UUID
    public var level: RatingLevel
    /// Reasons, for a bad rating (empty otherwise).
    public var reasons: [RatingReason]
    /// When it was given, Unix seconds.
    public var ratedAt: Int64

    public init(uuid: UUID, level: RatingLevel, reasons: [RatingReason], ratedAt: Int64) {
        self.uuid = uuid
        self.level = level
        self.reasons = level.isBad ? Array(Set(reasons)).sorted { $0.rawValue < $1.rawValue } : []
        self.ratedAt = ratedAt
    }

    /// The bytes a station signs: a domain line, then the rating's fields one per line.
    public var signedMessage: Data {
        Data((["BIANMIN-RATING-1", uuid.uuidString, String(level.rawValue), reasons.map(\.rawValue).joined(separator: ","), String(ratedAt)])
            .joined(separator: "\n").utf8)
    }
}

extension SubmissionSummary {
    /// Whether the town has decided the case (approved, completed, denied, refused, or later), so the resident may rate it.
    public var isDecided: Bool {
        if let state = progress.flatMap({ CaseState(rawValue: $0.state) }) {
            return [.approved, .denied, .refused, .delivered, .archived].contains(state)
        }
        return decision == .completed || decision == .rejected
    }
}
