import Foundation
import GRDB
import KioskCore

/// A submission ready to be stored: everything but its receipt number, which the store allocates.
public struct NewSubmission: Sendable {
    public var uuid: UUID
    public var station: String
    public var matter: String
    public var catalogVersion: String
    public var channel: Channel
    public var createdAt: Date
    public var applicantMasked: String
    public var formPrint: PrintState
    public var sealedKeyID: String
    public var sealed: Data
    public var payloadDigest: [UInt8]

    public init(
        uuid: UUID, station: String, matter: String, catalogVersion: String, channel: Channel, createdAt: Date,
        applicantMasked: String, formPrint: PrintState, sealedKeyID: String, sealed: Data, payloadDigest: [UInt8]
    ) {
        self.uuid = uuid
        self.station = station
        self.matter = matter
        self.catalogVersion = catalogVersion
        self.channel = channel
        self.createdAt = createdAt
        self.applicantMasked = applicantMasked
        self.formPrint = formPrint
        self.sealedKeyID = sealedKeyID
        self.sealed = sealed
        self.payloadDigest = payloadDigest
    }
}

/// The durable queue of submissions.
public struct SubmissionQueue: Sendable {
    public let database: AppDatabase

    public init(_ database: AppDatabase) { self.database = database }

    private var path: String { database.writer.path }

