import Foundation
import NIOConcurrencyHelpers

/// Refused requests counted in memory and written to the database in batches (periodically and at
/// shutdown), so that a flood of bad requests costs neither a synced write nor a log line each.
public final class RefusalTally: Sendable {
    /// Seconds between two log lines for the same code; the ones in between are only counted.
    static let logInterval: Int64 = 10

    private struct State {
        var pending: [String: Int] = [:]
        var writing = false
        var lastLogged: [String: Int64] = [:]
        var unlogged: [String: Int] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// An empty tally.
    public init() {}

    /// Counts one refusal under `code` at `now` (Unix seconds); returns whether to log it, and how
    /// many of its kind went unlogged since the last line.
    func count(_ code: String, now: Int64) -> (log: Bool, suppressed: Int) {
        state.withLockedValue { state in
            state.pending[code, default: 0] += 1
            if let last = state.lastLogged[code], now - last < Self.logInterval, now >= last {
                state.unlogged[code, default: 0] += 1
                return (false, 0)
            }
            state.lastLogged[code] = now
            return (true, state.unlogged.removeValue(forKey: code) ?? 0)
        }
    }

    /// The counts not yet written, once no write is under way (a reader never sees a batch that is
    /// neither pending nor in the database).
    func settledPending() async -> [String: Int] {
        for _ in 0..<1000 {
            if let pending = state.withLockedValue({ $0.writing ? nil : $0.pending }) { return pending }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return state.withLockedValue { $0.pending }
    }

    /// Writes the pending counts to `database`; on failure they stay pending for the next flush.
    public func flush(to database: CenterDatabase) async {
        let taken: [String: Int]? = state.withLockedValue { state in
            guard !state.writing, !state.pending.isEmpty else { return nil }
            defer { state.pending = [:] }
            state.writing = true
            return state.pending
        }
        guard let taken else { return }
        let written = (try? await database.addRefusals(taken)) != nil
        state.withLockedValue { state in
            if !written { state.pending.merge(taken, uniquingKeysWith: +) }
            state.writing = false
        }
    }
}

extension Center {
    /// Refused requests so far, by code: those written and those still pending.
    public func refusalCounts() async throws(CenterError) -> [String: Int] {
        let pending = await refusals.settledPending()
        return try await database.refusalCounts().merging(pending, uniquingKeysWith: +)
    }
}
