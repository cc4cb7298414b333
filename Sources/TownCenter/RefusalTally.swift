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
        /// Bumped each time a flush takes the pending counts.
        var generation = 0
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

    /// The counts not yet written.
    var pending: [String: Int] { state.withLockedValue { $0.pending } }

    /// `written` (read from the database by `read`) plus the pending counts, taken so that no batch
    /// is missed or counted twice by a flush running meanwhile.
    func total(written read: () async throws(CenterError) -> [String: Int]) async throws(CenterError) -> [String: Int] {
        while true {
            let before = state.withLockedValue { ($0.writing, $0.generation) }
            if before.0 {
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            let written = try await read()
            let after = state.withLockedValue { ($0.writing, $0.generation, $0.pending) }
            if !after.0, after.1 == before.1 { return written.merging(after.2, uniquingKeysWith: +) }
        }
    }

    /// Writes the pending counts to `database`; on failure they stay pending for the next flush.
    public func flush(to database: CenterDatabase) async {
        let taken: [String: Int]? = state.withLockedValue { state in
            guard !state.writing, !state.pending.isEmpty else { return nil }
            defer { state.pending = [:] }
            state.writing = true
            state.generation += 1
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
        try await refusals.total { () async throws(CenterError) in try await database.refusalCounts() }
    }
}