    /// Stores a submission in one transaction: allocates its receipt number, lets `sign` make the receipt QR
    /// text for that number, inserts the row and appends to the audit trail.
    public func store(_ new: NewSubmission, sign: (ReceiptNumber) throws -> String) throws(StoreError) -> SubmissionSummary {
        do {
            return try database.writer.write { db in
                let day = CalendarDate(new.createdAt)
                let key = (day.year % 100).zeroPadded(2) + day.month.zeroPadded(2) + day.day.zeroPadded(2)
                let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT last FROM receiptCounter WHERE station = ? AND day = ?"), arguments: [new.station, key]) ?? 0
                guard last < ReceiptNumber.sequenceRange.upperBound else {
                    throw StoreError(
                        kind: .receiptNumbersUsedUp, path: path,
                        detail: "station \(new.station) has issued all \(last) receipt numbers of day \(key)")
                }
                try db.cachedStatement(
                    sql: "INSERT INTO receiptCounter (station, day, last) VALUES (?, ?, ?) ON CONFLICT(station, day) DO UPDATE SET last = excluded.last"
                ).execute(arguments: [new.station, key, last + 1])
                let number = try ReceiptNumber(station: new.station, date: new.createdAt, timeZone: .china, sequence: last + 1)
                let qr = try sign(number)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO submission (uuid, receipt, station, matter, catalogVersion, channel, assistantID, createdAt,
                          state, receiptPrint, formPrint, applicantMasked, receiptQR, payloadDigest, sealedKeyID, sealed)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        new.uuid.uuidString, number.description, new.station, new.matter, new.catalogVersion, new.channel.name,
                        new.channel.assistantID, Int64(new.createdAt.timeIntervalSince1970), SubmissionState.queued.rawValue,
                        PrintState.pending.rawValue, new.formPrint.rawValue, new.applicantMasked, qr, Data(new.payloadDigest),
                        new.sealedKeyID, new.sealed,
                    ])
                try AuditLog.append(.submitted, receipt: number.description, detail: "matter=\(new.matter) channel=\(new.channel.name)", at: new.createdAt, in: db)
                return try Self.fetch(db, receipt: number.description)!
            }
        } catch {
            throw StoreError(error, path: path)
        }
    }

    /// The submission with this receipt number (typed in any case, with or without dashes), or nil.
    public func find(receipt: String) throws(StoreError) -> SubmissionSummary? {
        let canonical = (try? ReceiptNumber(parsing: receipt))?.description ?? receipt
        return try read { db in try Self.fetch(db, receipt: canonical) }
    }

    /// Submissions newest first, optionally in one state.
    public func list(state: SubmissionState? = nil, limit: Int = 50, offset: Int = 0) throws(StoreError) -> [SubmissionSummary] {
        try read { db in
            var sql = "SELECT \(Self.summaryColumns) FROM submission"
            var arguments: StatementArguments = []
            if let state {
                sql += " WHERE state = ?"
                arguments += [state.rawValue]
            }
            sql += " ORDER BY createdAt DESC, receipt DESC LIMIT ? OFFSET ?"
            arguments += [limit, offset]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.summary)
        }
    }

    /// Counts by state, decision and print state.
    public func stats() throws(StoreError) -> QueueStats {
        try read { db in
            var byState: [String: Int] = [:]
            var total = 0
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM submission GROUP BY state") {
                byState[row["state"]] = row["n"]
                total += row["n"] as Int
            }
            var byDecision: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT decision, COUNT(*) AS n FROM submission WHERE decision IS NOT NULL GROUP BY decision") {
                byDecision[row["decision"]] = row["n"]
            }
            let notPrinted = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission WHERE receiptPrint = 'failed' OR formPrint = 'failed'") ?? 0
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(createdAt) FROM submission WHERE state IN ('queued', 'forwarded')")
            let purged = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission WHERE purgedAt IS NOT NULL") ?? 0
            return QueueStats(
                total: total, byState: byState, byDecision: byDecision, notPrinted: notPrinted,
                oldestWaiting: oldest.map { Date(timeIntervalSince1970: TimeInterval($0)) }, purged: purged)
        }
    }

    /// Records how printing a submission's receipt or form went.
    public func setPrintState(receipt: String, receiptPrint: PrintState? = nil, formPrint: PrintState? = nil, at: Date) throws(StoreError) {
        try write { db in
            if let receiptPrint {
                try db.execute(sql: "UPDATE submission SET receiptPrint = ? WHERE receipt = ?", arguments: [receiptPrint.rawValue, receipt])
            }
            if let formPrint {
                try db.execute(sql: "UPDATE submission SET formPrint = ? WHERE receipt = ?", arguments: [formPrint.rawValue, receipt])
            }
            let failed = receiptPrint == .failed || formPrint == .failed
            let what = [receiptPrint.map { "receipt=\($0.rawValue)" }, formPrint.map { "form=\($0.rawValue)" }].compactMap { $0 }.joined(separator: " ")
            try AuditLog.append(failed ? .printFailed : .printed, receipt: receipt, detail: what, at: at, in: db)
        }
    }

    /// Drops the sealed answers of submissions acknowledged more than `retentionDays` ago; returns their receipts.
    @discardableResult
    public func purge(retentionDays: Int, now: Date) throws(StoreError) -> [String] {
        let cutoff = Int64(now.timeIntervalSince1970) - Int64(retentionDays) * 86_400
        return try write { db in
            let receipts = try String.fetchAll(
                db, sql: "SELECT receipt FROM submission WHERE state = 'acknowledged' AND acknowledgedAt <= ? AND sealed IS NOT NULL ORDER BY createdAt",
                arguments: [cutoff])
            for receipt in receipts {
                try db.execute(sql: "UPDATE submission SET sealed = NULL, purgedAt = ? WHERE receipt = ?", arguments: [Int64(now.timeIntervalSince1970), receipt])
                try AuditLog.append(.purged, receipt: receipt, detail: "retention=\(retentionDays)d", at: now, in: db)
            }
            return receipts
        }
    }

    /// Appends an event that concerns no single submission (assistant login, catalog update...).
    public func audit(_ event: AuditEvent, receipt: String? = nil, detail: String = "", at: Date) throws(StoreError) {
        try write { db in try AuditLog.append(event, receipt: receipt, detail: detail, at: at, in: db) }
    }

    /// The audit trail's entry count and last hash (empty when there are none).
    public func auditHead() throws(StoreError) -> (count: Int64, head: Data) {
        try read { db in try AuditLog.head(db) }
    }

    // MARK: - Helpers

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.writer.read(body)
        } catch {
            throw StoreError(error, path: path)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.writer.write(body)
        } catch {
            throw StoreError(error, path: path)
        }
    }

    static let summaryColumns = """
        uuid, receipt, station, matter, catalogVersion, channel, assistantID, createdAt, state, decision, decisionReason,
        decidedAt, receiptPrint, formPrint, applicantMasked, receiptQR, forwardAttempts, lastError, acknowledgedAt, purgedAt,
        caseState, caseDue, caseDueEstimated, caseMissing, caseGoTo
        """

    static func fetch(_ db: Database, receipt: String) throws -> SubmissionSummary? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(summaryColumns) FROM submission WHERE receipt = ?"), arguments: [receipt]).map(summary)
    }

    static func summary(_ row: Row) -> SubmissionSummary {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        var summary = SubmissionSummary(
            uuid: UUID(uuidString: row["uuid"]) ?? UUID(), receipt: row["receipt"], station: row["station"], matter: row["matter"],
            catalogVersion: row["catalogVersion"], channel: row["channel"], assistantID: row["assistantID"],
            createdAt: date("createdAt")!, state: SubmissionState(rawValue: row["state"]) ?? .queued,
            decision: (row["decision"] as String?).flatMap(Decision.init(rawValue:)), decisionReason: row["decisionReason"],
            decidedAt: date("decidedAt"), receiptPrint: PrintState(rawValue: row["receiptPrint"]) ?? .pending,
            formPrint: PrintState(rawValue: row["formPrint"]) ?? .pending, applicantMasked: row["applicantMasked"],
            receiptQR: row["receiptQR"], forwardAttempts: row["forwardAttempts"], lastError: row["lastError"],
            acknowledgedAt: date("acknowledgedAt"), purgedAt: date("purgedAt"))
        summary.progress = (row["caseState"] as String?).map { state in
            CaseProgress(
                state: state, due: row["caseDue"], dueEstimated: row["caseDueEstimated"] ?? false,
                missing: (row["caseMissing"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
                goTo: row["caseGoTo"])
        }
        return summary
    }
}
