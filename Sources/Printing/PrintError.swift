/// Why a print did not complete; nothing here means the submission is lost.
public enum PrintError: Error, Equatable, CustomStringConvertible {
    /// No CUPS scheduler answers at `server`.
    case noServer(server: String)
    /// The scheduler has no queue of that name.
    case unknownDestination(String, server: String)
    /// The printer cannot print now; the job (if one was created) was cancelled.
    case printerProblem(PrinterProblem, destination: String, reasons: [String])
    /// The scheduler refused the job or the document (IPP status text).
    case rejected(destination: String, detail: String)
    /// The job ended aborted or cancelled.
    case jobEnded(jobID: Int, destination: String, state: String, reasons: [String])
    /// The job did not complete in time; it was cancelled.
    case timedOut(jobID: Int, destination: String, after: Duration)

    /// What went wrong, in a few Chinese words (打印机缺纸, 打印超时).
    public var summary: String {
        switch self {
        case let .printerProblem(problem, _, _): problem.summary
        case .noServer: "打印服务未运行"
        case .unknownDestination: "找不到打印机"
        case .rejected, .jobEnded: "打印没有完成"
        case .timedOut: "打印超时"
        }
    }

    /// Precise Chinese message for the assistant, naming the queue or server and the raw cause.
    public var assistantMessage: String {
        switch self {
        case let .noServer(server):
            "连接不到 CUPS 打印服务(\(server)),请检查 cupsd 是否在运行;文件已写入待打印目录。"
        case let .unknownDestination(name, server):
            "CUPS 服务 \(server) 上没有打印队列 \(name),请检查 kiosk.yaml 的打印机名称(lpstat -p)。"
        case let .printerProblem(problem, destination, reasons):
            problem.assistantMessage(destination: destination, reasons: reasons)
        case let .rejected(destination, detail):
            "打印队列 \(destination) 拒绝了任务:\(detail)"
        case let .jobEnded(jobID, destination, state, reasons):
            "打印队列 \(destination) 的任务 \(jobID) 已\(state)(job-state-reasons: \(reasons.joined(separator: ", ")))。"
        case let .timedOut(jobID, destination, after):
            "打印队列 \(destination) 的任务 \(jobID) 在 \(after) 内未完成,已取消。"
        }
    }

    public var description: String { assistantMessage }
}
