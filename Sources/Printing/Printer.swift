import CCups
import Foundation

/// Paper a job is printed on.
public enum PrintMedia: Sendable, Equatable {
    /// ISO A4 sheets.
    case a4
    /// 80 mm receipt roll.
    case roll80mm
}

/// A completed print job.
public struct PrintOutcome: Sendable, Equatable {
    /// CUPS job id.
    public let jobID: Int
    /// Queue it printed on.
    public let destination: String
    /// Non-blocking `printer-state-reasons` at completion (e.g. `media-low-warning`), for the assistant.
    public let printerReasons: [String]
}

/// A named CUPS queue, reached on `server` (or the usual `CUPS_SERVER`/client.conf default).
///
/// Calls block their thread while talking to the scheduler (local and short).
public struct Printer: Sendable {
    /// Queue name.
    public let destination: String
    /// `host`, `host:port` or a domain socket path; nil uses CUPS's default server.
    public let server: String?

    /// How long a printer may report a problem while processing our job before the print fails.
    static let problemGrace: Duration = .seconds(5)

    /// Creates a handle; nothing is contacted yet.
    public init(destination: String, server: String? = nil) {
        self.destination = destination
        self.server = server
    }

    /// Reads the queue's state, reasons and whether it accepts jobs.
    public func status() throws(PrintError) -> PrinterStatus {
        let connection = try CUPSConnection(server: server)
        return try connection.printerStatus(destination)
    }

    /// Prints `pdf` and follows the job until it completes, fails, or `timeout` passes.
    ///
    /// Refuses up front when the queue is stopped or rejects jobs. Fails when the queue stops while
    /// the job waits, or the printer reports a problem for `problemGrace` while processing it. A
    /// job that fails, times out or whose task is cancelled is cancelled in CUPS, so a later retry
    /// cannot print twice.
    public func print(
        pdf: Data, title: String, media: PrintMedia, copies: Int = 1, timeout: Duration = .seconds(60)
    ) async throws(PrintError) -> PrintOutcome {
        let connection = try CUPSConnection(server: server)
        let before = try connection.printerStatus(destination)
        // Only a stopped or rejecting queue refuses up front: an error reason on an idle queue may be
        // stale (CUPS keeps a backend's last reasons after cupsenable until a job runs again).
        if before.state == .stopped || !before.acceptingJobs, let problem = before.problem {
            throw .printerProblem(problem, destination: destination, reasons: before.reasons)
        }
        let jobID = try connection.submit(pdf: pdf, title: title, media: media, copies: copies, to: destination)
        let deadline = ContinuousClock.now + timeout
        var problemSince: ContinuousClock.Instant?
        while true {
            let job = try connection.jobState(jobID, on: destination)
            switch job.state {
            case IPP_JSTATE_COMPLETED.rawValue:
                let after = try connection.printerStatus(destination)
                return PrintOutcome(jobID: jobID, destination: destination, printerReasons: after.reasons)
            case IPP_JSTATE_CANCELED.rawValue, IPP_JSTATE_ABORTED.rawValue:
                let state = job.state == IPP_JSTATE_CANCELED.rawValue ? "取消" : "中止"
                throw .jobEnded(jobID: jobID, destination: destination, state: state, reasons: job.reasons)
            default:
                break
            }
            let printer = try connection.printerStatus(destination)
            if printer.state == .stopped {
                connection.cancel(jobID, on: destination)
                throw .printerProblem(printer.problem ?? .paused, destination: destination, reasons: printer.reasons)
            }
            // A printer that waits (e.g. for paper) while holding our job fails it after a grace period.
            if job.state == IPP_JSTATE_PROCESSING.rawValue,
                let problem = PrinterProblem.from(reasons: printer.reasons, state: printer.state)
            {
                let since = problemSince ?? ContinuousClock.now
                problemSince = since
                if ContinuousClock.now - since >= Self.problemGrace {
                    connection.cancel(jobID, on: destination)
                    throw .printerProblem(problem, destination: destination, reasons: printer.reasons)
                }
            } else {
                problemSince = nil
            }
            if ContinuousClock.now >= deadline {
                connection.cancel(jobID, on: destination)
                throw .timedOut(jobID: jobID, destination: destination, after: timeout)
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                connection.cancel(jobID, on: destination)
                throw .jobEnded(jobID: jobID, destination: destination, state: "取消", reasons: ["task-cancelled"])
            }
        }
    }
}

/// One HTTP connection to a scheduler. CUPS keeps its last error per thread, so every call reads
/// it right after the C call, before any suspension point.
private final class CUPSConnection {
    let http: OpaquePointer
    let server: String

