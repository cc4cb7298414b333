import Foundation
import SyncProtocol

/// Exponential backoff with jitter, capped: after the n-th consecutive failure the forwarder
/// waits between half and all of `min(cap, base × 2^(n-1))`.
public struct BackoffPolicy: Sendable, Hashable {
    /// The wait after the first failure (before jitter).
    public var base: TimeInterval
    /// The longest wait.
    public var cap: TimeInterval

    /// A policy; defaults 2 s doubling up to 5 minutes.
    public init(base: TimeInterval = 2, cap: TimeInterval = 300) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `failures` consecutive failures (≥ 1), with `unit` a random value in 0..<1.
    public func delay(afterFailures failures: Int, unit: Double) -> TimeInterval {
        let exponent = Double(min(max(failures, 1) - 1, 62))
        let ceiling = min(cap, base * pow(2, exponent))
        return ceiling * (0.5 + 0.5 * min(max(unit, 0), 1))
    }
}

/// When the forwarder tries next, from how its rounds went.
public struct SyncSchedule: Sendable, Hashable {
    /// Failed rounds in a row.
    public private(set) var consecutiveFailures = 0
    /// When the next round is due.
    public private(set) var nextAttempt: Date?
    /// The backoff after failures.
    public let backoff: BackoffPolicy
    /// The pause between successful rounds.
    public let pollInterval: TimeInterval

    /// A schedule that tries at once.
    public init(backoff: BackoffPolicy = BackoffPolicy(), pollInterval: TimeInterval = 30) {
        self.backoff = backoff
        self.pollInterval = pollInterval
    }

    /// Whether a round is due at `now`.
    public func isDue(at now: Date) -> Bool { nextAttempt.map { now >= $0 } ?? true }

    /// A round went through: the next one after the poll interval.
    public mutating func succeeded(at now: Date) {
        consecutiveFailures = 0
        nextAttempt = now.addingTimeInterval(pollInterval)
    }

    /// A round failed: back off (`unit` is a random value in 0..<1).
    public mutating func failed(at now: Date, unit: Double) {
        consecutiveFailures += 1
        nextAttempt = now.addingTimeInterval(backoff.delay(afterFailures: consecutiveFailures, unit: unit))
    }
}

/// The steps of one forwarding round: send batches until the queue is drained, pull every page
/// of updates, then fetch the catalog if the center has another version.
public struct SyncRound: Sendable, Hashable {
    /// What to do next.
    public enum Step: Sendable, Hashable {
        /// Send the oldest pending submissions.
        case sendBatch
        /// Fetch the updates page after this cursor.
        case pullUpdates(after: String?)
        /// Fetch and apply the center's catalog.
        case fetchCatalog
        /// The round is complete.
        case finished
    }

    /// The next step.
    public private(set) var step: Step = .sendBatch
    /// The updates cursor to keep.
    public private(set) var cursor: String?
    /// The catalog version the kiosk has.
    public let localCatalogVersion: String?
    /// The catalog version the center last reported.
    public private(set) var centerCatalogVersion: String?

    /// A round starting from the stored cursor and catalog version.
    public init(cursor: String?, localCatalogVersion: String?) {
        self.cursor = cursor
        self.localCatalogVersion = localCatalogVersion
    }

    /// A batch of `sent` items was answered and `resolved` of them acknowledged or set aside;
    /// `full` says the batch was as large as allowed (more may wait). Sending stops when the
    /// queue is drained or a batch resolved nothing (no loop on an unanswered item).
    public mutating func batchAnswered(sent: Int, resolved: Int, full: Bool, centerCatalogVersion: String) {
        self.centerCatalogVersion = centerCatalogVersion
        step = sent > 0 && full && resolved > 0 ? .sendBatch : .pullUpdates(after: cursor)
    }

    /// Nothing was pending.
    public mutating func nothingToSend() {
        step = .pullUpdates(after: cursor)
    }

    /// An updates page arrived.
    public mutating func updatesReceived(_ page: UpdatesPage) {
        cursor = page.cursor
        centerCatalogVersion = page.catalogVersion
        if page.more {
            step = .pullUpdates(after: cursor)
        } else {
            step = page.catalogVersion.isEmpty || page.catalogVersion == localCatalogVersion ? .finished : .fetchCatalog
        }
    }

    /// The catalog was fetched (and applied, or refused).
    public mutating func catalogHandled() {
        step = .finished
    }
}

/// What a batch's signed answer means for each sent item.
public struct AcknowledgementPlan: Sendable, Hashable {
    /// Stored or duplicate at the center: mark acknowledged.
    public var acknowledge: [UUID] = []
    /// Rejected or in conflict: set aside with this reason for the assistant.
    public var setAside: [UUID: String] = [:]
    /// Not mentioned in the answer: stays pending.
    public var unanswered: [UUID] = []

    /// Sorts the center's results for the `sent` items; results for items not sent are ignored.
    public init(sent: [UUID], results: [ItemResult]) {
        let byUUID = Dictionary(results.map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
        for uuid in sent {
            guard let result = byUUID[uuid] else {
                unanswered.append(uuid)
                continue
            }
            if result.outcome.isDelivered {
                acknowledge.append(uuid)
            } else {
                let reason = result.reason
                setAside[uuid] = [reason?.chinese, reason.map { "(\($0.rawValue))" }, result.detail]
                    .compactMap { $0 }.joined(separator: " ")
            }
        }
    }

    /// How many items were acknowledged or set aside.
    public var resolved: Int { acknowledge.count + setAside.count }
}
