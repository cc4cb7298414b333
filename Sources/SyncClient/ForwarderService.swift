import Foundation
import KioskCore
import KioskStore
import Logging
import ServiceLifecycle
import Synchronization

/// The forwarder's last known progress, kept in the queue for `kiosk queue stats` and the
/// station's health report.
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
    /// A test hook: after its first round the service stops answering, as a hung one would.
    let hangsAfterFirstRound: Bool
    /// When the round in progress started; nil between rounds.
    private let roundStarted = RoundClock()

    /// A service running `forwarder` on `schedule`; `hangsAfterFirstRound` is for tests of the watchdog.
    public init(forwarder: Forwarder, schedule: SyncSchedule = SyncSchedule(), logger: Logger, hangsAfterFirstRound: Bool = false) {
        self.forwarder = forwarder
        self.schedule = schedule
        self.logger = logger
        self.hangsAfterFirstRound = hangsAfterFirstRound
    }

    /// Whether the service answers: between rounds, or in a round that began less than `limit` ago.
    /// A round's requests time out well before; one that runs longer is stuck.
    public func isAnswering(at now: Date, limit: TimeInterval) -> Bool {
        roundStarted.value.map { now.timeIntervalSince($0) < limit } ?? true
    }

    /// Runs rounds until cancelled or gracefully shut down.
    public func run() async throws {
        var schedule = schedule
        var rounds = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if schedule.isDue(at: forwarder.clock.now()) {
                if hangsAfterFirstRound && rounds >= 1 {
                    roundStarted.value = forwarder.clock.now()
                    try? await gracefulShutdown()
                    return
                }
                rounds += 1
                let outcome: Result<RoundReport, SyncError>
                roundStarted.value = forwarder.clock.now()
                do {
                    outcome = .success(try await forwarder.round())
                } catch {
                    outcome = .failure(error)
                }
                roundStarted.value = nil
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

/// A time shared between the service's loop and its watchdog.
final class RoundClock: Sendable {
    private let started = Mutex<Date?>(nil)

    var value: Date? {
        get { started.withLock { $0 } }
        set { started.withLock { $0 = newValue } }
    }
}
