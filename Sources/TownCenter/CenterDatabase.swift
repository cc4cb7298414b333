// Over 300 lines in one file: the center's database type with all its migrations in one place.

import AuditTrail
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// The center's SQLite database: WAL, `synchronous = FULL`, every write one transaction.
public struct CenterDatabase: Sendable {
    /// The writer every access goes through.
    public let writer: any DatabaseWriter
    /// The signed head of the audit trail, moved on after every commit that appends to it.
    public let anchor: AuditAnchor

    /// Opens (creating if needed) the database at `path` and applies the migrations; the audit
    /// trail's signed head in `anchor` follows every commit that appends to it.
    public init(path: String, anchor: AuditAnchor) throws(CenterError) {
        self.anchor = anchor
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // 16 MiB of page cache per connection (SQLite's default is 2 MiB): the desk's counts per
        // state walk an index of every case, which at 100,000 cases no longer fits the default and
        // was read again from the file by each request.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -16384") }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // Every commit synced (an acknowledgement promises the item is stored). Set after the
            // pool turns WAL on, which sets `synchronous = NORMAL`.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            writer = pool
            try Self.migrator.migrate(writer)
            pool.add(transactionObserver: Self.auditTable.anchoring(anchor, in: pool), extent: .databaseLifetime)
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// Every schema change, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE station (
                    id TEXT PRIMARY KEY, public_key BLOB NOT NULL, enrolled_at INTEGER NOT NULL);
                CREATE TABLE enrolment_token (
                    token_hash BLOB PRIMARY KEY, station TEXT NOT NULL, issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL, used_at INTEGER);
                CREATE TABLE submission (
                    uuid TEXT PRIMARY KEY, station TEXT NOT NULL, receipt TEXT NOT NULL UNIQUE,
                    matter TEXT NOT NULL, catalog_version TEXT NOT NULL, channel TEXT NOT NULL, assistant TEXT,
                    created_at INTEGER NOT NULL, received_at INTEGER NOT NULL, form_printed INTEGER NOT NULL,
                    receipt_qr TEXT NOT NULL, sealed_payload BLOB NOT NULL, content_hash BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'received', decision_reason TEXT, decided_at INTEGER);
                CREATE INDEX submission_station ON submission(station, received_at);
                CREATE INDEX submission_received ON submission(received_at);
                CREATE TABLE decision (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL REFERENCES submission(uuid),
                    station TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, decided_at INTEGER NOT NULL);
                CREATE INDEX decision_station ON decision(station, seq);
                CREATE TABLE conflict (
                    id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, station TEXT NOT NULL, item BLOB NOT NULL,
                    content_hash BLOB NOT NULL, received_at INTEGER NOT NULL, UNIQUE (uuid, content_hash));
                CREATE TABLE nonce (
                    station TEXT NOT NULL, nonce TEXT NOT NULL, expires_at INTEGER NOT NULL,
                    PRIMARY KEY (station, nonce)) WITHOUT ROWID;
                CREATE INDEX nonce_expiry ON nonce(expires_at);
                CREATE TABLE catalog (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, matters TEXT NOT NULL,
                    bundle BLOB NOT NULL);
                CREATE TABLE refusal (code TEXT PRIMARY KEY, count INTEGER NOT NULL);
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, body BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("desk-staff") { db in
            try db.execute(sql: """
                CREATE TABLE staff (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, department TEXT,
                    password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
                    failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until INTEGER, created_at INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("desk-inbox") { db in
            // What the desk lists and filters without opening answers (filled by `Center.indexCases`),
            // the indexes its filters use (each ending in the state, so the counts per state read the
            // index alone), the case history's index on the audit trail, and the
            // materials checklist.
            try db.execute(sql: """
                ALTER TABLE submission ADD COLUMN applicant_masked TEXT;
                ALTER TABLE submission ADD COLUMN applicant_tag BLOB;
                ALTER TABLE submission ADD COLUMN due_at INTEGER;
                CREATE INDEX submission_unindexed ON submission(received_at) WHERE applicant_masked IS NULL;
                DROP INDEX submission_station;
                DROP INDEX submission_received;
                CREATE INDEX submission_station ON submission(station, received_at, state);
                CREATE INDEX submission_received ON submission(received_at, state);
                CREATE INDEX submission_state ON submission(state, received_at);
                CREATE INDEX submission_matter ON submission(matter, received_at, state);
                CREATE INDEX submission_matter_state ON submission(matter, state, received_at);
                CREATE INDEX submission_channel ON submission(channel, received_at, state);
                CREATE INDEX submission_applicant ON submission(applicant_tag);
                CREATE INDEX submission_due ON submission(state, due_at, received_at);
                CREATE INDEX audit_receipt ON audit(json_extract(CAST(body AS TEXT), '$.receipt'));
                CREATE TABLE case_material (
                    uuid TEXT NOT NULL REFERENCES submission(uuid), item INTEGER NOT NULL, received INTEGER NOT NULL,
                    PRIMARY KEY (uuid, item)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("station-revocation") { db in
            try db.execute(sql: "ALTER TABLE station ADD COLUMN revoked_at INTEGER")
        }
        migrator.registerMigration("station-audit-head") { db in
            // The latest signed audit head each station reported, and the first report that went backwards.
            try db.execute(sql: """
                CREATE TABLE station_audit_head (
                    station TEXT PRIMARY KEY, count INTEGER NOT NULL, head BLOB NOT NULL, signed_at INTEGER NOT NULL,
                    signature BLOB NOT NULL, reported_at INTEGER NOT NULL,
                    problem TEXT, problem_count INTEGER, problem_at INTEGER);
                """)
        }
        migrator.registerMigration("case-workflow") { db in
            // Each case's place in the law's workflow (a case with no row is received), its
            // suspensions, its transitions (who, when, why), the notices issued, numbered per series
            // and year, and what stations learn of each step besides the four states. Decisions made
            // with the four states before are carried over.
            try db.execute(sql: """
                CREATE TABLE case_workflow (
                    uuid TEXT PRIMARY KEY REFERENCES submission(uuid), state TEXT NOT NULL,
                    resubmitted_on TEXT, supplement_requested_on TEXT, supplement_items TEXT NOT NULL DEFAULT '[]',
                    accepted_on TEXT, accepted_by_law INTEGER NOT NULL DEFAULT 0, extension_days INTEGER, extension_reason TEXT,
                    county_unit TEXT, decided_on TEXT, reason TEXT, go_to TEXT, delivered_on TEXT, delivery_method TEXT,
                    delivery_recipient TEXT, archive_number TEXT) WITHOUT ROWID;
                CREATE TABLE case_suspension (
                    uuid TEXT NOT NULL REFERENCES submission(uuid), seq INTEGER NOT NULL, kind TEXT NOT NULL,
                    reason TEXT NOT NULL, from_day TEXT NOT NULL, to_day TEXT, PRIMARY KEY (uuid, seq)) WITHOUT ROWID;
                CREATE TABLE case_transition (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL REFERENCES submission(uuid),
                    action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, staff TEXT NOT NULL,
                    at INTEGER NOT NULL, why TEXT);
                CREATE INDEX case_transition_uuid ON case_transition(uuid, seq);
                CREATE TABLE notice (
                    series TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL, number TEXT NOT NULL UNIQUE,
                    uuid TEXT NOT NULL REFERENCES submission(uuid), kind TEXT NOT NULL, staff TEXT NOT NULL,
                    issued_at INTEGER NOT NULL, PRIMARY KEY (series, year, seq)) WITHOUT ROWID;
                ALTER TABLE decision ADD COLUMN case_state TEXT;
                ALTER TABLE decision ADD COLUMN due TEXT;
                ALTER TABLE decision ADD COLUMN due_estimated INTEGER;
                ALTER TABLE decision ADD COLUMN missing TEXT;
                ALTER TABLE decision ADD COLUMN go_to TEXT;
                """)
            try Self.carryOverDecisions(in: db)
        }
        migrator.registerMigration("staff-totp") { db in
            // A staff account's TOTP secret once enrolled, and the last time step a code was accepted in (no replay).
            try db.execute(sql: """
                ALTER TABLE staff ADD COLUMN totp_secret TEXT;
                ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
                """)
        }
        migrator.registerMigration("station-health") { db in
            // Each station's last health report, as it sent it once its ranges were checked.
            try db.execute(sql: """
                CREATE TABLE station_health (
                    station TEXT PRIMARY KEY REFERENCES station(id), reported_at INTEGER NOT NULL, report TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("case-counts") { db in
            // Cases per matter and state, kept by triggers, so that the inbox's counts per state
            // (all cases, a matter's, a department's) need no walk over every case.
            try db.execute(sql: """
                CREATE TABLE case_count (
                    matter TEXT NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (matter, state)) WITHOUT ROWID;
                INSERT INTO case_count (matter, state, n) SELECT matter, state, COUNT(*) FROM submission GROUP BY matter, state;
                CREATE TRIGGER case_count_insert AFTER INSERT ON submission BEGIN
                    INSERT INTO case_count (matter, state, n) VALUES (NEW.matter, NEW.state, 1)
                    ON CONFLICT (matter, state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER case_count_update AFTER UPDATE OF matter, state ON submission
                WHEN OLD.matter IS NOT NEW.matter OR OLD.state IS NOT NEW.state BEGIN
                    UPDATE case_count SET n = n - 1 WHERE matter = OLD.matter AND state = OLD.state;
                    INSERT INTO case_count (matter, state, n) VALUES (NEW.matter, NEW.state, 1)
                    ON CONFLICT (matter, state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER case_count_delete AFTER DELETE ON submission BEGIN
                    UPDATE case_count SET n = n - 1 WHERE matter = OLD.matter AND state = OLD.state;
                END;
                """)
        }
        migrator.registerMigration("case-report-facts") { db in
            // What the town's reports count, kept on each case's row when a step changes it (the
            // workflow state, whether a supplement was asked for, how it ended and, for a decision,
            // its working days and whether it was on time by the calendar of that day), with one
            // index that holds them all in the order a report groups them: a report reads that index
            // alone, in order, with no sort (0.3 s for a million cases). Outcomes before this are
            // taken from the transitions; their timing is unknown.
            try db.execute(sql: """
                ALTER TABLE submission ADD COLUMN case_state TEXT;
                ALTER TABLE submission ADD COLUMN supplemented INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE submission ADD COLUMN outcome TEXT;
                ALTER TABLE submission ADD COLUMN decision_working_days INTEGER;
                ALTER TABLE submission ADD COLUMN decision_on_time INTEGER;
                UPDATE submission SET
                    case_state = (SELECT w.state FROM case_workflow w WHERE w.uuid = submission.uuid),
                    supplemented = COALESCE((SELECT w.supplement_requested_on IS NOT NULL FROM case_workflow w WHERE w.uuid = submission.uuid), 0),
                    outcome = (
                        SELECT t.to_state FROM case_transition t
                        WHERE t.uuid = submission.uuid AND t.to_state IN ('refused', 'approved', 'denied') ORDER BY t.seq DESC LIMIT 1);
                CREATE INDEX submission_report ON submission(
                    matter, station, channel, case_state, supplemented, outcome, decision_working_days, decision_on_time, received_at);
                """)
        }
        migrator.registerMigration("notification-outbox") { db in
            // The results reported to the county departments (审批结果通报), kept until a department
            // signs for them; they name the case and the step, never the applicant.
            try db.execute(sql: """
                CREATE TABLE notification (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL REFERENCES submission(uuid), receipt TEXT NOT NULL,
                    matter TEXT NOT NULL, department TEXT NOT NULL, event TEXT NOT NULL, staff TEXT NOT NULL, detail TEXT,
                    created_at INTEGER NOT NULL, signed_by TEXT, signed_at INTEGER);
                CREATE INDEX notification_department ON notification(department, id);
                CREATE INDEX notification_unsigned ON notification(id) WHERE signed_at IS NULL;
                """)
        }
        migrator.registerMigration("notification-push") { db in
            // A department's receiving endpoint and the secret its pushes are signed with, and each
            // notification's delivery: acknowledged when, attempts, when to try again, the last error.
            try db.execute(sql: """
                CREATE TABLE department_endpoint (department TEXT PRIMARY KEY, url TEXT NOT NULL, secret BLOB NOT NULL) WITHOUT ROWID;
                ALTER TABLE notification ADD COLUMN delivered_at INTEGER;
                ALTER TABLE notification ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE notification ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE notification ADD COLUMN last_error TEXT;
                CREATE INDEX notification_pending ON notification(next_attempt_at, id) WHERE delivered_at IS NULL;
                """)
        }
        migrator.registerMigration("station-notices") { db in
            // A notice issued on a station's case travels to the station with the step's update (its
            // applicant masked); the station reports when it printed it for the resident.
            try db.execute(sql: """
                ALTER TABLE decision ADD COLUMN notice TEXT;
                ALTER TABLE notice ADD COLUMN station_printed_at INTEGER;
                """)
        }
        migrator.registerMigration("working-day-due") { db in
            // Due times counted in working days, as the case page's light does (they were calendar
            // days from receipt): every case's is computed again on the desk's next inbox, and kept
            // by each step after.
            try db.execute(sql: """
                UPDATE submission SET due_at = NULL;
                CREATE INDEX submission_due_unset ON submission(received_at) WHERE due_at IS NULL;
                """)
        }
        migrator.registerMigration("archive") { db in
            // Each notice's PDF as issued, for the case's archive package, and where and when each
            // archived case's package was written.
            try db.execute(sql: """
                ALTER TABLE notice ADD COLUMN pdf BLOB;
                CREATE TABLE archive_package (
                    uuid TEXT PRIMARY KEY REFERENCES submission(uuid), archive_number TEXT NOT NULL, path TEXT NOT NULL,
                    written_at INTEGER NOT NULL, manifest_sha256 BLOB NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("ratings") { db in
            // Residents' ratings (好差评), one per case (a later one replaces it), from the kiosk (signed by
            // the station) or the window; and the follow-up task (回访整改) each bad rating makes.
            try db.execute(sql: """
                CREATE TABLE rating (
                    uuid TEXT PRIMARY KEY REFERENCES submission(uuid), level INTEGER NOT NULL, reasons TEXT NOT NULL,
                    rated_at INTEGER NOT NULL, channel TEXT NOT NULL, signature TEXT, received_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE follow_up (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL REFERENCES submission(uuid), level INTEGER NOT NULL,
                    reasons TEXT NOT NULL, created_at INTEGER NOT NULL, due_on TEXT NOT NULL, closed_at INTEGER, closed_by TEXT, note TEXT);
                CREATE INDEX follow_up_open ON follow_up(due_on) WHERE closed_at IS NULL;
                CREATE INDEX follow_up_case ON follow_up(uuid);
                """)
        }
        migrator.registerMigration("report-channel") { db in
            // The channel a report counts a case under: how it reached the town (自助, 代办, 窗口), or
            // `usb` for a station's case carried on a USB stick; the report's covering index follows it.
            try db.execute(sql: """
                ALTER TABLE submission ADD COLUMN report_channel TEXT;
                UPDATE submission SET report_channel = channel;
                DROP INDEX submission_report;
                CREATE INDEX submission_report ON submission(
                    matter, station, report_channel, case_state, supplemented, outcome, decision_working_days, decision_on_time, received_at);
                """)
        }
        return migrator
    }

    /// Runs `body` in one write transaction; errors other than `CenterError` become `.database`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CenterError) -> T {
        do {
            return try await writer.write(body)
        } catch let error as CenterError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CenterError) -> T {
        do {
            return try await writer.read(body)
        } catch let error as CenterError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }
}

// MARK: - Audit trail

/// One event of the center's audit trail; never carries personal data.
public struct AuditEvent: Codable, Sendable, Hashable {
    /// Unix seconds.
    public var at: Int64
    /// What happened: `initialized`, `catalog_published`, `token_issued`, `enrolled`, `stored`,
    /// `conflict`, `rejected`, `decided`, `opened`, `exported`, `bundle_imported`, and the staff events
    /// `staff_added`, `staff_disabled`, `staff_password_reset`, `staff_signed_in`, `staff_sign_in_failed`,
    /// `staff_sign_in_locked`, `staff_locked`, `staff_totp_enrolled` (detail: the staff id), `materials_checked` (detail:
    /// ticked/all and the staff id), `transition` (detail: action, from->to, staff id and the digest of
    /// its why), `notice_issued` (detail: kind, number, staff id) and `notification_signed` (detail: its id, staff id).
    public var event: String
    /// The station concerned.
    public var station: String?
    /// The receipt number concerned.
    public var receipt: String?
    /// The submission's UUID.
    public var uuid: String?
    /// A code or state (rejection reason, decision state, catalog version, count).
    public var detail: String?

    /// An event from its fields.
    public init(
        at: Int64, event: String, station: String? = nil, receipt: String? = nil, uuid: String? = nil,
        detail: String? = nil
    ) {
        self.at = at
        self.event = event
        self.station = station
        self.receipt = receipt
        self.uuid = uuid
        self.detail = detail
    }

    /// The event as the trail stores it: compact JSON with sorted keys, nil fields left out (the
    /// bytes `SyncJSON`'s encoder writes), written directly since every stored item adds one.
    public var body: Data {
        var writer = CompactJSONWriter()
        writer.writeObject { object in
            object.member("at") { $0.write(at) }
            object.member("detail", detail)
            object.member("event", event)
            object.member("receipt", receipt)
            object.member("station", station)
            object.member("uuid", uuid)
        }
        return Data(writer.bytes)
    }
}

extension CenterDatabase {
    /// Appends `event` to the hash-chained audit trail inside the caller's transaction.
    static func appendAudit(_ event: AuditEvent, in db: Database) throws {
        try appendAudit([event], in: db)
    }

    /// Appends `events`, in order, to the hash-chained audit trail inside the caller's transaction.
    static func appendAudit(_ events: [AuditEvent], in db: Database) throws {
        guard !events.isEmpty else { return }
        var (sequence, previous) = try auditHead(db)
        let insert = try db.cachedStatement(sql: "INSERT INTO audit (seq, prev_hash, hash, body) VALUES (?, ?, ?, ?)")
        for event in events {
            let body = event.body
            let hash = HashChain.link(previous: previous, entry: body)
            sequence += 1
            try insert.execute(arguments: [sequence, previous, hash, body])
            previous = hash
        }
    }

    /// The number of audit entries and the last hash (empty when there are none).
    static func auditHead(_ db: Database) throws -> (count: Int64, head: Data) {
        try auditTable.head(db)
    }

    /// Where the center's trail lives.
    static let auditTable = AuditTable(name: "audit", sequence: "seq")

    /// Appends one audit event in its own transaction.
    public func audit(_ event: AuditEvent) async throws(CenterError) {
        try await write { db in try Self.appendAudit(event, in: db) }
    }

    /// Checks the whole audit trail, and against its signed head.
    public func verifyAudit() async throws(CenterError) -> ChainVerdict {
        // The signed head first: an entry appended meanwhile only extends it.
        let anchored = Result { () throws(AuditAnchorError) in try anchor.read() }
        let entries = try await read { db in try Self.auditEntries(db) }
        return anchor.verify(entries, against: anchored)
    }

    /// The audit trail's entries in stored order.
    static func auditEntries(_ db: Database) throws -> [ChainEntry] {
        try Row.fetchAll(db, sql: "SELECT seq, prev_hash, hash, body FROM audit ORDER BY rowid").map {
            ChainEntry(sequence: $0["seq"], previousHash: $0["prev_hash"], hash: $0["hash"], body: $0["body"])
        }
    }

    /// The audit events in order (for tests and inspection).
    public func auditEvents() async throws(CenterError) -> [AuditEvent] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM audit ORDER BY seq").map {
                try JSONDecoder().decode(AuditEvent.self, from: $0)
            }
        }
    }

    // MARK: Refusal counters

    /// Adds refused requests, by code, in one transaction.
    public func addRefusals(_ counts: [String: Int]) async throws(CenterError) {
        try await write { db in
            for (code, count) in counts {
                try db.execute(
                    sql: "INSERT INTO refusal (code, count) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET count = count + excluded.count",
                    arguments: [code, count])
            }
        }
    }

    /// Refused requests so far, by code.
    public func refusalCounts() async throws(CenterError) -> [String: Int] {
        try await read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT code, count FROM refusal").map {
                (($0["code"] as String), ($0["count"] as Int))
            })
        }
    }

    // MARK: Nonces

    /// Records `nonce` for `station` until `expiresAt`, forgetting expired ones; throws
    /// `.auth(.replayedNonce)` if it is already remembered. Call inside a transaction.
    static func consumeNonce(_ nonce: String, station: String, now: Int64, expiresAt: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM nonce WHERE expires_at < ?", arguments: [now])
        try db.execute(
            sql: "INSERT OR IGNORE INTO nonce (station, nonce, expires_at) VALUES (?, ?, ?)",
            arguments: [station, nonce, expiresAt])
        if db.changesCount == 0 { throw CenterError.auth(.replayedNonce) }
    }

    /// Records a request nonce in its own transaction (see `consumeNonce`).
    public func consumeNonce(_ nonce: String, station: String, now: Int64, expiresAt: Int64) async throws(CenterError) {
        try await write { db in try Self.consumeNonce(nonce, station: station, now: now, expiresAt: expiresAt, in: db) }
    }
}
