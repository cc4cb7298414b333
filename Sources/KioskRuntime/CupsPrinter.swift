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
        return result(report, message: report.residentMessage)
    }

    public func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult {
        let report = await printer.printForm(summary, matter: matter, answers: answers, assistantName: assistant?.name)
        return result(report, message: report.residentMessage)
    }

    public func printGuide(_ matter: Matter) async -> PrintResult {
        let report = await printer.printGuide(matter)
        return result(report, message: report.guideMessage)
    }

    private func result(_ report: PrintReport, message: String) -> PrintResult {
        report.isPrinted ? .printed : .failed(message: message, detail: report.assistantMessage)
    }
}
