import Foundation
import KioskCore
import KioskReceipts
import KioskStore
import KioskUI

/// Prints receipts (80 mm roll), application forms and service guides (A4) on the station's CUPS queues.
public struct CupsPrinter: KioskPrinting {
    /// The station, for queue names and the texts printed.
    public let station: StationConfig
    private let printer: DocumentPrinter

    public init(station: StationConfig, server: String? = nil) {
        self.station = station
        printer = DocumentPrinter(station: station, server: server)
    }

    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult {
        let report = await printer.printReceipt(summary, matter: matter)
        return result(report)
    }

    public func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult {
        let report = await printer.printForm(summary, matter: matter, answers: answers, assistantName: assistant?.name)
        return result(report)
    }

    public func printGuide(_ matter: Matter) async -> PrintResult {
        let report = await printer.printGuide(matter)
        return result(report)
    }

    public func printNotice(_ notice: StationNotice, receipt: String) async -> PrintResult {
        result(await printer.printNotice(notice, receipt: receipt))
    }

    private func result(_ report: PrintReport) -> PrintResult {
        guard let reason = report.reason else { return .printed }
        return .failed(reason: reason, detail: report.assistantMessage)
    }
}
