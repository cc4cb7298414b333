@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import KioskSecurity

/// A case as the desk's inbox lists it: the metadata, the masked applicant and the due time.
public struct InboxRow: Sendable, Hashable {
    /// The metadata.
    public var summary: CaseSummary
    /// The masked applicant (`张* 1101**********1234`); empty when the form names none.
    public var applicantMasked: String
    /// Unix seconds the case's running deadline ends (the day after its last working day); nil when
    /// none runs or it is not computed yet.
    public var dueAt: Int64?

    /// A row; a stored due time of `CenterDatabase.noDeadline` is none.
    init(summary: CaseSummary, applicantMasked: String, dueAt: Int64?) {
        self.summary = summary
        self.applicantMasked = applicantMasked
        self.dueAt = dueAt == CenterDatabase.noDeadline ? nil : dueAt
    }

    /// Whether the case still waits on the town and is past its due time at `now`.
    public func isOverdue(at now: Int64) -> Bool {
        guard let dueAt else { return false }
        return SubmissionFilter.openStates.contains(summary.state) && dueAt < now
    }
}

/// One page of the inbox.
public struct InboxPage: Sendable {
    /// The cases of the page, oldest first.
    public var rows: [InboxRow]
    /// How many cases match the filter.
    public var total: Int
    /// How many cases match the filter without its state, per state.
    public var counts: [String: Int]
}

extension CenterDatabase {
    /// The inbox's order: by age, then state and arrival, which the filters' indexes give without sorting.
    static let inboxOrder = "ORDER BY received_at, state, rowid"

    /// The query of the counts per state (`state`, `n`) of the cases matching `filter` but for its
    /// state: from the kept counts when the filter names only matters, else over the cases.
    static func stateCounts(_ filter: SubmissionFilter) -> (sql: String, arguments: StatementArguments) {
        var stateless = filter
        stateless.state = nil
        let (clause, arguments) = stateless.sql
        // The filter's clause on `matter` reads the same on the kept counts.
        return stateless.countsByMatterSuffice
            ? ("SELECT state, SUM(n) AS n FROM case_count \(clause) GROUP BY state", arguments)
            : ("SELECT state, COUNT(*) AS n FROM submission \(clause) GROUP BY state", arguments)
    }

