import Foundation
import KioskCore
import KioskStore
import Logging
import ServiceLifecycle

/// The forwarder's last known progress, kept in the queue for `kiosk queue stats` and the
/// assistant screen.
public struct SyncStatus: Sendable, Codable, Hashable {
    /// The center the station is enrolled at.
    public var centerURL: String?
    /// The applied catalog version.
    public var catalogVersion: String?
    /// When a round last went through.
    public var lastSuccess: Date?
    /// The last round's error, if it failed.
    public var lastError: String?
    /// Failed rounds in a row.
    public var consecutiveFailures: Int
    /// When the forwarder tries next (when running as a service).
    public var nextAttempt: Date?
    /// What the last successful round did.
    public var lastRound: RoundReport?

    /// Reads the status from `queue`.
    public static func load(from queue: SubmissionQueue) throws(SyncError) -> SyncStatus {
        func date(_ key: String) throws(SyncError) -> Date? {
            try setting(queue, key).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        }
        return SyncStatus(
            centerURL: try setting(queue, SettingKey.centerURL), catalogVersion: try setting(queue, SettingKey.catalogVersion),
            lastSuccess: try date(SettingKey.lastSuccess), lastError: try setting(queue, SettingKey.lastError),
            consecutiveFailures: Int(try setting(queue, SettingKey.failures) ?? "") ?? 0, nextAttempt: try date(SettingKey.nextAttempt),
            lastRound: try setting(queue, SettingKey.lastRound).flatMap { try? JSONDecoder().decode(RoundReport.self, from: Data($0.utf8)) })
    }

    /// Records how a round went.
    public static func record(
        _ outcome: Result<RoundReport, SyncError>, failures: Int, nextAttempt: Date?, at now: Date, in queue: SubmissionQueue
    ) throws(SyncError) {
        try store { () throws(StoreError) in
            switch outcome {
            case .success(let report):
                try queue.setSetting(SettingKey.lastSuccess, String(now.timeIntervalSince1970))
                try queue.setSetting(SettingKey.lastError, nil)
                try queue.setSetting(
                    SettingKey.lastRound, (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) })
            case .failure(let error):
                try queue.setSetting(SettingKey.lastError, error.description)
            }
            try queue.setSetting(SettingKey.failures, String(failures))
            try queue.setSetting(SettingKey.nextAttempt, nextAttempt.map { String($0.timeIntervalSince1970) })
        }
    }
}

/// The forwarder as a ServiceLifecycle service: rounds on a schedule, backing off while the
/// center is away, until shut down.
public struct ForwarderService: Service {
    let forwarder: Forwarder
    let schedule: SyncSchedule
    let logger: Logger

    /// A service running `forwarder` on `schedule`.
    public init(forwarder: Forwarder, schedule: SyncSchedule = SyncSchedule(), logger: Logger) {
        self.forwarder = forwarder
        self.schedule = schedule
        self.logger = logger
    }

    /// Runs rounds until cancelled or gracefully shut down.
    public func run() async throws {
        var schedule = schedule
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if schedule.isDue(at: forwarder.clock.now()) {
                let outcome: Result<RoundReport, SyncError>
                do {
                    outcome = .success(try await forwarder.round())
                } catch {
                    outcome = .failure(error)
                }
                let now = forwarder.clock.now()
                switch outcome {
                case .success(let report):
                    schedule.succeeded(at: now)
                    if report.sent > 0 || report.decisions > 0 {
                        logger.info("round done", metadata: ["sent": "\(report.sent)", "acknowledged": "\(report.acknowledged)",
                                                             "set_aside": "\(report.setAside)", "decisions": "\(report.decisions)"])
                    }
                case .failure(let error):
                    schedule.failed(at: now, unit: Double.random(in: 0..<1))
                    logger.warning("round failed", metadata: ["error": "\(error)", "failures": "\(schedule.consecutiveFailures)"])
                }
                try? SyncStatus.record(
                    outcome, failures: schedule.consecutiveFailures, nextAttempt: schedule.nextAttempt, at: now, in: forwarder.queue)
            }
            let wait = max(0.01, (schedule.nextAttempt ?? forwarder.clock.now()).timeIntervalSince(forwarder.clock.now()))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(min(wait, 3600) * 1000))) }
        }
    }
}
