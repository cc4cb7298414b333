import Foundation
import GRDB
import KioskCore

extension SubmissionQueue {
    /// Keeps a resident's rating of one of this station's applications, replacing an earlier one, to
    /// send with the next forward round (audited without its content beyond the level).
    public func keepRating(_ rating: CaseRating, at: Date) throws(StoreError) {
        try write { db in
            guard let receipt = try String.fetchOne(db, sql: "SELECT receipt FROM submission WHERE uuid = ?", arguments: [rating.uuid.uuidString])
            else { return }
            try db.execute(
                sql: """
                    INSERT INTO rating (uuid, level, reasons, ratedAt, sentAt) VALUES (?, ?, ?, ?, NULL)
                    ON CONFLICT (uuid) DO UPDATE SET level = excluded.level, reasons = excluded.reasons, ratedAt = excluded.ratedAt, sentAt = NULL
                    """,
                arguments: [rating.uuid.uuidString, rating.level.rawValue, rating.reasons.map(\.rawValue).joined(separator: ","), rating.ratedAt])
            try AuditLog.append(.rated, receipt: receipt, detail: "level=\(rating.level.rawValue)", at: at, in: db)
        }
    }

    /// Ratings not yet sent (or changed since), oldest first, at most `limit`.
    public func unsentRatings(limit: Int) throws(StoreError) -> [CaseRating] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rating WHERE sentAt IS NULL ORDER BY ratedAt LIMIT ?", arguments: [limit]).compactMap { row in
                guard let uuid = UUID(uuidString: row["uuid"]), let level = RatingLevel(rawValue: row["level"]) else { return nil }
                let reasons = (row["reasons"] as String).split(separator: ",").compactMap { RatingReason(rawValue: String($0)) }
                return CaseRating(uuid: uuid, level: level, reasons: reasons, ratedAt: row["ratedAt"])
            }
        }
    }

    /// Marks `ratings` as sent, unless one was replaced meanwhile.
    public func markRatingsSent(_ ratings: [CaseRating], at: Date) throws(StoreError) {
        try write { db in
            for rating in ratings {
                try db.execute(
                    sql: "UPDATE rating SET sentAt = ? WHERE uuid = ? AND ratedAt = ?",
                    arguments: [Int64(at.timeIntervalSince1970), rating.uuid.uuidString, rating.ratedAt])
            }
        }
    }
}
