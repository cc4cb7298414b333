// Over 300 lines in one file: a forwarding round's steps (send, acknowledge, updates, catalog, audit head, health) read in order.

@preconcurrency import Crypto
import Executors
import FileSystem
import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import SyncProtocol

/// Keys of the sync client's values in the queue's `setting` table.
enum SettingKey {
    static let centerURL = "center.url"
    static let centerSigningKey = "center.signing_key"
    static let centerKeyID = "center.key_id"
    static let cursor = "sync.cursor"
    static let catalogVersion = "catalog.version"
    static let catalogPublishedAt = "catalog.published_at"
    static let lastSuccess = "sync.last_success"
    static let lastError = "sync.last_error"
    static let failures = "sync.failures"
    static let nextAttempt = "sync.next_attempt"
    static let lastRound = "sync.last_round"
}

/// What one round did.
public struct RoundReport: Sendable, Codable, Hashable {
    /// Items sent (resends included).
    public var sent = 0
    /// Items newly acknowledged by a signed answer.
    public var acknowledged = 0
    /// Items set aside with the center's reason.
    public var setAside = 0
    /// Decisions received.
    public var decisions = 0
    /// The catalog version applied in this round.
    public var catalogApplied: String?
    /// Why a fetched catalog was not applied.
    public var catalogRefused: String?
    /// Whether the center took the station's health report at the end of the round.
    public var healthReported = false
    /// Notices of the town received in this round.
    public var notices = 0

    /// An empty report.
    public init() {}
}

/// Forwards the queue to the town center and pulls decisions and catalogs back.
public struct Forwarder: Sendable {
    /// The station's queue.
    public let queue: SubmissionQueue
    /// Signed calls to the center.
    public let client: CenterClient
    /// Where new catalogs go.
    public let installer: CatalogInstaller
    /// Where "now" comes from.
    public let clock: any WallClock
    /// Most items per batch.
    public let batchSize: Int
    /// The station's printers as CUPS reports them, for the health report (none by default).
    public var printers: @Sendable () async -> [PrinterHealth] = { [] }

    /// A forwarder from its parts.
    public init(queue: SubmissionQueue, client: CenterClient, installer: CatalogInstaller, clock: any WallClock, batchSize: Int = 100) {
        self.queue = queue
        self.client = client
        self.installer = installer
        self.clock = clock
        self.batchSize = max(1, batchSize)
    }

    /// The forwarder of an enrolled station: its queue, key, and the center from enrolment
    /// (`fallbackURL`, from kiosk.yaml, when enrolment stored none).
    public static func open(
        station: String, dataDirectory: String, fallbackURL: String, clock: any WallClock = SystemClock(), batchSize: Int = 100
    ) throws(SyncError) -> Forwarder {
        let (identity, queue) = try openStation(dataDirectory)
        guard let key = try setting(queue, SettingKey.centerSigningKey), let verifier = CenterVerifier(base64: key) else {
            throw .notEnrolled
        }
        let url = try setting(queue, SettingKey.centerURL) ?? fallbackURL
        return Forwarder(
            queue: queue,
            client: CenterClient(baseURL: url, signer: RequestSigner(identity: identity, station: station), verifier: verifier, clock: clock),
            installer: CatalogInstaller(dataDirectory: dataDirectory), clock: clock, batchSize: batchSize)
    }

    /// One full round: every pending submission sent oldest first in batches, every page of
    /// decisions pulled, and a newer catalog applied if its signature verifies. It runs on an
    /// executor of its own: its fsync'd queue writes never hold a thread of the cooperative pool.
    public func round() async throws(SyncError) -> RoundReport {
        let executor = BlockingWorkExecutor(label: "bianmin.forwarder.round")
        let outcome: Result<RoundReport, SyncError> = await withTaskExecutorPreference(executor) {
            do throws(SyncError) {
                return .success(try await roundOnThisExecutor())
            } catch {
                return .failure(error)
            }
        }
        return try withExtendedLifetime(executor) { () throws(SyncError) in try outcome.get() }
    }

