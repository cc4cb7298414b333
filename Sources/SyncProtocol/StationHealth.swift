import Foundation

extension SyncPath {
    /// `POST`: `station`'s health (`StationHealth`), sent at the end of each forward round.
    public static func health(station: String) -> String { "/v1/stations/\(station)/health" }
}

/// The version of Bianmin this build is, which stations report with their health.
public enum SoftwareVersion {
    /// The version text.
    public static let current = "0.2.0"
}

/// What a station reports of itself after each forward round; never personal data.
public struct StationHealth: Codable, Sendable, Hashable {
    /// Submissions not yet acknowledged by the center (queued or sent).
    public var queueDepth: Int
    /// Seconds since the oldest of them was made; nil when there is none.
    public var oldestUnsentSeconds: Int?
    /// The station's printers as CUPS reports them.
    public var printers: [PrinterHealth]
    /// Free bytes on the data directory's file system; nil when unknown.
    public var diskFreeBytes: Int64?
    /// The station's software version.
    public var version: String
    /// The catalog version the station runs.
    public var catalogVersion: String?
    /// The last forwarding error, if the last round before this one failed.
    public var lastError: String?
    /// When the station made the report, Unix seconds.
    public var at: Int64

    /// A report from its fields.
    public init(
        queueDepth: Int, oldestUnsentSeconds: Int?, printers: [PrinterHealth], diskFreeBytes: Int64?, version: String,
        catalogVersion: String?, lastError: String?, at: Int64
    ) {
        self.queueDepth = queueDepth
        self.oldestUnsentSeconds = oldestUnsentSeconds
        self.printers = printers
        self.diskFreeBytes = diskFreeBytes
        self.version = version
        self.catalogVersion = catalogVersion
        self.lastError = lastError
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case printers, version, at
        case queueDepth = "queue_depth"
        case oldestUnsentSeconds = "oldest_unsent_seconds"
        case diskFreeBytes = "disk_free_bytes"
        case catalogVersion = "catalog_version"
        case lastError = "last_error"
    }

    /// The longest text a report's fields may hold (an error message; others are shorter).
    public static let maxText = 300
    /// The most printers a report may list.
    public static let maxPrinters = 8

    /// What is out of range in the report, or nil when it can be stored.
    public var outOfRange: String? {
        func short(_ text: String?, _ limit: Int) -> Bool {
            guard let text else { return true }
            return text.count <= limit && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        if !(0...100_000_000).contains(queueDepth) { return "queueDepth must be 0–100000000" }
        if let age = oldestUnsentSeconds, !(0...(20 * 365 * 86_400)).contains(age) { return "oldestUnsentSeconds must be 0–20 years" }
        if printers.count > Self.maxPrinters { return "at most \(Self.maxPrinters) printers" }
        if let bytes = diskFreeBytes, !(0...(1 << 60)).contains(bytes) { return "diskFreeBytes must be 0–2^60" }
        if !short(version, 40) || version.isEmpty { return "version must be 1–40 characters" }
        if !short(catalogVersion, 64) { return "catalogVersion must be at most 64 characters" }
        if !short(lastError, Self.maxText) { return "lastError must be at most \(Self.maxText) characters on one line" }
        if at < 0 { return "at must be Unix seconds" }
        return printers.lazy.compactMap(\.outOfRange).first
    }
}

/// One printer of a station as it reports it.
public struct PrinterHealth: Codable, Sendable, Hashable {
    /// What the station prints on it.
    public enum Role: String, Codable, Sendable, Hashable {
        /// A4 application forms and guides.
        case forms
        /// 80 mm receipts.
        case receipts
    }

    /// CUPS's `printer-state`, or `unreachable` when the scheduler did not answer.
    public enum State: String, Codable, Sendable, Hashable {
        case idle, processing, stopped, unreachable
    }

    /// What it prints.
    public var role: Role
    /// The CUPS queue.
    public var queue: String
    /// Its state.
    public var state: State
    /// The problem that would stop a print now (`media-empty`, `not accepting jobs`…); nil when none.
    public var problem: String?

    /// A printer from its fields.
    public init(role: Role, queue: String, state: State, problem: String?) {
        self.role = role
        self.queue = queue
        self.state = state
        self.problem = problem
    }

    var outOfRange: String? {
        guard (1...127).contains(queue.count), queue.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "#" }) else {
            return "a printer queue name is 1–127 printable ASCII characters"
        }
        if let problem, problem.count > 100 || problem.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a printer problem is at most 100 characters on one line"
        }
        return nil
    }
}

/// The signed answer to a health report.
public struct HealthAnswer: Codable, Sendable, Hashable {
    /// When the center stored it, its Unix seconds.
    public var storedAt: Int64

    enum CodingKeys: String, CodingKey {
        case storedAt = "stored_at"
    }

    /// An answer from its fields.
    public init(storedAt: Int64) {
        self.storedAt = storedAt
    }
}
