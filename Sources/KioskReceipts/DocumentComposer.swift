import Documents
import Foundation
import KioskCore

/// Turns a submission's clear metadata (and, during the resident's session, its answers) into printable documents.
public enum DocumentComposer {
    /// The 80 mm receipt, built from clear metadata only, so it can be reprinted at any time.
    public static func receipt(for summary: SubmissionSummary, matter: Matter, station: StationConfig.Station) -> ReceiptDocument {
        var next = "本申请已在\(station.name)登记,转交\(station.town)为民服务中心审核,由\(matter.completingUnit.zh)办结;结果\(matter.delivery.zh)。"
        if summary.decision != nil { next = "当前状态:\(summary.status(.zhHans))。" + next }
        let formMissing = matter.needsSignature && summary.formPrint != .printed
        return ReceiptDocument(
            authorityName: station.authority, matterName: matter.name.zh, receiptNumber: summary.receipt,
            issuedAt: issuedAt(summary.createdAt), maskedApplicant: summary.applicantMasked, nextSteps: next,
            timeLimitWorkingDays: matter.timeLimitDays, materialsToBring: materialsToBring(matter),
            statusCheck: "凭本回执(回执号或二维码)可在办理本件的村便民服务站查询办理进度,也可拨打咨询电话。",
            consultationPhone: matter.phone, appealRights: AppealRights.text(county: station.county).zh, qrText: summary.receiptQR,
            formNotPrintedNote: formMissing ? "申请表未能在村里打印,请到\(station.town)为民服务中心签字确认,工作人员会为您打印。" : nil)
    }

    /// The 80 mm receipt the town center prints for one of its cases: a walk-in application taken at
    /// its window, or a station's case reprinted; `place` is where it was registered (the center, or
    /// the station's name) and `applicantMasked` the masked name, ID number and phone.
    public static func centerReceipt(
        receipt: String, qrText: String, createdAt: Date, applicantMasked: String, matter: Matter, place: String,
        authority: String, county: String
    ) -> ReceiptDocument {
        return ReceiptDocument(
            authorityName: authority, matterName: matter.name.zh, receiptNumber: receipt, issuedAt: issuedAt(createdAt),
            maskedApplicant: applicantMasked,
            nextSteps: "本申请已在\(place)登记,由\(authority)审核受理,由\(matter.completingUnit.zh)办结;结果\(matter.delivery.zh)。",
            timeLimitWorkingDays: matter.timeLimitDays, materialsToBring: materialsToBring(matter),
            statusCheck: "凭本回执(回执号或二维码)可在为民服务中心窗口查询办理进度,也可拨打咨询电话。",
            consultationPhone: matter.phone, appealRights: AppealRights.text(county: county).zh, qrText: qrText,
            formNotPrintedNote: nil)
    }

    /// The A4 application form with the answers, repeat groups as tables, the materials checklist and signature lines.
    /// `receipt` and `qrText` identify the submission; `assistantID` is set for an assisted one.
    public static func applicationForm(
        receipt: String, qrText: String, assistantID: String?, matter: Matter, answers: Answers, authority: String,
        assistantName: String? = nil
    ) -> ApplicationFormDocument {
        var rows: [ApplicationFormDocument.Row] = []
        var parts: [ApplicationFormDocument.Part] = []
        for field in matter.form.fields where field.type != .note {
            guard let value = answers[field.id] else { continue }
            if field.type == .repeat, case .group(let entries) = value {
                let members = field.fields.filter { $0.type != .note }
                parts.append(
                    .table(
                        caption: field.label.zh, columns: ["序号"] + members.map(\.label.zh),
                        rows: entries.enumerated().map { i, entry in
                            ["\(i + 1)"] + members.map { member in entry[member.id].map { member.display($0, language: .zhHans) } ?? "" }
                        }))
            } else {
                rows.append(.init(label: field.label.zh, value: field.display(value, language: .zhHans)))
            }
        }
        parts.insert(.section(title: "申请信息", rows: rows), at: 0)
        return ApplicationFormDocument(
            title: matter.name.zh + "申请表", authorityName: authority, receiptNumber: receipt, qrText: qrText,
            parts: parts,
            materials: matter.materials.map { .init(name: $0.name.zh, kind: "\($0.kind.label.zh) \($0.copies)份", checked: false) },
            assistant: assistantID.map { .init(name: assistantName ?? "", id: $0) })
    }

    /// The A4 service guide of `matter`, in Chinese like every printout: every element of `ServiceGuide`, with the
    /// station's authority as the accepting one (or, for a matter not delegated to the town, where to go instead).
    public static func serviceGuide(for matter: Matter, station: StationConfig.Station) -> ServiceGuideDocument {
        let authority = if case .notDelegated(let referTo) = matter.refusal { referTo.zh } else { station.authority }
        return ServiceGuideDocument(
            matterName: matter.name.zh, matterCode: matter.code, authorityName: authority,
            sections: ServiceGuide(matter, language: .zhHans).sections.map { .init(title: $0.title, paragraphs: $0.lines) })
    }

    /// `2026年11月27日 13:45`, China Standard Time.
    /// The materials the resident brings to the town center, as the receipt lists them.
    static func materialsToBring(_ matter: Matter) -> [String] {
        matter.materials.filter(\.bring).map { "\($0.name.zh)(\($0.kind.label.zh))" }
    }

    static func issuedAt(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .china
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%d年%d月%d日 %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}
