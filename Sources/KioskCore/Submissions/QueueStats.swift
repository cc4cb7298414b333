import Foundation

/// Counts for `kiosk queue stats` and the assistant screen.
public struct QueueStats: Sendable, Codable, Hashable {
    /// Submissions in the queue.
    public var total: Int
    /// Submissions per `SubmissionState` raw value.
    public var byState: [String: Int]
    /// Decided submissions per decision raw value.
    public var byDecision: [String: Int]
    /// Submissions whose receipt or form failed to print.
    public var notPrinted: Int
    /// When the oldest submission not yet acknowledged by the town center (queued or forwarded) was made.
    public var oldestWaiting: Date?
    /// Submissions whose personal data was purged.
    public var purged: Int

    public init(total: Int, byState: [String: Int], byDecision: [String: Int], notPrinted: Int, oldestWaiting: Date?, purged: Int) {
        self.total = total
        self.byState = byState
        self.byDecision = byDecision
        self.notPrinted = notPrinted
        self.oldestWaiting = oldestWaiting
        self.purged = purged
    }
}
