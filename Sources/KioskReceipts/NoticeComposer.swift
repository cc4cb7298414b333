import Documents
import Foundation
import KioskCore

/// What a written notice (文书) is made from: the case's facts and the words the staff gave.
public struct NoticeFacts: Sendable {
    /// Which notice.
    public var kind: NoticeKind
    /// Its number in its series.
    public var number: String
    /// The issuing authority, e.g. XX县新河镇人民政府.
    public var authority: String
    /// The county whose government hears reconsideration, e.g. XX县.
    public var county: String
    /// The applicant's name, opened from the sealed answers.
    public var applicant: String
    /// The receipt number.
    public var receipt: String
    /// The matter.
    public var matter: Matter
    /// The case's facts.
    public var file: CaseFile
    /// Where a refused applicant goes.
    public var goTo: String?
    /// Why the time limit was extended.
    public var extensionReason: String?
    /// How the decision was delivered, and to whom.
    public var delivery: (method: DeliveryMethod, recipient: String)?
    /// Whether the decision approved the application (nil before a decision).
    public var approved: Bool?
    /// The day the decision is due (acceptance and extension notices).
    public var decisionDue: CalendarDate?
    /// The day of issue.
    public var issuedOn: CalendarDate

    /// Facts from their parts.
    public init(
        kind: NoticeKind, number: String, authority: String, county: String, applicant: String, receipt: String, matter: Matter,
        file: CaseFile, goTo: String?, extensionReason: String?, delivery: (method: DeliveryMethod, recipient: String)?,
        approved: Bool?, decisionDue: CalendarDate?, issuedOn: CalendarDate
    ) {
        self.kind = kind
        self.number = number
        self.authority = authority
        self.county = county
        self.applicant = applicant
        self.receipt = receipt
        self.matter = matter
        self.file = file
        self.goTo = goTo
        self.extensionReason = extensionReason
        self.delivery = delivery
        self.approved = approved
        self.decisionDue = decisionDue
        self.issuedOn = issuedOn
    }
}

extension DocumentComposer {
    /// Whether the case's facts hold what a notice of `kind` states (an acceptance, a refusal, a
    /// supplement list, an extension, a suspension, a decision, a delivery).
    public static func canIssue(_ kind: NoticeKind, file: CaseFile) -> Bool {
        switch kind {
        case .acceptance: file.acceptedOn != nil
        case .refusal: file.state == .refused || (file.state == .archived && file.acceptedOn == nil && file.decidedOn != nil)
        case .supplement: !file.supplementItems.isEmpty
        case .extension: file.extensionDays != nil
        case .suspension: !file.suspensions.isEmpty
        case .decision: file.acceptedOn != nil && file.decidedOn != nil
        case .delivery: file.deliveredOn != nil
        }
    }