    /// One page of the cases matching `filter`, oldest first, with their total and the counts per state.
    public func inbox(_ filter: SubmissionFilter, offset: Int, limit: Int) async throws(CenterError) -> InboxPage {
        try await read { db in
            let (clause, arguments) = filter.sql
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.summaryColumns), applicant_masked, due_at FROM submission \(clause)
                    \(Self.inboxOrder) LIMIT ? OFFSET ?
                    """,
                arguments: arguments + [limit, offset]
            ).map { InboxRow(summary: CaseSummary(row: $0), applicantMasked: $0["applicant_masked"] ?? "", dueAt: $0["due_at"]) }
            let (countSQL, countArguments) = Self.stateCounts(filter)
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: countSQL, arguments: countArguments) {
                counts[row["state"]] = row["n"]
            }
            let total = filter.state.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
            return InboxPage(rows: rows, total: total, counts: counts)
        }
    }

    /// The audit events about the case with `receipt`, oldest first.
    public func caseHistory(receipt: String) async throws(CenterError) -> [AuditEvent] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT body FROM audit WHERE json_extract(CAST(body AS TEXT), '$.receipt') = ? ORDER BY seq",
                arguments: [receipt]
            ).map { try JSONDecoder().decode(AuditEvent.self, from: $0) }
        }
    }

    /// The positions (in the matter's list of materials) ticked as received for the case `uuid`.
    public func receivedMaterials(uuid: UUID) async throws(CenterError) -> Set<Int> {
        try await read { db in
            Set(try Int.fetchAll(
                db, sql: "SELECT item FROM case_material WHERE uuid = ? AND received = 1", arguments: [uuid.uuidString]))
        }
    }

    /// Saves the materials checklist of the case with `receipt`: the positions in `received` (below
    /// `count`) ticked, the others not; audited with the staff id.
    public func saveMaterials(receipt: String, received: Set<Int>, count: Int, staff: String, now: Int64) async throws(CenterError) {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT uuid, station FROM submission WHERE receipt = ?", arguments: [receipt])
            else { throw CenterError.unknownReceipt(receipt) }
            let uuid: String = row["uuid"]
            try db.execute(sql: "DELETE FROM case_material WHERE uuid = ?", arguments: [uuid])
            let ticked = received.filter { (0..<count).contains($0) }
            for item in 0..<count {
                try db.execute(
                    sql: "INSERT INTO case_material (uuid, item, received) VALUES (?, ?, ?)",
                    arguments: [uuid, item, ticked.contains(item)])
            }
            try Self.appendAudit(
                AuditEvent(at: now, event: "materials_checked", station: row["station"], receipt: receipt, uuid: uuid,
                           detail: "\(ticked.count)/\(count) \(staff)"),
                in: db)
        }
    }
}

extension Center {
    /// Cases indexed in one round of `indexCases`.
    static let indexBatch = 500

    /// The key of applicant search tags, derived from the center's private key.
    private var applicantTagKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: keys.agreement.privateKey.rawRepresentation),
            info: Data("bianmin desk applicant search".utf8), outputByteCount: 32)
    }

    /// The search tag of an applicant's name: a keyed hash, so that the database holds no name in clear.
    public func applicantTag(_ name: String) -> Data {
        Self.tag(name, key: applicantTagKey)
    }

    private static func tag(_ name: String, key: SymmetricKey) -> Data {
        Data(HMAC<SHA256>.authenticationCode(
            for: Data(name.trimmingCharacters(in: .whitespacesAndNewlines).utf8), using: key))
    }

    /// Fills in the masked applicant and the applicant's search tag of every case not indexed yet,
    /// opening its answers on the database's queue (off the cooperative pool), and the due time of
    /// every case that has none yet by `calendar`'s working days; returns how many it indexed.
    /// `matters` are the published matters by code.
    @discardableResult
    public func indexCases(matters: [String: Matter], calendar: WorkingDayCalendar) async throws(CenterError) -> Int {
        try await refreshDueTimes(matters: matters, calendar: calendar)
        let agreement = keys.agreement
        let key = applicantTagKey
        var indexed = 0
        while true {
            let updates = try await database.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT uuid, station, matter, received_at, sealed_payload FROM submission
                        WHERE applicant_masked IS NULL ORDER BY received_at LIMIT ?
                        """,
                    arguments: [Self.indexBatch]
                ).map { row -> (uuid: String, masked: String, tag: Data?) in
                    let uuid: String = row["uuid"]
                    let matter = matters[row["matter"]]
                    guard let matter, let id = UUID(uuidString: uuid),
                          let sealed = try? SealedPayload(serialized: row["sealed_payload"]),
                          let opened = try? PayloadOpener.open(
                              sealed, with: agreement, associated: SealContext(uuid: id, station: row["station"], matter: matter.code)),
                          let answers = try? AnswersJSON.decode(opened)
                    else { return (uuid, "", nil) }
                    let name = matter.form.applicantName(in: answers)
                    return (uuid, ApplicantMask.summary(of: answers, form: matter.form), name.map { Self.tag($0, key: key) })
                }
            }
            if updates.isEmpty { return indexed }
            try await database.write { db in
                for update in updates {
                    try db.execute(
                        sql: "UPDATE submission SET applicant_masked = ?, applicant_tag = ? WHERE uuid = ?",
                        arguments: [update.masked, update.tag, update.uuid])
                }
            }
            indexed += updates.count
        }
    }
}

