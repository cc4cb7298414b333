@preconcurrency import Crypto
import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol

/// The files of a center's data directory.
public struct CenterDirectory: Sendable, Hashable {
    /// The data directory.
    public let url: URL

    /// The directory at `path`.
    public init(path: String) {
        url = URL(fileURLWithPath: path).standardizedFileURL
    }

    /// The SQLite database.
    public var database: String { url.appendingPathComponent("center.sqlite").path }
    /// The X25519 private key that opens sealed payloads (mode 0600).
    public var agreementKey: String { url.appendingPathComponent("center-x25519.key").path }
    /// The X25519 public key stations seal to.
    public var agreementPublicKey: String { url.appendingPathComponent("center-x25519.pub").path }
    /// The Ed25519 key that signs acknowledgements, decisions and catalogs (mode 0600).
    public var signingKey: String { url.appendingPathComponent("center-ed25519.key").path }
    /// The audit trail's signed head, beside the signing key and outside the database (mode 0600).
    public var auditAnchor: String {
        URL(fileURLWithPath: signingKey).deletingLastPathComponent().appendingPathComponent("audit-anchor.json").path
    }
}

/// The center's keys.
public struct CenterKeys: Sendable {
    /// Opens sealed payloads.
    public let agreement: CenterKeyPair
    /// Signs answers and catalogs.
    public let signer: CenterSigner

    /// Keys from their parts.
    public init(agreement: CenterKeyPair, signer: CenterSigner) {
        self.agreement = agreement
        self.signer = signer
    }
}

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

    /// The current time in Unix seconds.
    public var now: Int64 { Int64(clock.now().timeIntervalSince1970.rounded(.down)) }

    /// Creates a center in `dataDirectory`: keys (the X25519 pair generated, or a symbolic link
    /// to `demoAgreementKey`), database, and the catalog in `catalogDirectory` published.
    public static func initialize(
        dataDirectory: String, catalogDirectory: URL, demoAgreementKey: String? = nil, clock: any WallClock = SystemClock()
    ) async throws(CenterError) -> Center {
        let directory = CenterDirectory(path: dataDirectory)
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
        let agreement: CenterKeyPair
        let signing: StationIdentity
        do {
            if let demoAgreementKey {
                let target = URL(fileURLWithPath: demoAgreementKey).standardizedFileURL.path
                agreement = try CenterKeyPair.load(from: target)
                do {
                    try FileManager.default.createSymbolicLink(atPath: directory.agreementKey, withDestinationPath: target)
                } catch {
                    throw CenterError.io(path: directory.agreementKey, detail: (error as NSError).localizedDescription)
                }
                try agreement.publicKey.write(to: directory.agreementPublicKey)
            } else {
                agreement = try CenterKeyPair.create(
                    privateKeyPath: directory.agreementKey, publicKeyPath: directory.agreementPublicKey)
            }
            // The center's Ed25519 key uses the same key-file format as a station's identity.
            signing = try StationIdentity.create(at: directory.signingKey)
        } catch let error as KeyFileError {
            throw .key(error)
        } catch let error as CenterError {
            throw error
        } catch {
            throw .io(path: directory.url.path, detail: String(describing: error))
        }
        let anchor = AuditAnchor(path: directory.auditAnchor, key: signing.signingKey, clock: clock)
        do {
            try anchor.write(count: 0, head: Data())
        } catch {
            throw .io(path: anchor.path, detail: error.description)
        }
        let center = Center(
            directory: directory, database: try CenterDatabase(path: directory.database, anchor: anchor),
            keys: CenterKeys(agreement: agreement, signer: CenterSigner(key: signing.signingKey)), clock: clock)
        try await center.database.audit(AuditEvent(at: center.now, event: "initialized", detail: agreement.keyID))
        try await center.database.publish(
            try CatalogPublisher.bundle(version: catalog.version, files: catalog.files, signer: center.keys.signer, now: center.now),
            now: center.now)
        return center
    }

    /// Opens the center in `dataDirectory`.
    public static func open(dataDirectory: String, clock: any WallClock = SystemClock()) throws(CenterError) -> Center {
        let directory = CenterDirectory(path: dataDirectory)
        guard FileManager.default.fileExists(atPath: directory.database) else {
            throw .notInitialized(path: directory.url.path)
        }
        do {
            let agreement = try CenterKeyPair.load(from: directory.agreementKey)
            let signing = try StationIdentity.load(from: directory.signingKey)
            let anchor = AuditAnchor(path: directory.auditAnchor, key: signing.signingKey, clock: clock)
            return Center(
                directory: directory, database: try CenterDatabase(path: directory.database, anchor: anchor),
                keys: CenterKeys(agreement: agreement, signer: CenterSigner(key: signing.signingKey)), clock: clock)
        } catch let error as KeyFileError {
            throw .key(error)
        } catch let error as CenterError {
            throw error
        } catch {
            throw .io(path: directory.url.path, detail: String(describing: error))
        }
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

    private func open(_ stored: StoredSubmission) throws(CenterError) -> Data {
        do {
            let sealed = try SealedPayload(serialized: stored.sealedPayload)
            let context = SealContext(uuid: stored.summary.uuid, station: stored.summary.station, matter: stored.summary.matter)
            return try PayloadOpener.open(sealed, with: keys.agreement, associated: context)
        } catch {
            throw .seal(error)
        }
    }

    /// Verifies a receipt's QR text against the enrolled stations' keys; returns the record
    /// and the stored submission's summary when the center has it.
    public func verifyReceipt(
        qrText: String
    ) async throws(CenterError) -> Result<(record: ReceiptRecord, stored: SubmissionSummary?), ReceiptVerificationError> {
        let verifier = ReceiptVerifier(trusting: try await database.stationKeys())
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
