/// A matter's service guide (办事指南) as titled sections, for screens, printouts and `catalog show`.
public struct ServiceGuide: Sendable {
    /// One titled element of the guide.
    public struct Section: Sendable, Hashable {
        public var title: String
        public var lines: [String]
    }

    public var title: String
    public var sections: [Section]

    /// The guide of `matter` in `language`.
    public init(_ matter: Matter, language: KioskLanguage) {
        let l = language
        func t(_ zh: String, _ en: String) -> String { l == .zhHans ? zh : en }
        title = matter.name.text(l)
        // What a resident needs first (can I apply, what to bring, how long, what it costs), then
        // where and how, and the codes and legal basis last.
        var sections: [Section] = [
            Section(title: t("受理条件", "Who can apply"), lines: matter.conditions.map { $0.text(l) }),
            Section(
                title: t("申请材料", "What to bring"),
                lines: matter.materials.isEmpty
                    ? [t("无", "Nothing")]
                    : matter.materials.map { m in
                        var line = "\(m.name.text(l)) (\(m.kind.label.text(l)) \(m.copies)\(t("份", " ")))"
                        if m.bring { line += t(" 须带到镇为民服务中心", " - bring it to the town center") }
                        if let note = m.note { line += ": " + note.text(l) }
                        return line
                    }),
            Section(
                title: t("办理时限", "How long it takes"),
                lines: [matter.timeLimitDays == 0 ? t("即办", "Done on the spot") : t("\(matter.timeLimitDays)个工作日", "\(matter.timeLimitDays) working days")]),
            Section(title: t("收费", "Fee"), lines: [matter.fee.text(l)]),
        ]
        if let refusal = matter.refusal {
            sections.append(Section(title: t("办理地点", "Where to apply"), lines: [refusal.message.text(l)]))
        } else {
            sections.append(Section(title: t("办理地点", "Where to apply"), lines: [t("本村便民服务站可以受理(就近办)", "This village station accepts applications")]))
        }
        sections += [
            Section(title: t("到镇次数", "Visits to the town center"), lines: [t("\(matter.visits)次", "\(matter.visits)")]),
            Section(title: t("结果送达", "How you get the result"), lines: [matter.delivery.text(l)]),
            Section(title: t("咨询电话", "Phone for questions"), lines: [matter.phone]),
            Section(title: t("投诉渠道", "Complaints"), lines: [matter.complaint.text(l)]),
            Section(title: t("办结单位(改革期间)", "Completed by (during the reform)"), lines: [matter.completingUnit.text(l)]),
            Section(title: t("设定依据", "Legal basis"), lines: matter.legalBasis.map { $0.text(l) }),
            Section(title: t("事项编码", "Code"), lines: [matter.code]),
            Section(title: t("实施部门", "Department"), lines: [matter.department.rawValue]),
            Section(title: t("事项类型", "Category"), lines: [matter.category.rawValue]),
        ]
        self.sections = sections
    }

    /// The guide as plain text lines.
    public var text: String {
        ([title, String(repeating: "=", count: 8)] + sections.flatMap { ["【\($0.title)】"] + $0.lines.map { "  " + $0 } })
            .joined(separator: "\n")
    }
}

/// The appeal rights printed on every receipt (from the plan's chapter on legal responsibility).
public enum AppealRights {
    /// The text naming the county government and the time limits.
    public static func text(county: String) -> LocalizedText {
        LocalizedText(
            zh: "对镇(街道)作出的具体行政行为不服的,可以自知道之日起60日内向\(county)人民政府申请行政复议,或者自知道之日起6个月内依法向人民法院提起行政诉讼。",
            en: "If you disagree with the town's decision, you may apply to the \(county) People's Government for administrative reconsideration within 60 days, or bring an administrative lawsuit in a people's court within 6 months.")
    }
}
