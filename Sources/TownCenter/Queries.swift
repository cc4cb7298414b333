import Foundation
import GRDB
import SyncProtocol

/// A stored submission's metadata (no answers: they stay sealed).
public struct CaseSummary: Codable, Sendable, Hashable {
    /// The submission's UUID.
    public var uuid: UUID
    /// The receipt number.
    public var receipt: String
    /// The station that accepted it.
    public var station: String
    /// The matter's code.
    public var matter: String
    /// The catalog version the form was filled under.
    public var catalogVersion: String
    /// Self-service or assisted.
    public var channel: SubmissionChannel
    /// The assistant's id, for assisted submissions.
    public var assistant: String?
    /// Unix seconds.
    public var createdAt: Int64
    /// Unix seconds.
    public var receivedAt: Int64
    /// Whether the A4 form was printed at the village.
    public var formPrinted: Bool
    /// `received`, or the latest decision (`accepted`, `rejected`, `needs_more`, `completed`).
    public var state: String
    /// The latest decision's reason or missing material.
    public var reason: String?
    /// Unix seconds of the latest decision.
    public var decidedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case uuid, receipt, station, matter, channel, assistant, state, reason
        case catalogVersion = "catalog_version"
        case createdAt = "created_at"
        case receivedAt = "received_at"
        case formPrinted = "form_printed"
        case decidedAt = "decided_at"
    }

    init(row: Row) {
        uuid = UUID(uuidString: row["uuid"])!
        receipt = row["receipt"]
        station = row["station"]
        matter = row["matter"]
        catalogVersion = row["catalog_version"]
        channel = SubmissionChannel(rawValue: row["channel"]) ?? .selfService
        assistant = row["assistant"]
        createdAt = row["created_at"]
        receivedAt = row["received_at"]
        formPrinted = row["form_printed"]
        state = row["state"]
        reason = row["decision_reason"]
        decidedAt = row["decided_at"]
    }
}

/// Which submissions to list; nil fields match everything.
public struct SubmissionFilter: Sendable, Hashable {
    /// Only this station.
    public var station: String?
    /// Only this matter code.
    public var matter: String?
    /// Only this state (`received`, `accepted`, `rejected`, `needs_more`, `completed`).
    public var state: String?
    /// Received at or after, Unix seconds.
    public var receivedSince: Int64?
    /// Received before, Unix seconds.
    public var receivedBefore: Int64?
    /// Only these matter codes (a department's, for example); empty matches nothing.
    public var matters: [String]?
    /// Only this channel.
    public var channel: SubmissionChannel?
    /// Only receipt numbers starting with this text.
    public var receiptPrefix: String?
    /// Only the applicant with this search tag (`Center.applicantTag`).
    public var applicantTag: Data?
    /// Only cases still open whose due time is before this instant, Unix seconds.
    public var overdueAt: Int64?

    /// A filter; every field optional.
    public init(
        station: String? = nil, matter: String? = nil, state: String? = nil, receivedSince: Int64? = nil,
        receivedBefore: Int64? = nil, matters: [String]? = nil, channel: SubmissionChannel? = nil,
        receiptPrefix: String? = nil, applicantTag: Data? = nil, overdueAt: Int64? = nil
    ) {
        self.station = station
        self.matter = matter
        self.state = state
        self.receivedSince = receivedSince
        self.receivedBefore = receivedBefore
        self.matters = matters
        self.channel = channel
        self.receiptPrefix = receiptPrefix
        self.applicantTag = applicantTag
        self.overdueAt = overdueAt
    }

    /// States in which a case still waits on the town (the only ones that can be overdue).
    public static let openStates = ["received", "accepted", "needs_more"]

    /// The SQL `WHERE` clause (empty when everything matches) and its arguments.
    var sql: (clause: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        for (column, value) in [("station", station), ("matter", matter), ("state", state), ("channel", channel?.rawValue)] {
            if let value {
                clauses.append("\(column) = ?")
                arguments += [value]
            }
        }
        if let matters {
            clauses.append("matter IN (\(matters.isEmpty ? "NULL" : Array(repeating: "?", count: matters.count).joined(separator: ", ")))")
            arguments += StatementArguments(matters)
        }
        if let since = receivedSince {
            clauses.append("received_at >= ?")
            arguments += [since]
        }
        if let before = receivedBefore {
            clauses.append("received_at < ?")
            arguments += [before]
        }
        if let prefix = receiptPrefix {
            // A range, so the receipt's unique index serves it (receipt numbers are ASCII).
            clauses.append("receipt >= ? AND receipt < ?")
            arguments += [prefix, prefix + "\u{7F}"]
        }
        if let tag = applicantTag {
            clauses.append("applicant_tag = ?")
            arguments += [tag]
        }
        if let now = overdueAt {
            clauses.append("state IN (\(Self.openStates.map { "'\($0)'" }.joined(separator: ", "))) AND due_at < ?")
            arguments += [now]
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    /// Whether the filter names nothing but matters (a matter, a list of them, or neither), so that
    /// the kept counts per matter and state answer its counts.
    var countsByMatterSuffice: Bool {
        station == nil && state == nil && receivedSince == nil && receivedBefore == nil && channel == nil
            && receiptPrefix == nil && applicantTag == nil && overdueAt == nil
    }
}

/// A stored submission with its sealed payload, as staff commands need it.
public struct StoredSubmission: Sendable, Hashable {
    /// The metadata.
    public var summary: CaseSummary
    /// The serialized sealed payload.
    public var sealedPayload: Data
    /// The signed receipt as QR text.
    public var receiptQR: String
    /// Every decision so far, oldest first.
    public var decisions: [DecisionUpdate]
}

extension CenterDatabase {
    static let summaryColumns = """
        uuid, receipt, station, matter, catalog_version, channel, assistant, created_at, received_at, form_printed,
        state, decision_reason, decided_at
        """

    /// Submissions matching `filter`, in order of arrival.
    public func submissions(_ filter: SubmissionFilter) async throws(CenterError) -> [CaseSummary] {
        try await read { db in
            let (whereClause, arguments) = filter.sql
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.summaryColumns) FROM submission \(whereClause) ORDER BY received_at, rowid",
                arguments: arguments
            ).map(CaseSummary.init(row:))
        }
    }

    /// The submission with `receipt`, with its sealed payload and decision history.
    public func submission(receipt: String) async throws(CenterError) -> StoredSubmission {
        let found: StoredSubmission? = try await read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.summaryColumns), sealed_payload, receipt_qr FROM submission WHERE receipt = ?",
                arguments: [receipt])
            else { return nil }
            let summary = CaseSummary(row: row)
            let decisions = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.decisionColumns) FROM decision d JOIN submission s ON s.uuid = d.uuid WHERE d.uuid = ? ORDER BY d.seq",
                arguments: [summary.uuid.uuidString]
            ).map(Self.decisionUpdate)
            return StoredSubmission(
                summary: summary, sealedPayload: row["sealed_payload"], receiptQR: row["receipt_qr"], decisions: decisions)
        }
        guard let found else { throw .unknownReceipt(receipt) }
        return found
    }

    /// How many submissions are stored (all stations).
    /// Whether the database answers a trivial query (for `/health`).
    public func answers() async -> Bool {
        (try? await read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    public func submissionCount() async throws(CenterError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? 0 }
    }
}