    /// The notice of `facts.kind` (Administrative Licensing Law Art. 32, 38, 42, 44, 45), or nil when
    /// the case holds nothing to give notice of (see `canIssue`).
    public static func notice(_ facts: NoticeFacts) -> NoticeDocument? {
        let file = facts.file
        guard canIssue(facts.kind, file: file), facts.kind != .decision || facts.approved != nil else { return nil }
        let publicService = facts.matter.category == .publicService
        let application = "你于\(chineseDate(file.receivedOn))提出的\(facts.matter.name.zh)申请(回执 \(facts.receipt))"
        let appeal = AppealRights.text(county: facts.county).zh
        let due = facts.decisionDue.map { ",即\(chineseDate($0))前" } ?? ""
        let title: String
        var paragraphs: [String] = []
        var items: [String] = []
        var closing: [String] = []
        switch facts.kind {
        case .acceptance:
            title = "受理通知书"
            paragraphs.append("\(application),经审查,申请材料齐全、符合法定形式,本机关决定予以受理,受理日期为\(chineseDate(file.acceptedOn!))。")
            if file.acceptedByLaw {
                paragraphs.append("本机关未在收到申请之日起5个工作日内告知补正,依照《中华人民共和国行政许可法》第三十二条,自收到申请之日起即为受理。")
            }
            paragraphs.append("本机关将在\(file.timeLimitDays)个工作日内\(due)作出决定;依法需要听证、检验、检测、现场勘察或专家评审的,所需时间不计算在期限内,届时另行书面告知。")
            closing.append("办理进度可凭回执在提交申请的村便民服务站或本中心窗口查询。")
        case .refusal:
            title = "不予受理决定书"
            paragraphs.append("\(application),经审查:\(file.reason ?? "")。依照《中华人民共和国行政许可法》第三十二条,本机关决定不予受理。")
            paragraphs.append("请向\(facts.goTo ?? "有权机关")提出申请。")
            closing.append(appeal)
        case .supplement:
            title = "补正材料通知书"
            paragraphs.append("\(application),申请材料不齐全或者不符合法定形式。依照《中华人民共和国行政许可法》第三十二条,现一次性告知你需要补正的全部内容:")
            items = file.supplementItems
            closing.append("请补正后到\(facts.authority)为民服务中心或村便民服务站提交。补正材料齐全后,本机关依法受理。")
        case .extension:
            title = "延期通知书"
            paragraphs.append("\(application),本机关已于\(file.acceptedOn.map(chineseDate) ?? "")受理。")
            paragraphs.append("因\(facts.extensionReason ?? ""),经本机关负责人批准,依照《中华人民共和国行政许可法》第四十二条,办理期限延长\(file.extensionDays!)个工作日\(due)作出决定。")
        case .suspension:
            title = "特别程序告知书"
            let last = file.suspensions.last!
            paragraphs.append("\(application),依法需要进行\(procedureName(last.kind)):\(last.reason)。")
            paragraphs.append("依照《中华人民共和国行政许可法》第四十五条,自\(chineseDate(last.from))起\(last.to.map { "至\(chineseDate($0))" } ?? "")所需时间不计算在办理期限内。程序结束后本机关将继续办理。")
        case .decision:
            if facts.approved == true {
                title = publicService ? "办结通知书" : "准予行政许可决定书"
                paragraphs.append(publicService
                    ? "\(application),经审查,已办理完结。"
                    : "\(application),经审查,符合法定条件、标准。依照《中华人民共和国行政许可法》第三十八条,本机关决定准予行政许可。")
                paragraphs.append("本机关将自作出决定之日起\(CaseWorkflow.deliveryWindow)个工作日内向你送达。")
            } else {
                title = publicService ? "不予办理决定书" : "不予行政许可决定书"
                paragraphs.append("\(application),经审查:\(file.reason ?? "")。"
                    + (publicService ? "本机关决定不予办理。" : "依照《中华人民共和国行政许可法》第三十八条,本机关决定不予行政许可。"))
                closing.append(appeal)
            }
        case .delivery:
            title = "送达回证"
            paragraphs.append("送达文书:\(facts.matter.name.zh)决定书(回执 \(facts.receipt))。")
            if let delivery = facts.delivery {
                paragraphs.append("送达方式:\(deliveryName(delivery.method));受送达人:\(delivery.recipient)。")
            }
            paragraphs.append("送达日期:\(chineseDate(file.deliveredOn!))。")
            closing.append("受送达人签名:____________    送达人签名:____________")
        }
        return NoticeDocument(
            title: title, number: facts.number, authorityName: facts.authority, addressee: facts.applicant, paragraphs: paragraphs,
            items: items, closing: closing, date: chineseDate(facts.issuedOn), receiptNumber: facts.receipt)
    }

    /// `2026年10月9日`.
    static func chineseDate(_ day: CalendarDate) -> String { "\(day.year)年\(day.month)月\(day.day)日" }

    static func procedureName(_ kind: SuspensionKind) -> String {
        switch kind {
        case .inspection: "现场勘察"
        case .hearing: "听证"
        case .testing: "检验、检测"
        case .expertReview: "专家评审"
        }
    }

    static func deliveryName(_ method: DeliveryMethod) -> String {
        switch method {
        case .window: "窗口领取"
        case .post: "邮寄"
        case .villageStation: "村便民服务站打印送达"
        }
    }
}
