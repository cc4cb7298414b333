import Documents
import Foundation
import KioskCore
import KioskStore
import Printing

/// Prints receipts (80 mm roll) and application forms (A4) on the station's CUPS queues.
public struct CupsPrinter: KioskPrinting {
    /// The station, for queue names and the texts printed.
    public let station: StationConfig
    /// The kiosk's words (the printed texts are Chinese).
    public let strings: UIStrings
    /// The CUPS server; nil uses `CUPS_SERVER` or the client default.
    public let server: String?

    public init(station: StationConfig, strings: UIStrings, server: String? = nil) {
        self.station = station
        self.strings = strings
        self.server = server
    }

    private func text(_ key: String, _ arguments: String...) -> String { strings.text(key, .zhHans, arguments) }

    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult {
        let formatter = DateFormatter()
        formatter.timeZone = .china
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let document = ReceiptDocument(
            authorityName: station.station.authority, matterName: matter.name.zh, receiptNumber: summary.receipt,
            issuedAt: formatter.string(from: summary.createdAt), maskedApplicant: summary.applicantMasked,
            nextSteps: text("print.receipt.nextSteps", station.station.town), timeLimitWorkingDays: matter.timeLimitDays,
            materialsToBring: matter.materials.filter(\.bring).map(\.name.zh), statusCheck: text("print.receipt.statusCheck"),
            consultationPhone: matter.phone, appealRights: AppealRights.text(county: station.station.county).zh, qrText: summary.receiptQR,
            formNotPrintedNote: nil)
        do {
            let pdf = try Documents.receiptPDF(document)
            return await print(pdf, title: summary.receipt, media: .roll80mm, on: station.receiptsPrinter)
        } catch {
            return .failed(message: text("print.documentFailed"), detail: error.description)
        }
    }

    public func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult {
        let rows = matter.form.fields.compactMap { field -> ApplicationFormDocument.Row? in
            guard field.type != .repeat, field.type != .note, let value = answers[field.id] else { return nil }
            return ApplicationFormDocument.Row(label: field.label.zh, value: Self.printed(value, field))
        }
        var parts: [ApplicationFormDocument.Part] = [.section(title: text("print.form.answers"), rows: rows)]
        for group in matter.form.fields where group.type == .repeat {
            guard case .group(let entries)? = answers[group.id] else { continue }
            parts.append(.table(
                caption: group.label.zh, columns: group.fields.map(\.label.zh),
                rows: entries.map { entry in group.fields.map { member in entry[member.id].map { Self.printed($0, member) } ?? "" } }))
        }
        let document = ApplicationFormDocument(
            title: matter.name.zh + text("print.form.suffix"), authorityName: station.station.authority, receiptNumber: summary.receipt,
            qrText: summary.receiptQR, parts: parts,
            materials: matter.materials.map { .init(name: $0.name.zh, kind: $0.kind.label.zh + text("materials.copies", String($0.copies)), checked: false) },
            assistant: assistant.map { .init(name: $0.name, id: $0.id) })
        do {
            let pdf = try Documents.applicationFormPDF(document)
            return await print(pdf, title: summary.receipt, media: .a4, on: station.formsPrinter)
        } catch {
            return .failed(message: text("print.documentFailed"), detail: error.description)
        }
    }

    public func printGuide(_ guide: ServiceGuide) async -> PrintResult {
        // Documents has no service-guide layout yet: say so rather than print something else.
        .failed(message: text("print.guideUnavailable"), detail: "Documents has no service-guide PDF")
    }

    private func print(_ pdf: Data, title: String, media: PrintMedia, on destination: String) async -> PrintResult {
        do {
            _ = try await Printer(destination: destination, server: server).print(pdf: pdf, title: title, media: media)
            return .printed
        } catch {
            return .failed(message: error.residentMessage, detail: error.assistantMessage)
        }
    }

    /// An answer as the paper form shows it: choice labels, numbers without a trailing `.0`.
    static func printed(_ value: AnswerValue, _ field: Field) -> String {
        switch value {
        case .text(let text): field.choiceLabel(text)?.zh ?? text
        case .number(let number): ExpressionValue.format(number)
        case .list(let values): values.map { field.choiceLabel($0)?.zh ?? $0 }.joined(separator: "、")
        case .group(let entries): "\(entries.count)"
        }
    }
}
