/// A printer condition that stops a print, read from `printer-state-reasons` and `printer-state`.
public enum PrinterProblem: Sendable, Equatable {
    /// `media-empty` or `media-needed`.
    case mediaEmpty
    /// `media-jam`.
    case mediaJam
    /// `cover-open` or `door-open`.
    case coverOpen
    /// `offline`.
    case offline
    /// `paused`, or the queue is stopped without a more specific reason (e.g. `cupsdisable`).
    case paused
    /// `toner-empty` or `marker-supply-empty`.
    case markerSupplyEmpty
    /// The queue rejects new jobs (`cupsreject`).
    case rejectingJobs
    /// Any other error-level reason, raw.
    case other(String)

    /// A short code for reports: the IPP reason's name (`media-empty`, `cover-open`…).
    public var code: String {
        switch self {
        case .mediaEmpty: "media-empty"
        case .mediaJam: "media-jam"
        case .coverOpen: "cover-open"
        case .offline: "offline"
        case .paused: "paused"
        case .markerSupplyEmpty: "marker-supply-empty"
        case .rejectingJobs: "rejecting-jobs"
        case .other(let reason): String(reason.prefix(100))
        }
    }

    /// Precise Chinese message for the assistant, naming the queue and the raw reasons.
    public func assistantMessage(destination: String, reasons: [String]) -> String {
        let raw = reasons.isEmpty ? "无" : reasons.joined(separator: ", ")
        return "打印队列 \(destination): \(summary)(printer-state-reasons: \(raw))。\(remedy(destination))"
    }

    /// What is wrong, in a few Chinese words (打印机缺纸).
    public var summary: String {
        switch self {
        case .mediaEmpty: "打印机缺纸"
        case .mediaJam: "打印机卡纸"
        case .coverOpen: "打印机盖板未关好"
        case .offline: "打印机未连接"
        case .paused: "打印机已暂停"
        case .markerSupplyEmpty: "打印机墨粉或色带用完"
        case .rejectingJobs: "打印机暂不接收任务"
        case .other: "打印机故障"
        }
    }

    private func remedy(_ destination: String) -> String {
        switch self {
        case .mediaEmpty: "装纸后执行 cupsenable \(destination) 恢复队列。"
        case .mediaJam: "取出卡纸后执行 cupsenable \(destination) 恢复队列。"
        case .coverOpen: "关好盖板后执行 cupsenable \(destination) 恢复队列。"
        case .offline: "检查打印机电源和连线。"
        case .paused: "排除故障后执行 cupsenable \(destination) 恢复队列。"
        case .markerSupplyEmpty: "更换墨粉或色带后执行 cupsenable \(destination) 恢复队列。"
        case .rejectingJobs: "执行 cupsaccept \(destination) 重新接收任务。"
        case let .other(reason): "原因 \(reason),请查看打印机。"
        }
    }

    /// The most specific problem in `reasons` for a printer in `state`, or nil when it can print.
    ///
    /// Reasons are matched by prefix; `-warning` and `-report` levels are not problems, except
    /// `offline-report` (a backend that cannot reach the device says so).
    public static func from(reasons: [String], state: PrinterState, acceptingJobs: Bool = true) -> PrinterProblem? {
        let known: [(prefix: String, problem: PrinterProblem)] = [
            ("media-empty", .mediaEmpty), ("media-needed", .mediaEmpty), ("media-jam", .mediaJam),
            ("cover-open", .coverOpen), ("door-open", .coverOpen), ("offline", .offline),
            ("toner-empty", .markerSupplyEmpty), ("marker-supply-empty", .markerSupplyEmpty),
        ]
        for (prefix, problem) in known {
            for reason in reasons where reason.hasPrefix(prefix) {
                let level = reason.dropFirst(prefix.count)
                if level.isEmpty || level == "-error" || (problem == .offline && level == "-report") {
                    return problem
                }
            }
        }
        if let reason = reasons.first(where: { $0.hasSuffix("-error") }) { return .other(reason) }
        if state == .stopped || reasons.contains(where: { $0.hasPrefix("paused") }) { return .paused }
        if !acceptingJobs { return .rejectingJobs }
        return nil
    }
}

/// `printer-state` of a queue.
public enum PrinterState: String, Sendable, Equatable {
    case idle, processing, stopped
}

/// What `kiosk printer status` shows about a queue.
public struct PrinterStatus: Sendable, Equatable {
    /// Queue name.
    public let destination: String
    /// `printer-state`.
    public let state: PrinterState
    /// `printer-state-reasons`, raw (without `none`).
    public let reasons: [String]
    /// `printer-is-accepting-jobs`.
    public let acceptingJobs: Bool
    /// `printer-state-message`, may be empty.
    public let message: String

    /// The problem that would stop a print now, if any.
    public var problem: PrinterProblem? {
        PrinterProblem.from(reasons: reasons, state: state, acceptingJobs: acceptingJobs)
    }
}