    private func roundOnThisExecutor() async throws(SyncError) -> RoundReport {
        var round = SyncRound(
            cursor: try setting(queue, SettingKey.cursor), localCatalogVersion: try setting(queue, SettingKey.catalogVersion))
        var report = RoundReport()
        while true {
            switch round.step {
            case .sendBatch:
                let pending = try store { () throws(StoreError) in try queue.pending(limit: batchSize) }
                guard !pending.isEmpty else {
                    round.nothingToSend()
                    continue
                }
                let plan = try await send(pending, report: &report)
                round.batchAnswered(
                    sent: pending.count, resolved: plan.resolved, full: pending.count == batchSize,
                    centerCatalogVersion: round.centerCatalogVersion ?? "")
            case .pullUpdates(let cursor):
                let page = try await client.updates(after: cursor)
                for decision in page.decisions {
                    guard let kind = Decision(rawValue: decision.state.rawValue) else { continue }
                    let changed = try store { () throws(StoreError) in
                        try queue.recordDecision(
                            uuid: decision.uuid, decision: kind, reason: decision.reason,
                            decidedAt: Date(timeIntervalSince1970: TimeInterval(decision.decidedAt)), progress: decision.progress,
                            at: clock.now())
                    }
                    if changed { report.decisions += 1 }
                    if let notice = decision.notice {
                        let kept = try store { () throws(StoreError) in try queue.keepNotice(notice, uuid: decision.uuid, at: clock.now()) }
                        if kept { report.notices += 1 }
                    }
                }
                // Saved after the decisions: a crash in between re-reads the page, which changes nothing.
                try store { () throws(StoreError) in try queue.setSetting(SettingKey.cursor, page.cursor) }
                try adoptCenterKey(of: page)
                round.updatesReceived(page)
            case .fetchCatalog:
                let bundle = try await client.catalog()
                do {
                    try installer.install(bundle, verifier: client.verifier!)
                    try store { () throws(StoreError) in
                        try queue.setSetting(SettingKey.catalogVersion, bundle.version)
                        try queue.setSetting(SettingKey.catalogPublishedAt, String(bundle.publishedAt))
                        try queue.audit(.catalogApplied, detail: "version=\(bundle.version)", at: clock.now())
                    }
                    report.catalogApplied = bundle.version
                } catch .catalogRefused(let reason) {
                    report.catalogRefused = reason
                }
                round.catalogHandled()
            case .finished:
                try await reportAuditHead()
                // What a center that does not take them yet (an older one) refuses waits for the next round.
                try? await reportNoticePrints()
                try? await reportRatings()
                report.healthReported = await reportHealth()
                return report
            }
        }
    }

    /// After a key rotation at the center, seals new submissions to its new key. The page is signed
    /// by the center's Ed25519 key, so the key it names is the center's.
    private func adoptCenterKey(of page: UpdatesPage) throws(SyncError) {
        guard try setting(queue, SettingKey.centerKeyID) != page.keyID else { return }
        guard let key = CenterPublicKey(base64: page.centerPublicKey), key.keyID == page.keyID else {
            throw .malformedAnswer("the center's new key does not match its key id")
        }
        try storeCenterKey(key, dataDirectory: installer.dataDirectory)
        try store { () throws(StoreError) in
            try queue.setSetting(SettingKey.centerKeyID, page.keyID)
            try queue.audit(.centerKeyChanged, detail: "key_id=\(page.keyID)", at: clock.now())
        }
    }

    /// Sends the audit trail's count and last hash, signed with the station's key, for the center to keep:
    /// a trail later cut short or rewritten no longer matches what the center holds.
    private func reportAuditHead() async throws(SyncError) {
        let (count, head) = try store { () throws(StoreError) in try queue.auditHead() }
        let signed: AuditHead
        do {
            signed = try AuditHead.sign(
                count: count, head: head, at: Int64(clock.now().timeIntervalSince1970.rounded(.down)),
                with: client.signer.identity.signingKey)
        } catch {
            throw .io(path: queue.database.writer.path, detail: "cannot sign the audit head: \(error)")
        }
        _ = try await client.reportAuditHead(signed)
    }

    /// Tells the center which notices were printed for residents since the last report.
    private func reportNoticePrints() async throws(SyncError) {
        while true {
            let prints = try store { () throws(StoreError) in try queue.unreportedNoticePrints(limit: NoticePrints.maxPrints) }
            guard !prints.isEmpty else { return }
            let answer = try await client.reportNoticePrints(NoticePrints(prints: prints.map {
                NoticePrint(number: $0.number, uuid: $0.uuid, printedAt: Int64($0.printedAt.timeIntervalSince1970), assistant: $0.printedBy)
            }))
            let done = Set(answer.recorded + answer.unknown)
            try store { () throws(StoreError) in try queue.markNoticePrintsReported(Array(done), at: clock.now()) }
            // A center that took none of them will not take them on a second try in this round.
            guard prints.contains(where: { done.contains($0.number) }) else { return }
        }
    }

