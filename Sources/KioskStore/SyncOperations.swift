import Foundation
import GRDB
import KioskCore

/// A queued submission as the forwarder sends it: clear metadata plus the sealed answers.
public struct OutgoingSubmission: Sendable, Hashable {
    public var uuid: UUID
    public var receipt: String
    public var matter: String
    public var catalogVersion: String
    public var channel: String
    public var assistantID: String?
    public var createdAt: Date
    public var receiptQR: String
    /// The serialized `SealedPayload`.
    public var sealed: Data
    public var formPrinted: Bool
}

extension SubmissionQueue {
    /// Submissions still to be delivered, oldest first.
    public func pending(limit: Int) throws(StoreError) -> [OutgoingSubmission] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT uuid, receipt, matter, catalogVersion, channel, assistantID, createdAt, receiptQR, sealed, formPrint
                    FROM submission WHERE state IN ('queued', 'forwarded') AND sealed IS NOT NULL
                    ORDER BY createdAt, receipt LIMIT ?
                    """, arguments: [limit]
            ).map { row in
                OutgoingSubmission(
                    uuid: UUID(uuidString: row["uuid"]) ?? UUID(), receipt: row["receipt"], matter: row["matter"],
                    catalogVersion: row["catalogVersion"], channel: row["channel"], assistantID: row["assistantID"],
                    createdAt: Date(timeIntervalSince1970: TimeInterval(row["createdAt"] as Int64)), receiptQR: row["receiptQR"],
                    sealed: row["sealed"], formPrinted: (row["formPrint"] as String) == PrintState.printed.rawValue)
            }
        }
    }

    /// Notes that these submissions were sent (not yet acknowledged).
    public func markForwarded(_ uuids: [UUID], at: Date) throws(StoreError) {
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE submission SET state = CASE state WHEN 'queued' THEN 'forwarded' ELSE state END, forwardAttempts = forwardAttempts + 1
                WHERE uuid = ? RETURNING receipt, forwardAttempts
                """)
            for uuid in uuids {
                // The first attempt is audited; retries are not.
                if let row = try Row.fetchOne(update, arguments: [uuid.uuidString]), (row["forwardAttempts"] as Int) == 1 {
                    try AuditLog.append(.forwarded, receipt: row["receipt"], at: at, in: db)
                }
            }
        }
    }

    /// Marks submissions acknowledged by a valid signed acknowledgement; acknowledging twice changes nothing.
    /// Returns how many were newly acknowledged.
    @discardableResult
    public func acknowledge(_ uuids: [UUID], at: Date, via channel: String = "network") throws(StoreError) -> Int {
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE submission SET state = 'acknowledged', acknowledgedAt = ?, lastError = NULL
                WHERE uuid = ? AND state IN ('queued', 'forwarded', 'set_aside') RETURNING receipt
                """)
            var count = 0
            for uuid in uuids {
                guard let receipt = try String.fetchOne(update, arguments: [Int64(at.timeIntervalSince1970), uuid.uuidString]) else { continue }
                count += 1
                try AuditLog.append(.acknowledged, receipt: receipt, detail: "via=\(channel)", at: at, in: db)
            }
            return count
        }
    }

    /// Sets a submission aside with the center's reason, so it no longer blocks the queue.
    public func setAside(_ uuid: UUID, reason: String, at: Date) throws(StoreError) {
        try write { db in
            guard let receipt = try String.fetchOne(
                db, sql: "UPDATE submission SET state = 'set_aside', lastError = ? WHERE uuid = ? AND state IN ('queued', 'forwarded') RETURNING receipt",
                arguments: [reason, uuid.uuidString])
            else { return }
            try AuditLog.append(.setAside, receipt: receipt, detail: reason, at: at, in: db)
        }
    }

    /// Records the last delivery error for the assistant's screen.
    public func noteDeliveryError(_ message: String, for uuids: [UUID]) throws(StoreError) {
        try write { db in
            for uuid in uuids {
                try db.execute(sql: "UPDATE submission SET lastError = ? WHERE uuid = ?", arguments: [message, uuid.uuidString])
            }
        }
    }

    /// Stores the town's decision on a submission, with the workflow's `progress` when the center
    /// sent it; the same decision twice changes nothing. Returns whether anything changed.
    @discardableResult
    public func recordDecision(
        uuid: UUID, decision: Decision, reason: String?, decidedAt: Date, progress: CaseProgress? = nil, at: Date
    ) throws(StoreError) -> Bool {
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE submission SET decision = ?, decisionReason = ?, decidedAt = ?, caseState = ?, caseDue = ?,
                    caseDueEstimated = ?, caseMissing = ?, caseGoTo = ?
                WHERE uuid = ? AND (decision IS NOT ? OR decisionReason IS NOT ? OR decidedAt IS NOT ? OR caseState IS NOT ?
                    OR caseDue IS NOT ? OR caseMissing IS NOT ?) RETURNING receipt
                """)
            let seconds = Int64(decidedAt.timeIntervalSince1970)
            let missing = try progress.map { String(decoding: try JSONEncoder().encode($0.missing), as: UTF8.self) }
            guard let receipt = try String.fetchOne(
                update,
                arguments: [
                    decision.rawValue, reason, seconds, progress?.state, progress?.due, progress?.dueEstimated, missing, progress?.goTo,
                    uuid.uuidString, decision.rawValue, reason, seconds, progress?.state, progress?.due, missing,
                ])
            else { return false }
            try AuditLog.append(
                .decided, receipt: receipt, detail: "decision=\(decision.rawValue)" + (progress.map { " state=\($0.state)" } ?? ""), at: at, in: db)
            return true
        }
    }

    /// A small persistent value for the sync client (cursor, last contact...).
    public func setting(_ key: String) throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    /// Stores a persistent value for the sync client.
    public func setSetting(_ key: String, _ value: String?) throws(StoreError) {
        try write { db in
            if let value {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
            }
        }
    }
}