extension Center {
    /// Sets the due time of every case without one: the end of its running deadline's last working
    /// day, as the case page's light counts it (`CaseWorkflow.deadline`), or `CenterDatabase.noDeadline`.
    func refreshDueTimes(matters: [String: Matter], calendar: WorkingDayCalendar) async throws(CenterError) {
        let today = ChinaTime.day(now)
        while true {
            let pending = try await database.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT uuid, matter, received_at FROM submission WHERE due_at IS NULL ORDER BY received_at LIMIT ?",
                    arguments: [Self.indexBatch]
                ).map { row in (uuid: row["uuid"] as String, matter: row["matter"] as String, receivedAt: row["received_at"] as Int64) }
            }
            if pending.isEmpty { return }
            let files = try await database.caseFiles(pending.compactMap { row in
                guard let matter = matters[row.matter], let uuid = UUID(uuidString: row.uuid) else { return nil }
                return (uuid, row.receivedAt, matter)
            })
            let due = pending.map { row in
                (row.uuid, UUID(uuidString: row.uuid).flatMap { files[$0] }.map {
                    CenterDatabase.dueAt(of: $0, on: today, calendar: calendar)
                } ?? CenterDatabase.noDeadline)
            }
            try await database.write { db in
                for (uuid, at) in due {
                    // A step taken meanwhile has set its own.
                    try db.execute(sql: "UPDATE submission SET due_at = ? WHERE uuid = ? AND due_at IS NULL", arguments: [at, uuid])
                }
            }
        }
    }
}

extension CenterDatabase {
    /// The due time of a case with no running deadline (decided, suspended, archived): never overdue.
    static let noDeadline = Int64.max

    /// When `file` becomes overdue: the start of the day after its deadline's due day (China time).
    /// A case not yet accepted is overdue by its decision deadline as accepted by law once the
    /// supplement window passes (the window's own end is no lateness: the case then counts as accepted).
    static func dueAt(of file: CaseFile, on today: CalendarDate, calendar: WorkingDayCalendar) -> Int64 {
        var day = today
        if file.state == .received, let window = CaseWorkflow.supplementDue(of: file, calendar: calendar), window.date >= today {
            day = window.date.adding(days: 1)
        }
        guard let deadline = CaseWorkflow.deadline(of: file, on: day, calendar: calendar), deadline.light != .paused else { return noDeadline }
        return ChinaTime.startOfDay(deadline.due.adding(days: 1))
    }
}

/// What checking a stored case's signed receipt found.
public enum StoredReceiptCheck: Sendable, Equatable {
    /// Signed by the station's enrolled key, naming this case's receipt number, matter and sealed answers.
    case valid
    /// Signed correctly, but for another receipt number, matter or sealed answers than the ones stored.
    case differs
    /// The signature or the text does not verify.
    case invalid(ReceiptVerificationError)

    /// A short name of the outcome, for string tables: `valid`, `differs`, or the failure's kind.
    public var code: String {
        switch self {
        case .valid: "valid"
        case .differs: "differs"
        case .invalid(let error):
            switch error {
            case .notBianminReceipt: "not_receipt"
            case .unknownVersion: "unknown_version"
            case .damaged: "damaged"
            case .signatureInvalid: "signature_invalid"
            case .foreign: "foreign"
            case .unknownStation: "unknown_station"
            }
        }
    }
}

extension Center {
    /// Checks `stored`'s signed receipt against the enrolled stations' keys and the stored case.
    public func checkReceipt(of stored: StoredSubmission) async throws(CenterError) -> StoredReceiptCheck {
        switch try await verifyReceipt(qrText: stored.receiptQR) {
        case .failure(let error): return .invalid(error)
        case .success(let found):
            let record = found.record
            let same = record.receiptNumber.description == stored.summary.receipt && record.matterCode == stored.summary.matter
                && record.payloadDigest == SealedPayload.digest(ofSerialized: stored.sealedPayload)
            return same ? .valid : .differs
        }
    }
}
