@preconcurrency import Crypto
import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol

/// An opened town center: its database and keys.
public struct Center: Sendable {
    /// Where it lives.
    public let directory: CenterDirectory
    /// Its database.
    public let database: CenterDatabase
    /// Its keys.
    public let keys: CenterKeys
    /// Its clock.
    public let clock: any WallClock
    /// Refused requests not yet written to the database.
    public let refusals = RefusalTally()
    /// The published catalog as last read, for its version.
    let catalogs = CatalogCache()

    /// The current time in Unix seconds.
    public var now: Int64 { Int64(clock.now().timeIntervalSince1970.rounded(.down)) }

    /// Creates a center: its data directory with the database and the catalog in `catalogDirectory`
    /// published, and its keys directory (default `DATA-keys`) with new keys, or the published demo
    /// X25519 pair at `demoAgreementKey` copied in.
    public static func initialize(
        dataDirectory: String, keysDirectory: String? = nil, catalogDirectory: URL, demoAgreementKey: String? = nil,
        clock: any WallClock = SystemClock()
    ) async throws(CenterError) -> Center {
        let directory = CenterDirectory(path: dataDirectory, keys: keysDirectory)
        guard !FileManager.default.fileExists(atPath: directory.database) else {
            throw .alreadyInitialized(path: directory.url.path)
        }
        let catalog = try CatalogPublisher.read(directory: catalogDirectory)
        do {
            try FileManager.default.createDirectory(
                at: directory.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: directory.url.path, detail: (error as NSError).localizedDescription)
        }
        var demo: CenterKeyPair?
        if let demoAgreementKey {
            do {
                // Published with the code, so readable by all: its copy in the keys directory is private.
                demo = try CenterKeyPair.load(from: demoAgreementKey, requirePrivate: false)
            } catch {
                throw .key(error)
            }
        }
        let keys = try CenterKeys.create(in: directory, agreement: demo)
        let anchor = AuditAnchor(path: directory.auditAnchor, key: keys.signer.key, clock: clock)
        do {
            try anchor.write(count: 0, head: Data())
        } catch {
            throw .io(path: anchor.path, detail: error.description)
        }
        let center = Center(
            directory: directory, database: try CenterDatabase(path: directory.database, anchor: anchor), keys: keys, clock: clock)
        try await center.database.audit(AuditEvent(at: center.now, event: "initialized", detail: keys.agreement.keyID))
        try await center.database.publish(
            try CatalogPublisher.bundle(version: catalog.version, files: catalog.files, signer: center.keys.signer, now: center.now),
            now: center.now)
        return center
    }

    /// Opens the center in `dataDirectory` with the keys in `keysDirectory` (default `DATA-keys`).
    public static func open(dataDirectory: String, keysDirectory: String? = nil, clock: any WallClock = SystemClock()) throws(CenterError) -> Center {
        let directory = CenterDirectory(path: dataDirectory, keys: keysDirectory)
        guard FileManager.default.fileExists(atPath: directory.database) else {
            throw .notInitialized(path: directory.url.path)
        }
        let keys = try CenterKeys.load(from: directory)
        let anchor = AuditAnchor(path: directory.auditAnchor, key: keys.signer.key, clock: clock)
        return Center(
            directory: directory, database: try CenterDatabase(path: directory.database, anchor: anchor), keys: keys, clock: clock)
    }

    /// Makes a new X25519 key current (stations learn it in their next round and seal to it); the
    /// old one is kept to open what was sealed to it. A running server uses it once restarted.
    public func rotateAgreementKey() async throws(CenterError) -> Center {
        let rotated = try CenterKeys.rotate(in: directory)
        try await database.audit(AuditEvent(at: now, event: "key_rotated", detail: "\(keys.agreement.keyID) -> \(rotated.agreement.keyID)"))
        return Center(directory: directory, database: database, keys: rotated, clock: clock)
    }

    /// Publishes the catalog in `catalogDirectory` as the current one.
    public func publishCatalog(directory catalogDirectory: URL) async throws(CenterError) -> CatalogBundle {
        let catalog = try CatalogPublisher.read(directory: catalogDirectory)
        let bundle = try CatalogPublisher.bundle(version: catalog.version, files: catalog.files, signer: keys.signer, now: now)
        try await database.publish(bundle, now: now)
        return bundle
    }

    /// Issues a one-time enrolment token for `station`, valid for `validity` seconds.
    public func issueToken(station: String, validity: TimeInterval = 7 * 86_400) async throws(CenterError) -> String {
        try await database.issueToken(station: station, now: now, expiresAt: now + Int64(validity))
    }

    /// The submission with `receipt` and its answers, opened with the center's key (audited, with
    /// the id of the `staff` member who opened them, if any).
    public func openAnswers(receipt: String, staff: String? = nil) async throws(CenterError) -> (submission: StoredSubmission, answers: Data) {
        let stored = try await database.submission(receipt: receipt)
        let answers = try open(stored)
        try await database.audit(
            AuditEvent(at: now, event: "opened", station: stored.summary.station, receipt: receipt,
                       uuid: stored.summary.uuid.uuidString, detail: staff))
        return (stored, answers)
    }

    func open(_ stored: StoredSubmission) throws(CenterError) -> Data {
        let sealed: SealedPayload
        do {
            sealed = try SealedPayload(serialized: stored.sealedPayload)
        } catch {
            throw .seal(error)
        }
        // Sealed to the current key or to one rotated out since.
        guard let key = keys.agreementByID[sealed.keyID] else { throw .unknownAgreementKey(sealed.keyID) }
        do {
            let context = SealContext(uuid: stored.summary.uuid, station: stored.summary.station, matter: stored.summary.matter)
            return try PayloadOpener.open(sealed, with: key, associated: context)
        } catch {
            throw .seal(error)
        }
    }

    /// Verifies a receipt's QR text against the enrolled stations' keys, and the center's own key
    /// for its window's series; returns the record and the stored submission's summary when the
    /// center has it.
    public func verifyReceipt(
        qrText: String
    ) async throws(CenterError) -> Result<(record: ReceiptRecord, stored: CaseSummary?), ReceiptVerificationError> {
        var trusted = try await database.stationKeys()
        if let station = try? SignedReceipt(qrText: qrText).record.stationID, !trusted.contains(where: { $0.stationID == station }),
           try await isWindowSeries(station) {
            trusted.append(StationPublicKey(stationID: station, key: keys.signer.key.publicKey))
        }
        let verifier = ReceiptVerifier(trusting: trusted)
        let record: ReceiptRecord
        do {
            record = try verifier.verify(qrText: qrText)
        } catch {
            return .failure(error)
        }
        let stored = try? await database.submission(receipt: record.receiptNumber.description)
        return .success((record, stored?.summary))
    }

    /// Submissions received since `since` with their decisions and opened answers (audited).
    public func export(since: Int64) async throws(CenterError) -> [(submission: StoredSubmission, answers: Data)] {
        var rows: [(submission: StoredSubmission, answers: Data)] = []
        for summary in try await database.submissions(SubmissionFilter(receivedSince: since)) {
            let stored = try await database.submission(receipt: summary.receipt)
            rows.append((stored, try open(stored)))
        }
        try await database.audit(AuditEvent(at: now, event: "exported", detail: String(rows.count)))
        return rows
    }
}
