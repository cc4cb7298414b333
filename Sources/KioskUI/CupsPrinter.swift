import Foundation
import KioskCore
import KioskReceipts
import KioskStore

/// Prints receipts (80 mm roll) and application forms (A4) on the station's CUPS queues.
public struct CupsPrinter: KioskPrinting {
    /// The station, for queue names and the texts printed.
    public let station: StationConfig
    /// The kiosk's words (the printed texts are Chinese).
    public let strings: UIStrings
    private let printer: DocumentPrinter

    public init(station: StationConfig, strings: UIStrings, server: String? = nil) {
        self.station = station
        self.strings = strings
        printer = DocumentPrinter(station: station, server: server)
    }

    private func text(_ key: String, _ arguments: String...) -> String { strings.text(key, .zhHans, arguments) }

    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult {
        result(await printer.printReceipt(summary, matter: matter))
    }

    public func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult {
        result(await printer.printForm(summary, matter: matter, answers: answers, assistantName: assistant?.name))
    }

    public func printGuide(_ guide: ServiceGuide) async -> PrintResult {
        // Documents has no service-guide layout yet: say so rather than print something else.
        .failed(message: text("print.guideUnavailable"), detail: "Documents has no service-guide PDF")
    }

    private func result(_ report: PrintReport) -> PrintResult {
        report.isPrinted ? .printed : .failed(message: report.residentMessage, detail: report.assistantMessage)
    }
}