    init(server requested: String?) throws(PrintError) {
        let server = requested ?? String(cString: cupsServer())
        self.server = server
        var host = server
        var port = ippPort()
        if !server.hasPrefix("/"), let colon = server.lastIndex(of: ":"),
            let parsed = Int32(server[server.index(after: colon)...])
        {
            host = String(server[..<colon])
            port = parsed
        }
        guard let http = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 5000, nil)
        else { throw .noServer(server: server) }
        self.http = http
    }

    deinit { httpClose(http) }

    private func printerURI(_ destination: String) -> String {
        "ipp://localhost/printers/\(destination)"
    }

    /// Sends an IPP request about `destination`; no response means the scheduler went away.
    private func request(_ request: OpaquePointer, about destination: String) throws(PrintError)
        -> (response: OpaquePointer, status: ipp_status_t)
    {
        guard let response = cupsDoRequest(http, request, "/") else {
            if cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || httpError(http) != 0 {
                throw .noServer(server: server)
            }
            throw .rejected(destination: destination, detail: String(cString: cupsLastErrorString()))
        }
        return (response, ippGetStatusCode(response))
    }

    func printerStatus(_ destination: String) throws(PrintError) -> PrinterStatus {
        let query = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)!
        ippAddString(query, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI(destination))
        let (response, status) = try request(query, about: destination)
        defer { ippDelete(response) }
        if status == IPP_STATUS_ERROR_NOT_FOUND {
            throw .unknownDestination(destination, server: server)
        }
        guard status.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else {
            throw .rejected(destination: destination, detail: String(cString: ippErrorString(status)))
        }
        let state: PrinterState =
            switch ippGetInteger(ippFindAttribute(response, "printer-state", IPP_TAG_ENUM), 0) {
            case Int32(IPP_PSTATE_PROCESSING.rawValue): .processing
            case Int32(IPP_PSTATE_STOPPED.rawValue): .stopped
            default: .idle
            }
        let reasons = strings(response, "printer-state-reasons", IPP_TAG_KEYWORD).filter { $0 != "none" }
        let accepting = ippGetBoolean(ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN), 0) != 0
        let message = strings(response, "printer-state-message", IPP_TAG_TEXT).first ?? ""
        return PrinterStatus(
            destination: destination, state: state, reasons: reasons, acceptingJobs: accepting, message: message)
    }

    func jobState(_ jobID: Int, on destination: String) throws(PrintError) -> (state: UInt32, reasons: [String]) {
        let query = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES)!
        ippAddString(query, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI(destination))
        ippAddInteger(query, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", Int32(jobID))
        let (response, status) = try request(query, about: destination)
        defer { ippDelete(response) }
        guard status.rawValue < IPP_STATUS_REDIRECTION_OTHER_SITE.rawValue else {
            throw .rejected(destination: destination, detail: String(cString: ippErrorString(status)))
        }
        let state = ippGetInteger(ippFindAttribute(response, "job-state", IPP_TAG_ENUM), 0)
        return (UInt32(max(state, 0)), strings(response, "job-state-reasons", IPP_TAG_KEYWORD))
    }

    func cancel(_ jobID: Int, on destination: String) {
        let query = ippNewRequest(IPP_OP_CANCEL_JOB)!
        ippAddString(query, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI(destination))
        ippAddInteger(query, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", Int32(jobID))
        ippAddString(query, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
        // Best effort: the job may have ended meanwhile.
        if let response = cupsDoRequest(http, query, "/jobs/") { ippDelete(response) }
    }

    /// Creates the job with the modern destination API and sends the PDF as its only document.
    func submit(pdf: Data, title: String, media: PrintMedia, copies: Int, to destination: String) throws(PrintError) -> Int {
        guard let dest = cupsGetNamedDest(http, destination, nil) else {
            if cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND { throw .unknownDestination(destination, server: server) }
            throw .rejected(destination: destination, detail: String(cString: cupsLastErrorString()))
        }
        defer { cupsFreeDests(1, dest) }
        guard let info = cupsCopyDestInfo(http, dest) else {
            throw .rejected(destination: destination, detail: String(cString: cupsLastErrorString()))
        }
        defer { cupsFreeDestInfo(info) }

        var options: UnsafeMutablePointer<cups_option_t>?
        var count: Int32 = 0
        defer { cupsFreeOptions(count, options) }
        count = cupsAddOption("copies", String(max(copies, 1)), count, &options)
        if let keyword = mediaKeyword(media, dest: dest, info: info) {
            count = cupsAddOption("media", keyword, count, &options)
        }

        var jobID: Int32 = 0
        let created = cupsCreateDestJob(http, dest, info, &jobID, title, count, options)
        guard created == IPP_STATUS_OK || created == IPP_STATUS_OK_IGNORED_OR_SUBSTITUTED, jobID > 0 else {
            throw .rejected(destination: destination, detail: String(cString: cupsLastErrorString()))
        }
        guard cupsStartDestDocument(http, dest, info, jobID, title, "application/pdf", 0, nil, 1) == HTTP_STATUS_CONTINUE
        else {
            cancel(Int(jobID), on: destination)
            throw .rejected(destination: destination, detail: String(cString: cupsLastErrorString()))
        }
        let written = pdf.withUnsafeBytes { raw in
            cupsWriteRequestData(http, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        let finished = cupsFinishDestDocument(http, dest, info)
        guard written == HTTP_STATUS_CONTINUE, finished == IPP_STATUS_OK || finished == IPP_STATUS_OK_IGNORED_OR_SUBSTITUTED
        else {
            let detail = String(cString: cupsLastErrorString())
            cancel(Int(jobID), on: destination)
            throw .rejected(destination: destination, detail: detail)
        }
        return Int(jobID)
    }

    /// The queue's own name for the media, or nil to leave the queue's default (a roll printer's
    /// default is its roll).
    private func mediaKeyword(_ media: PrintMedia, dest: UnsafeMutablePointer<cups_dest_t>, info: OpaquePointer) -> String? {
        var size = cups_size_t()
        let found =
            switch media {
            case .a4: cupsGetDestMediaByName(http, dest, info, "iso_a4_210x297mm", 0, &size)
            case .roll80mm: cupsGetDestMediaBySize(http, dest, info, 8000, 29700, 0, &size)
            }
        guard found != 0 else { return nil }
        return withUnsafeBytes(of: &size.media) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    }

    private func strings(_ response: OpaquePointer, _ name: String, _ tag: ipp_tag_t) -> [String] {
        guard let attribute = ippFindAttribute(response, name, tag) else { return [] }
        return (0..<ippGetCount(attribute)).compactMap { index in
            ippGetString(attribute, index, nil).map { String(cString: $0) }
        }
    }
}
