// Over 300 lines in one file: the case workflow's storage (transitions, suspensions, notices) shares its transactions.

@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import SyncProtocol

/// One recorded step of a case's workflow: who took which action when, and why.
public struct CaseTransition: Codable, Sendable, Hashable {
    /// The action's name (`accept`, `refuse`, … as `CaseAction.name` spells it).
    public var action: String
    /// The state before.
    public var from: CaseState
    /// The state after.
    public var to: CaseState
    /// The staff id who took it.
    public var staff: String
    /// Unix seconds.
    public var at: Int64
    /// The reason, list, unit, recipient or number the action carried.
    public var why: String?
}

/// A case as the workflow sees it: the stored facts, the words that go with them, and its history.
public struct CaseWorkflowRecord: Sendable, Hashable {
    /// The submission's metadata.
    public var summary: CaseSummary
    /// The facts the pure workflow decides on.
    public var file: CaseFile
    /// Where a refused applicant is sent (不予受理).
    public var goTo: String?
    /// The reason given for the extension.
    public var extensionReason: String?
    /// How the decision was delivered.
    public var deliveryMethod: DeliveryMethod?
    /// Who received it.
    public var deliveryRecipient: String?
    /// Every transition, oldest first.
    public var transitions: [CaseTransition]

    /// Whether the case was approved (true) or denied (false); nil before a decision.
    public var approved: Bool? {
        let decided = transitions.last { $0.to == .approved || $0.to == .denied }?.to ?? file.state
        return decided == .approved ? true : decided == .denied ? false : nil
    }
}

/// A notice number allocated to a case.
public struct IssuedNotice: Sendable, Hashable, Codable {
    /// The number as printed, e.g. 新河便受〔2026〕第0001号.
    public var number: String
    /// The series, e.g. 新河便受.
    public var series: String
    /// The year of the series.
    public var year: Int
    /// The position in the series and year, from 1.
    public var sequence: Int
}

extension CaseState {
    /// The closest of the four states older stations and the desk's inbox know.
    var legacy: DecisionState? {
        switch self {
        case .received: nil
        case .needsSupplement: .needsMore
        case .accepted, .inProgress, .suspended, .withCounty: .accepted
        case .refused, .denied: .rejected
        case .approved: .completed
        case .delivered, .archived: nil
        }
    }
}

extension CaseAction {
    /// What the action carried, as the transition's `why`; `file` is the case after it.
    func why(after file: CaseFile) -> String? {
        switch self {
        case .requestSupplement: file.supplementItems.joined(separator: "；")
        case .refuse(let reason, let goTo): "\(reason) → \(goTo)"
        case .suspend(let kind, let reason): "\(kind.rawValue): \(reason)"
        case .extend(let days, let reason): "\(days): \(reason)"
        case .sendToCounty(let unit): unit
        case .decide(let approved, let reasons): approved ? (reasons.isEmpty ? nil : reasons) : reasons
        case .deliver(let method, let recipient): "\(method.rawValue): \(recipient)"
        case .archive(let number): number
        case .resubmit, .accept, .resume: nil
        }
    }
}

