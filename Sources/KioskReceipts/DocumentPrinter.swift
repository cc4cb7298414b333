import Documents
import Foundation
import KioskCore
import Printing

/// How one print went; a failure never means the submission is lost.
public enum PrintReport: Sendable, Equatable {
    /// The printer finished the job.
    case printed(destination: String, jobID: Int)
    /// No CUPS server answered: the PDF was written to the spool folder instead.
    case spooled(path: String)
    /// The printer could not print (out of paper, stopped...).
    case failed(PrintError)
    /// The document could not be rendered.
    case renderFailed(String)

    /// Whether paper came out.
    public var isPrinted: Bool {
        if case .printed = self { return true }
        return false
    }

    /// Why no paper came out (nil when it did), for the screens' words.
    public var reason: FailureReason? {
        switch self {
        case .printed: nil
        case .spooled: .printerUnavailable
        case .failed(let error): error.reason
        case .renderFailed: .printNotFinished
        }
    }

    /// A precise message for the assistant.
    public var assistantMessage: String {
        switch self {
        case .printed(let destination, let jobID): "已打印:队列 \(destination),任务 \(jobID)。"
        case .spooled(let path): "没有可用的 CUPS 打印服务,PDF 已写入待打印目录:\(path)"
        case .failed(let error): error.assistantMessage
        case .renderFailed(let detail): "文档生成失败:\(detail)"
        }
    }
}

extension PrintError {
    /// Why, for the screens' words.
    public var reason: FailureReason {
        switch self {
        case let .printerProblem(problem, _, _):
            switch problem {
            case .mediaEmpty: .printerOutOfPaper
            case .mediaJam: .printerJammed
            case .coverOpen: .printerCoverOpen
            case .offline: .printerOffline
            case .paused: .printerPaused
            case .markerSupplyEmpty: .printerOutOfToner
            case .rejectingJobs: .printerNotAccepting
            case .other: .printerFault
            }
        case .noServer: .printServiceDown
        case .unknownDestination: .printerNotFound
        case .rejected, .jobEnded: .printNotFinished
        case .timedOut: .printTimedOut
        }
    }
}

/// Renders receipts, application forms and service guides and sends them to the station's CUPS queues (or the spool folder
/// when no CUPS server answers). It records nothing: KioskRuntime's `PrintService` and `KioskApp` record the outcome in the queue.
public struct DocumentPrinter: Sendable {
    /// The station: its printer queues and the texts printed.
    public var station: StationConfig
    /// Where PDFs go when no CUPS server answers.
    public var spoolDirectory: String
    /// The CUPS server; nil uses `CUPS_SERVER` or the client default.
    public var server: String?
    /// How long to follow a job before giving up.
    public var timeout: Duration

    public init(station: StationConfig, spoolDirectory: String, server: String? = nil, timeout: Duration = .seconds(60)) {
        self.station = station
        self.spoolDirectory = spoolDirectory
        self.server = server
        self.timeout = timeout
    }

    /// Prints the receipt of `summary` (built from clear metadata only).
    public func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintReport {
        let document = DocumentComposer.receipt(for: summary, matter: matter, station: station.station)
        return await send(
            render: { () throws(DocumentError) in try Documents.receiptPDF(document) }, destination: station.receiptsPrinter,
            media: .roll80mm, name: "\(summary.receipt)-receipt")
    }

    /// Prints the A4 application form; only possible while the answers are still in memory.
    public func printForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistantName: String? = nil) async -> PrintReport {
        let document = DocumentComposer.applicationForm(
            receipt: summary.receipt, qrText: summary.receiptQR, assistantID: summary.assistantID, matter: matter, answers: answers,
            authority: station.station.authority, assistantName: assistantName)
        return await send(
            render: { () throws(DocumentError) in try Documents.applicationFormPDF(document) }, destination: station.formsPrinter,
            media: .a4, name: "\(summary.receipt)-form")
    }

    /// Prints the service guide of `matter` on the A4 (forms) queue.
    public func printGuide(_ matter: Matter) async -> PrintReport {
        let document = DocumentComposer.serviceGuide(for: matter, station: station.station)
        return await send(
            render: { () throws(DocumentError) in try Documents.serviceGuidePDF(document) }, destination: station.formsPrinter,
            media: .a4, name: "\(matter.code)-guide")
    }

    /// Prints a notice of the town on application `receipt` on the A4 (forms) queue, for the resident
    /// (送达 via the village station).
    public func printNotice(_ notice: StationNotice, receipt: String) async -> PrintReport {
        let document = NoticeDocument(
            title: notice.title, number: notice.number, authorityName: notice.authority, addressee: notice.addressee,
            paragraphs: notice.paragraphs, items: notice.items, closing: notice.closing, date: notice.date, receiptNumber: receipt)
        return await send(
            render: { () throws(DocumentError) in try Documents.noticePDF(document) }, destination: station.formsPrinter, media: .a4,
            name: "\(receipt)-notice")
    }

    /// Prints a sample receipt (number `TEST`).
    public func printTestReceipt(matter: Matter, at now: Date) async -> PrintReport {
        let sample = SubmissionSummary(
            uuid: UUID(), receipt: "TEST", station: station.station.id, matter: matter.code, catalogVersion: "test", channel: "self",
            assistantID: nil, createdAt: now, state: .queued, decision: nil, decisionReason: nil, decidedAt: nil,
            receiptPrint: .pending, formPrint: .notRequired, applicantMasked: "测试页 TEST PAGE", receiptQR: "BM1:TEST",
            forwardAttempts: 0, lastError: nil, acknowledgedAt: nil, purgedAt: nil)
        return await printReceipt(sample, matter: matter)
    }

    private func send(render: () throws(DocumentError) -> Data, destination: String, media: PrintMedia, name: String) async -> PrintReport {
        let pdf: Data
        do {
            pdf = try render()
        } catch {
            return .renderFailed("\(error)")
        }
        do {
            let outcome = try await Printer(destination: destination, server: server).print(pdf: pdf, title: name, media: media, timeout: timeout)
            return .printed(destination: outcome.destination, jobID: outcome.jobID)
        } catch .noServer {
            do {
                return .spooled(path: try SpoolWriter(directory: spoolDirectory).write(pdf, name: name))
            } catch {
                return .renderFailed("spool: \(error)")
            }
        } catch {
            return .failed(error)
        }
    }
}