    /// Sends residents' ratings given since the last round, each signed with the station's key.
    private func reportRatings() async throws(SyncError) {
        while true {
            let ratings = try store { () throws(StoreError) in try queue.unsentRatings(limit: StationRatings.maxRatings) }
            guard !ratings.isEmpty else { return }
            let signed: [SignedRating]
            do {
                signed = try ratings.map { try SignedRating($0, signedWith: client.signer.identity.signingKey) }
            } catch {
                throw .io(path: queue.database.writer.path, detail: "cannot sign a rating: \(error)")
            }
            let answer = try await client.reportRatings(StationRatings(ratings: signed))
            let done = Set(answer.recorded + answer.refused)
            try store { () throws(StoreError) in try queue.markRatingsSent(ratings.filter { done.contains($0.uuid) }, at: clock.now()) }
            guard ratings.contains(where: { done.contains($0.uuid) }) else { return }
        }
    }

    /// Sends the station's health; a report the center did not take leaves the round's work done.
    private func reportHealth() async -> Bool {
        guard let health = try? await health() else { return false }
        return (try? await client.reportHealth(health)) != nil
    }

    /// The station's health as it stands: its queue, printers, disk, versions and last error.
    public func health() async throws(SyncError) -> StationHealth {
        let now = clock.now()
        let stats = try store { () throws(StoreError) in try queue.stats() }
        let status = try SyncStatus.load(from: queue)
        let disk = try? FileManager.default.attributesOfFileSystem(forPath: installer.dataDirectory)[.systemFreeSize] as? NSNumber
        return StationHealth(
            queueDepth: (stats.byState[SubmissionState.queued.rawValue] ?? 0) + (stats.byState[SubmissionState.forwarded.rawValue] ?? 0),
            oldestUnsentSeconds: stats.oldestWaiting.map { max(0, Int(now.timeIntervalSince($0))) },
            printers: Array(await printers().prefix(StationHealth.maxPrinters)), diskFreeBytes: disk?.int64Value,
            version: SoftwareVersion.current, catalogVersion: status.catalogVersion,
            lastError: status.lastError.map { String($0.filter { !$0.isNewline }.prefix(StationHealth.maxText)) },
            at: Int64(now.timeIntervalSince1970.rounded(.down)))
    }

    /// Sends one batch and applies its signed answer.
    private func send(_ pending: [OutgoingSubmission], report: inout RoundReport) async throws(SyncError) -> AcknowledgementPlan {
        let uuids = pending.map(\.uuid)
        try store { () throws(StoreError) in try queue.markForwarded(uuids, at: clock.now()) }
        let result: BatchResult
        do {
            result = try await client.send(pending.map(Self.item))
        } catch {
            try? queue.noteDeliveryError(error.description, for: uuids)
            throw error
        }
        let plan = AcknowledgementPlan(sent: uuids, results: result.results)
        let now = clock.now()
        let acknowledged = try store { () throws(StoreError) in try queue.acknowledge(plan.acknowledge, at: now) }
        for (uuid, reason) in plan.setAside.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            try store { () throws(StoreError) in try queue.setAside(uuid, reason: reason, at: now) }
        }
        report.sent += pending.count
        report.acknowledged += acknowledged
        report.setAside += plan.setAside.count
        return plan
    }

    /// The wire form of a queued submission.
    static func item(_ submission: OutgoingSubmission) -> SubmissionItem {
        SubmissionItem(
            uuid: submission.uuid, receipt: submission.receiptQR, sealedPayload: submission.sealed.base64EncodedString(),
            matter: submission.matter, catalogVersion: submission.catalogVersion,
            channel: SubmissionChannel(rawValue: submission.channel) ?? .selfService, assistant: submission.assistantID,
            createdAt: Int64(submission.createdAt.timeIntervalSince1970), formPrinted: submission.formPrinted)
    }
}

