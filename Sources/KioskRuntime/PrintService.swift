import Foundation
import KioskCore
import KioskReceipts
import KioskStore

/// Prints and records the print state of each submission in the queue (for the command line).
public struct PrintService: Sendable {
    /// Renders and sends the documents.
    public var printer: DocumentPrinter
    /// Where the print states are recorded.
    public var queue: SubmissionQueue
    /// The time recorded with them.
    public var clock: any WallClock

    public init(station: StationConfig, queue: SubmissionQueue, clock: any WallClock = SystemClock()) {
        printer = DocumentPrinter(station: station)
        self.queue = queue
        self.clock = clock
    }

    /// Prints (or reprints) the receipt of `summary` and records the outcome.
    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintReport {
        let report = await printer.printReceipt(summary, matter: matter)
        try? queue.setPrintState(receipt: summary.receipt, receiptPrint: report.isPrinted ? .printed : .failed, at: clock.now())
        return report
    }

    /// Prints the A4 application form and records the outcome.
    public func printForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers) async -> PrintReport {
        let report = await printer.printForm(summary, matter: matter, answers: answers)
        try? queue.setPrintState(receipt: summary.receipt, formPrint: report.isPrinted ? .printed : .failed, at: clock.now())
        return report
    }

    /// Prints a notice of the town for the resident and records the print (to report to the center),
    /// with the assistant handing it over.
    public func printNotice(_ stored: StoredNotice, assistant: String?) async -> PrintReport {
        let report = await printer.printNotice(stored.notice, receipt: stored.receipt)
        if report.isPrinted { try? queue.markNoticePrinted(stored.number, by: assistant, at: clock.now()) }
        return report
    }

    /// Prints what a new application needs: the form first (when the matter needs a signature), then the receipt,
    /// so the receipt can say whether the form printed.
    public func printNew(_ submitted: SubmittedApplication, matter: Matter) async -> (receipt: PrintReport, form: PrintReport?) {
        var summary = submitted.summary
        var form: PrintReport?
        if matter.needsSignature {
            let report = await printForm(summary, matter: matter, answers: submitted.answers)
            summary.formPrint = report.isPrinted ? .printed : .failed
            form = report
        }
        return (await printReceipt(summary, matter: matter), form)
    }
}

extension DocumentPrinter {
    /// The station's document printer, spooling to the `spool` folder of its data directory when no CUPS server answers.
    public init(station: StationConfig, server: String? = nil) {
        self.init(station: station, spoolDirectory: StationFiles(dataDirectory: station.dataDirectory).spoolDirectory, server: server)
    }
}