extension CenterDatabase {
    /// Carries decisions made with the four states over to the workflow (all of them, or the one
    /// case `uuid`): needs_more becomes needs_supplement with its text as the one item, accepted
    /// stays, completed becomes approved, rejected becomes denied after an acceptance, else refused.
    static func carryOverDecisions(in db: Database, uuid: String? = nil) throws {
        let day = "date(%@, 'unixepoch', '+8 hours')"
        func on(_ column: String) -> String { day.replacingOccurrences(of: "%@", with: column) }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO case_workflow (
                    uuid, state, supplement_requested_on, supplement_items, accepted_on, decided_on, reason)
                SELECT s.uuid,
                    CASE s.state WHEN 'needs_more' THEN 'needs_supplement' WHEN 'accepted' THEN 'accepted'
                        WHEN 'completed' THEN 'approved' ELSE (CASE WHEN a.first IS NULL THEN 'refused' ELSE 'denied' END) END,
                    CASE s.state WHEN 'needs_more' THEN \(on("s.decided_at")) END,
                    CASE s.state WHEN 'needs_more' THEN json_array(COALESCE(s.decision_reason, '')) ELSE '[]' END,
                    CASE WHEN s.state IN ('accepted', 'completed') OR a.first IS NOT NULL
                        THEN \(on("COALESCE(a.first, s.decided_at)")) END,
                    CASE WHEN s.state IN ('completed', 'rejected') THEN \(on("s.decided_at")) END,
                    CASE WHEN s.state = 'rejected' THEN s.decision_reason END
                FROM submission s
                LEFT JOIN (SELECT uuid, MIN(decided_at) AS first FROM decision WHERE state = 'accepted' GROUP BY uuid) a
                    ON a.uuid = s.uuid
                WHERE s.state IN ('needs_more', 'accepted', 'completed', 'rejected') \(uuid == nil ? "" : "AND s.uuid = ?")
                """,
            arguments: uuid.map { [$0] } ?? [])
    }

    /// Whether the case `uuid` has moved through the workflow (the four-state `decide` no longer applies).
    static func followsWorkflow(uuid: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM case_transition WHERE uuid = ?)", arguments: [uuid]) ?? false
    }

    /// The case file in `row` (a submission's columns with `workflowColumns`), its suspensions left out.
    static func caseFile(_ row: Row, receivedAt: Int64, department: Department, timeLimitDays: Int) -> CaseFile {
        func day(_ column: String) -> CalendarDate? { (row[column] as String?).flatMap(CalendarDate.init(iso:)) }
        var file = CaseFile(
            department: department, timeLimitDays: timeLimitDays, receivedOn: ChinaTime.day(receivedAt))
        file.state = (row["workflow_state"] as String?).flatMap(CaseState.init(rawValue:)) ?? .received
        file.resubmittedOn = day("resubmitted_on")
        file.supplementRequestedOn = day("supplement_requested_on")
        file.supplementItems = (row["supplement_items"] as String?).flatMap {
            try? JSONDecoder().decode([String].self, from: Data($0.utf8))
        } ?? []
        file.acceptedOn = day("accepted_on")
        file.acceptedByLaw = row["accepted_by_law"] ?? false
        file.extensionDays = row["extension_days"]
        file.countyUnit = row["county_unit"]
        file.decidedOn = day("decided_on")
        file.reason = row["workflow_reason"]
        file.deliveredOn = day("delivered_on")
        file.archiveNumber = row["archive_number"]
        return file
    }

    /// The suspensions of the cases `uuids`, in order, by case.
    static func suspensions(of uuids: [String], in db: Database) throws -> [String: [CaseSuspension]] {
        guard !uuids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT uuid, kind, reason, from_day, to_day FROM case_suspension
                WHERE uuid IN (\(Array(repeating: "?", count: uuids.count).joined(separator: ", "))) ORDER BY uuid, seq
                """,
            arguments: StatementArguments(uuids))
        var byCase: [String: [CaseSuspension]] = [:]
        for row in rows {
            guard let kind = SuspensionKind(rawValue: row["kind"]), let from = CalendarDate(iso: row["from_day"]) else { continue }
            byCase[row["uuid"], default: []].append(
                CaseSuspension(kind: kind, reason: row["reason"], from: from, to: (row["to_day"] as String?).flatMap(CalendarDate.init(iso:))))
        }
        return byCase
    }

    /// The columns of `case_workflow w` that `caseFile` reads.
    static let workflowColumns = """
        w.state AS workflow_state, w.resubmitted_on, w.supplement_requested_on, w.supplement_items, w.accepted_on,
        w.accepted_by_law, w.extension_days, w.extension_reason, w.county_unit, w.decided_on, w.reason AS workflow_reason,
        w.go_to, w.delivered_on, w.delivery_method, w.delivery_recipient, w.archive_number
        """

    /// The case files of `cases` (by UUID, with each one's receipt time and matter), for pages that list
    /// many cases: two queries for all of them.
    public func caseFiles(_ cases: [(uuid: UUID, receivedAt: Int64, matter: Matter)]) async throws(CenterError) -> [UUID: CaseFile] {
        guard !cases.isEmpty else { return [:] }
        return try await read { db in
            let uuids = cases.map(\.uuid.uuidString)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT w.uuid AS case_uuid, \(Self.workflowColumns) FROM case_workflow w
                    WHERE w.uuid IN (\(Array(repeating: "?", count: uuids.count).joined(separator: ", ")))
                    """,
                arguments: StatementArguments(uuids))
            let stored = Dictionary(rows.map { (($0["case_uuid"] as String), $0) }) { first, _ in first }
            let suspended = try Self.suspensions(of: uuids, in: db)
            var files: [UUID: CaseFile] = [:]
            for item in cases {
                let key = item.uuid.uuidString
                var file = stored[key].map {
                    Self.caseFile($0, receivedAt: item.receivedAt, department: item.matter.department, timeLimitDays: item.matter.timeLimitDays)
                } ?? CaseFile(
                    department: item.matter.department, timeLimitDays: item.matter.timeLimitDays,
                    receivedOn: ChinaTime.day(item.receivedAt))
                file.suspensions = suspended[key] ?? []
                files[item.uuid] = file
            }
            return files
        }
    }

    /// The stored workflow of the case with `receipt`, for a matter of `department` with `timeLimitDays`.
    static func workflowRecord(
        receipt: String, department: Department, timeLimitDays: Int, in db: Database
    ) throws -> CaseWorkflowRecord {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT \(summaryColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                    \(workflowColumns)
                FROM submission s LEFT JOIN case_workflow w ON w.uuid = s.uuid WHERE s.receipt = ?
                """,
            arguments: [receipt])
        else { throw CenterError.unknownReceipt(receipt) }
        let summary = CaseSummary(row: row)
        var file = caseFile(row, receivedAt: summary.receivedAt, department: department, timeLimitDays: timeLimitDays)
        file.suspensions = try suspensions(of: [summary.uuid.uuidString], in: db)[summary.uuid.uuidString] ?? []
        let transitions = try Row.fetchAll(
            db, sql: "SELECT action, from_state, to_state, staff, at, why FROM case_transition WHERE uuid = ? ORDER BY seq",
            arguments: [summary.uuid.uuidString]
        ).map { row in
            CaseTransition(
                action: row["action"], from: CaseState(rawValue: row["from_state"]) ?? .received,
                to: CaseState(rawValue: row["to_state"]) ?? .received, staff: row["staff"], at: row["at"], why: row["why"])
        }
        return CaseWorkflowRecord(
            summary: summary, file: file, goTo: row["go_to"], extensionReason: row["extension_reason"],
            deliveryMethod: (row["delivery_method"] as String?).flatMap(DeliveryMethod.init(rawValue:)),
            deliveryRecipient: row["delivery_recipient"], transitions: transitions)
    }

    /// Stores `record`'s facts over the case's previous ones.
    static func save(_ record: CaseWorkflowRecord, in db: Database) throws {
        let file = record.file
        let uuid = record.summary.uuid.uuidString
        let items = String(decoding: try JSONEncoder().encode(file.supplementItems), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO case_workflow (
                    uuid, state, resubmitted_on, supplement_requested_on, supplement_items, accepted_on, accepted_by_law,
                    extension_days, extension_reason, county_unit, decided_on, reason, go_to, delivered_on, delivery_method,
                    delivery_recipient, archive_number)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                uuid, file.state.rawValue, file.resubmittedOn?.description, file.supplementRequestedOn?.description, items,
                file.acceptedOn?.description, file.acceptedByLaw, file.extensionDays, record.extensionReason, file.countyUnit,
                file.decidedOn?.description, file.reason, record.goTo, file.deliveredOn?.description,
                record.deliveryMethod?.rawValue, record.deliveryRecipient, file.archiveNumber,
            ])
        try db.execute(sql: "DELETE FROM case_suspension WHERE uuid = ?", arguments: [uuid])
        for (seq, suspension) in file.suspensions.enumerated() {
            try db.execute(
                sql: "INSERT INTO case_suspension (uuid, seq, kind, reason, from_day, to_day) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [uuid, seq, suspension.kind.rawValue, suspension.reason, suspension.from.description, suspension.to?.description])
        }
    }

    /// Allocates the next number of `series` in `year` to the case with `receipt`, in one immediate
    /// transaction (so that concurrent prints, in this process or another, never share a number);
    /// audited with the staff id.
    public func allocateNotice(
        receipt: String, kind: NoticeKind, series: String, year: Int, format: NoticeNumberFormat, staff: String, now: Int64
    ) async throws(CenterError) -> IssuedNotice {
        do {
            return try await writer.writeWithoutTransaction { db in
                var issued: IssuedNotice?
                try db.inTransaction(.immediate) {
                    guard let row = try Row.fetchOne(db, sql: "SELECT uuid, station FROM submission WHERE receipt = ?", arguments: [receipt])
                    else { throw CenterError.unknownReceipt(receipt) }
                    let sequence = try Int.fetchOne(
                        db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM notice WHERE series = ? AND year = ?", arguments: [series, year]) ?? 1
                    let number = format.format(prefix: series, year: year, sequence: sequence)
                    try db.execute(
                        sql: "INSERT INTO notice (series, year, seq, number, uuid, kind, staff, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [series, year, sequence, number, row["uuid"], kind.rawValue, staff, now])
                    try Self.appendAudit(
                        AuditEvent(at: now, event: "notice_issued", station: row["station"], receipt: receipt, uuid: row["uuid"],
                                   detail: "\(kind.rawValue) \(number) \(staff)"),
                        in: db)
                    issued = IssuedNotice(number: number, series: series, year: year, sequence: sequence)
                    return .commit
                }
                return issued!
            }
        } catch let error as CenterError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }
}

extension Center {
    /// The case with `receipt` as the workflow sees it.
    public func workflow(receipt: String) async throws(CenterError) -> CaseWorkflowRecord {
        let matter = try await publishedMatter(try await database.submission(receipt: receipt).summary.matter)
        return try await database.read { db in
            try CenterDatabase.workflowRecord(
                receipt: receipt, department: matter.department, timeLimitDays: matter.timeLimitDays, in: db)
        }
    }

    /// Takes `action` on the case with `receipt` as the staff member `staff`, through the pure
    /// `CaseWorkflow` (an illegal or unpermitted action throws `.workflow`): stores the new facts,
    /// the transition (who, when, why) and its audit entry, and the closest four-state decision
    /// that stations and the inbox read. Returns the case after and what to do next.
    @discardableResult
    public func transition(
        receipt: String, _ action: CaseAction, staff: String, calendar: WorkingDayCalendar
    ) async throws(CenterError) -> (record: CaseWorkflowRecord, effects: [CaseEffect]) {
        guard let account = try await database.staff(id: staff), !account.disabled else { throw .unknownStaff(staff) }
        return try await transition(
            receipt: receipt, action, actor: CaseActor(id: account.id, role: account.role, department: account.department), calendar: calendar)
    }

    /// Takes `action` as `actor` (a staff account, or a station acting for the town as a window would).
    @discardableResult
    func transition(
        receipt: String, _ action: CaseAction, actor: CaseActor, calendar: WorkingDayCalendar
    ) async throws(CenterError) -> (record: CaseWorkflowRecord, effects: [CaseEffect]) {
        let staff = actor.id
        let matter = try await publishedMatter(try await database.submission(receipt: receipt).summary.matter)
        let now = self.now
        let today = ChinaTime.day(now)
        return try await database.write { db in
            var record = try CenterDatabase.workflowRecord(
                receipt: receipt, department: matter.department, timeLimitDays: matter.timeLimitDays, in: db)
            let before = record.file.state
            let applied = Result { () throws(WorkflowError) in
                try CaseWorkflow.apply(action, to: record.file, by: actor, on: today, calendar: calendar)
            }
            let effects: [CaseEffect]
            switch applied {
            case .success(let result): (record.file, effects) = result
            case .failure(let error): throw CenterError.workflow(receipt: receipt, error)
            }
            switch action {
            case .refuse(_, let goTo): record.goTo = goTo
            case .extend(_, let reason): record.extensionReason = reason
            case .deliver(let method, let recipient): (record.deliveryMethod, record.deliveryRecipient) = (method, recipient)
            default: break
            }
            let uuid = record.summary.uuid.uuidString
            try CenterDatabase.save(record, in: db)
            try db.execute(
                sql: "UPDATE submission SET due_at = ? WHERE uuid = ?",
                arguments: [CenterDatabase.dueAt(of: record.file, on: today, calendar: calendar), uuid])
            try CenterDatabase.keepReportFacts(of: action, file: record.file, uuid: uuid, calendar: calendar, in: db)
            try CenterDatabase.enqueueNotification(of: action, record: record, department: matter.department, staff: staff, now: now, in: db)
            let transition = CaseTransition(action: action.name, from: before, to: record.file.state, staff: staff, at: now, why: action.why(after: record.file))
            record.transitions.append(transition)
            try db.execute(
                sql: "INSERT INTO case_transition (uuid, action, from_state, to_state, staff, at, why) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [uuid, transition.action, before.rawValue, transition.to.rawValue, staff, now, transition.why])
            // The why is kept in the transition; the hash-chained trail holds its digest, so that a changed why shows.
            let digest = transition.why.map { " why=" + SHA256.hash(data: Data($0.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined() } ?? ""
            try CenterDatabase.appendAudit(
                AuditEvent(at: now, event: "transition", station: record.summary.station, receipt: receipt, uuid: uuid,
                           detail: "\(transition.action) \(before.rawValue)->\(transition.to.rawValue) \(staff)\(digest)"),
                in: db)
            // Stations learn every step with the closest of the four states; a resubmitted, delivered
            // or archived case keeps the one it had.
            if let legacy = record.file.state.legacy ?? DecisionState(rawValue: record.summary.state) {
                let reason = legacy == .needsMore ? record.file.supplementItems.joined(separator: "；") : record.file.reason
                let deadline = CaseWorkflow.deadline(of: record.file, on: today, calendar: calendar)
                let missing = record.file.state == .needsSupplement
                    ? String(decoding: try JSONEncoder().encode(record.file.supplementItems), as: UTF8.self) : nil
                try db.execute(
                    sql: """
                        INSERT INTO decision (uuid, station, state, reason, decided_at, case_state, due, due_estimated, missing, go_to)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        uuid, record.summary.station, legacy.rawValue, reason, now, record.file.state.rawValue,
                        deadline?.due.description, deadline.map { !$0.estimatedYears.isEmpty }, missing,
                        record.file.state == .refused ? record.goTo : nil,
                    ])
                try db.execute(
                    sql: "UPDATE submission SET state = ?, decision_reason = ?, decided_at = ? WHERE uuid = ?",
                    arguments: [legacy.rawValue, reason, now, uuid])
                (record.summary.state, record.summary.reason, record.summary.decidedAt) = (legacy.rawValue, reason, now)
            }
            return (record, effects)
        }
    }
}