/// Runs a queue operation, wrapping its error.
func store<T>(_ body: () throws(StoreError) -> T) throws(SyncError) -> T {
    do {
        return try body()
    } catch {
        throw .store(error)
    }
}

/// A sync setting of `queue`.
func setting(_ queue: SubmissionQueue, _ key: String) throws(SyncError) -> String? {
    try store { () throws(StoreError) in try queue.setting(key) }
}

/// Enrolment of a station at a town center.
public enum StationEnrolment {
    /// Enrols with `token` at `centerURL`: once the answer proves the center knows the token (and
    /// holds the key kiosk.yaml names at `configuredCenterKeyPath`, if any), applies the signed catalog
    /// delivered with it and stores the center's keys and URL. A refused answer changes nothing.
    public static func enroll(
        centerURL: String, token: String, station: String, dataDirectory: String, configuredCenterKeyPath: String?,
        clock: any WallClock = SystemClock()
    ) async throws(SyncError) -> EnrollResponse {
        let (identity, queue) = try openStation(dataDirectory)
        let configured = try configuredCenterKey(configuredCenterKeyPath)
        let client = CenterClient(baseURL: centerURL, signer: RequestSigner(identity: identity, station: station), verifier: nil, clock: clock)
        let enrolled = try await client.enroll(token: token)
        guard let key = CenterPublicKey(base64: enrolled.centerPublicKey), key.keyID == enrolled.keyID,
              let verifier = CenterVerifier(base64: enrolled.centerSigningKey)
        else { throw .malformedAnswer("the center's keys in the enrolment answer do not check out") }
        if let configured, configured.key.rawRepresentation != key.key.rawRepresentation {
            throw .centerKeyMismatch(configured: configured.keyID, offered: enrolled.keyID)
        }
        try CatalogInstaller(dataDirectory: dataDirectory).install(enrolled.catalog, verifier: verifier)
        try storeCenterKey(key, dataDirectory: dataDirectory)
        try store { () throws(StoreError) in
            try queue.setSetting(SettingKey.centerURL, centerURL)
            try queue.setSetting(SettingKey.centerSigningKey, enrolled.centerSigningKey)
            try queue.setSetting(SettingKey.centerKeyID, enrolled.keyID)
            try queue.setSetting(SettingKey.catalogVersion, enrolled.catalog.version)
            try queue.setSetting(SettingKey.catalogPublishedAt, String(enrolled.catalog.publishedAt))
            try queue.audit(.catalogApplied, detail: "version=\(enrolled.catalog.version)", at: clock.now())
        }
        return enrolled
    }

    /// The center key kiosk.yaml names, if it names one.
    private static func configuredCenterKey(_ path: String?) throws(SyncError) -> CenterPublicKey? {
        guard let path else { return nil }
        do {
            return try CenterPublicKey.load(from: path)
        } catch {
            throw .io(path: path, detail: "the center key kiosk.yaml names cannot be read: \(error)")
        }
    }
}

/// Replaces the center key new submissions are sealed to, atomically.
func storeCenterKey(_ key: CenterPublicKey, dataDirectory: String) throws(SyncError) {
    let path = StationFiles(dataDirectory: dataDirectory).enrolledCenterKeyPath
    let temporary = path + ".new-\(UUID().uuidString.prefix(8))"
    do {
        try key.write(to: temporary)
    } catch {
        throw .io(path: temporary, detail: error.description)
    }
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw .io(path: path, detail: String(cString: strerror(errno)))
    }
    do {
        try DurableFile.syncDirectory(dataDirectory)
    } catch {
        throw .io(path: dataDirectory, detail: error.description)
    }
}

/// The station's identity and queue in `dataDirectory`, for the forwarder and enrolment.
func openStation(_ dataDirectory: String) throws(SyncError) -> (StationIdentity, SubmissionQueue) {
    let files = StationFiles(dataDirectory: dataDirectory)
    do {
        return (try files.identity(), try files.openQueue())
    } catch {
        throw .io(path: dataDirectory, detail: error.description)
    }
}

extension DecisionUpdate {
    /// The case workflow's progress the decision carries; nil from a center without the workflow.
    var progress: CaseProgress? {
        caseState.map { CaseProgress(state: $0, due: due, dueEstimated: dueEstimated ?? false, missing: missing ?? [], goTo: goTo) }
    }
}
