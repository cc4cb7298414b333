/// The county departments whose matters were delegated to the towns (from the implementation plan).
public enum Department: String, Sendable, CaseIterable, Codable {
    case humanResources = "人社局"
    case administrativeApproval = "行政审批局"
    case housing = "住建局"
    case urbanManagement = "城管局"
    case water = "水务局"
    case civilAffairs = "民政局"
    case publicity = "宣传部(新闻出版局)"
    case health = "卫健委"
    case medicalSecurity = "医保局"
}

/// The kinds of power the plan delegates.
public enum MatterCategory: String, Sendable, CaseIterable, Codable {
    case publicService = "公共服务"
    case licensing = "行政许可"
    case confirmation = "行政确认"
    case levy = "行政征收"
    case otherAdministrative = "行政其他"
    case other = "其他"
}

/// Where a matter may be applied for.
public enum Intake: String, Sendable, Codable, CaseIterable {
    /// A village kiosk may take the application.
    case village
    /// The resident must go to the town service center in person.
    case town
}

/// A required material of a matter's service guide.
public struct Material: Sendable, Hashable {
    /// Whether the original, a copy, or both are needed.
    public enum Kind: String, Sendable, CaseIterable {
        case original
        case copy
        case originalAndCopy = "original_and_copy"

        /// How the service guide names the kind.
        public var label: LocalizedText {
            switch self {
            case .original: LocalizedText(zh: "原件", en: "original")
            case .copy: LocalizedText(zh: "复印件", en: "copy")
            case .originalAndCopy: LocalizedText(zh: "原件及复印件", en: "original and copy")
            }
        }
    }

    public var name: LocalizedText
    public var kind: Kind
    public var copies: Int
    public var note: LocalizedText?
    /// Whether the resident must bring it to the town center (otherwise the assistant collects it).
    public var bring: Bool

    public init(name: LocalizedText, kind: Kind, copies: Int = 1, note: LocalizedText? = nil, bring: Bool = false) {
        self.name = name
        self.kind = kind
        self.copies = copies
        self.note = note
        self.bring = bring
    }
}

/// A licensing or public-service matter with its service guide (办事指南) and form.
public struct Matter: Sendable, Identifiable {
    public var code: String
    public var name: LocalizedText
    public var department: Department
    public var category: MatterCategory
    /// Whether the county delegated the matter to the town.
    public var delegated: Bool
    public var intake: Intake
    /// Where to go instead, for matters the kiosk cannot take.
    public var referTo: LocalizedText?
    /// The county unit that still completes the matter during the reform.
    public var completingUnit: LocalizedText
    public var legalBasis: [LocalizedText]
    public var conditions: [LocalizedText]
    public var materials: [Material]
    /// Commitment time limit in working days (0: on the spot).
    public var timeLimitDays: Int
    public var fee: LocalizedText
    /// Visits to the town center required.
    public var visits: Int
    public var delivery: LocalizedText
    public var phone: String
    public var complaint: LocalizedText
    /// Whether the A4 application form must be printed and signed.
    public var needsSignature: Bool
    public var form: Form
    /// Everyday words residents search for (低保, 五保, 特困), found like the name, with pinyin.
    public var keywords: [String]
    /// Years the case's archive package is kept (保管期限); 0 is permanently (永久).
    public var retentionYears: Int

    /// The retention when the catalog names none.
    public static let defaultRetentionYears = 30

    public var id: String { code }

    /// Whether a village kiosk may take an application for this matter.
    public var acceptsAtVillage: Bool { delegated && intake == .village }

    public init(
        code: String, name: LocalizedText, department: Department, category: MatterCategory,
        delegated: Bool, intake: Intake, referTo: LocalizedText?, completingUnit: LocalizedText,
        legalBasis: [LocalizedText], conditions: [LocalizedText], materials: [Material],
        timeLimitDays: Int, fee: LocalizedText, visits: Int, delivery: LocalizedText, phone: String,
        complaint: LocalizedText, needsSignature: Bool, form: Form, keywords: [String] = [],
        retentionYears: Int = Matter.defaultRetentionYears
    ) {
        self.code = code
        self.name = name
        self.department = department
        self.category = category
        self.delegated = delegated
        self.intake = intake
        self.referTo = referTo
        self.completingUnit = completingUnit
        self.legalBasis = legalBasis
        self.conditions = conditions
        self.materials = materials
        self.timeLimitDays = timeLimitDays
        self.fee = fee
        self.visits = visits
        self.delivery = delivery
        self.phone = phone
        self.complaint = complaint
        self.needsSignature = needsSignature
        self.form = form
        self.keywords = keywords
        self.retentionYears = retentionYears
    }
}

/// The matters a station offers, with the catalog's version.
public struct Catalog: Sendable {
    public var version: String
    public var county: String
    /// Matters in code order.
    public var matters: [Matter]

    public init(version: String, county: String, matters: [Matter]) {
        self.version = version
        self.county = county
        self.matters = matters.sorted { $0.code < $1.code }
    }

    /// The matter with `code` (case-insensitive).
    public func matter(_ code: String) -> Matter? {
        let wanted = code.uppercased()
        return matters.first { $0.code == wanted }
    }

    /// How many delegated matters fall in each category.
    public func delegatedCount(by category: MatterCategory) -> Int {
        matters.filter { $0.delegated && $0.category == category }.count
    }
}

/// Why the kiosk will not take an application for a matter.
public enum Refusal: Sendable, Hashable {
    /// The county has not delegated the matter (不予受理).
    case notDelegated(referTo: LocalizedText)
    /// Delegated, but only the town center may take it, in person.
    case townOnly(referTo: LocalizedText)

    /// The refusal as shown to the resident.
    public var message: LocalizedText {
        switch self {
        case .notDelegated(let where_):
            LocalizedText(
                zh: "不予受理:本事项未赋予镇(街道)办理。请到\(where_.zh)",
                en: "Not accepted here: this matter was not delegated to the town. Please go to \(where_.text(.en))")
        case .townOnly(let where_):
            LocalizedText(
                zh: "本事项需本人到镇为民服务中心现场办理,村便民服务站不能受理。\(where_.zh)",
                en: "This matter must be applied for in person at the town service center. \(where_.text(.en))")
        }
    }
}

extension Matter {
    /// Why the village kiosk refuses this matter, or nil when it may take it.
    public var refusal: Refusal? {
        let where_ = referTo ?? LocalizedText(zh: "县政务服务中心咨询", en: "the county government service center")
        if !delegated { return .notDelegated(referTo: where_) }
        if intake == .town { return .townOnly(referTo: where_) }
        return nil
    }
}
