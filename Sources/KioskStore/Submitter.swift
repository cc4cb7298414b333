import Foundation
import KioskCore
import KioskSecurity

/// Why an application was not stored; each case reads well to the assistant, and `reason` (or the
/// refusal's own words) is what the resident is told.
public enum SubmitError: Error, Sendable, CustomStringConvertible {
    /// The kiosk may not take this matter.
    case refused(Refusal)
    /// The answers do not satisfy the form.
    case invalid([FieldIssue])
    /// `kiosk init` has not been run for this data directory.
    case notInitialized(dataDirectory: String)
    /// There is no town-center key to seal to.
    case noCenterKey(configuredPath: String?)
    /// A key file could not be used.
    case keyProblem(String)
    /// Sealing or signing failed.
    case crypto(String)
    /// The database refused the write.
    case store(StoreError)

    public var description: String {
        switch self {
        case .refused(let refusal): refusal.message.zh
        case .invalid(let issues): issues.map(\.description).joined(separator: "\n")
        case .notInitialized(let dir): "the station is not initialised: no station key or database in \(dir) (run `kiosk init`)"
        case .noCenterKey(let path):
            "the station has no town-center key, so it cannot seal applications: enrol it (`kiosk enroll`) or set town_center.public_key in kiosk.yaml"
                + (path.map { " (\($0) does not exist)" } ?? "")
        case .keyProblem(let detail): "a key file cannot be used: \(detail)"
        case .crypto(let detail): "sealing or signing failed: \(detail)"
        case .store(let error): error.description
        }
    }

    /// Why, for the screens' words; nil for a refusal, which has its own (`Refusal.message`).
    public var reason: FailureReason? {
        switch self {
        case .refused: nil
        case .invalid: .answersInvalid
        case .store(let error): error.reason
        default: .stationNotReady
        }
    }
}

/// An application stored in the queue, with the validated answers still in memory for printing the form.
public struct SubmittedApplication: Sendable {
    public var summary: SubmissionSummary
    /// The validated answers; the kiosk cannot read them back once this value is gone.
    public var answers: Answers
}

/// Validates, seals, signs and durably stores applications.
public struct Submitter: Sendable {
    public var station: StationConfig.Station
    public var catalogVersion: String
    public var identity: StationIdentity
    /// Seals to the town center's key, with the key agreement prepared ahead.
    public let sealer: PreparedSealer
    public var queue: SubmissionQueue
    public var clock: any WallClock

    public init(station: StationConfig.Station, catalogVersion: String, identity: StationIdentity, centerKey: CenterPublicKey, queue: SubmissionQueue, clock: any WallClock = SystemClock()) {
        self.station = station
        self.catalogVersion = catalogVersion
        self.identity = identity
        sealer = PreparedSealer(center: centerKey)
        self.queue = queue
        self.clock = clock
    }

    /// Stores an application for `matter`, or throws without storing anything.
    public func submit(matter: Matter, answers: Answers, channel: Channel) throws(SubmitError) -> SubmittedApplication {
        if let refusal = matter.refusal { throw .refused(refusal) }
        let now = clock.now()
        let result = FormValidator.validate(answers, form: matter.form, today: CalendarDate(now))
        guard result.isValid else { throw .invalid(result.issues) }

        let uuid = UUID()
        let sealed: SealedPayload
        do {
            sealed = try sealer.seal(
                AnswersJSON.encode(result.answers), associated: SealContext(uuid: uuid, station: station.id, matter: matter.code))
        } catch {
            throw .crypto("\(error)")
        }
        let digest = sealed.digest
        let new = NewSubmission(
            uuid: uuid, station: station.id, matter: matter.code, catalogVersion: catalogVersion, channel: channel,
            createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            applicantMasked: ApplicantMask.summary(of: result.answers, form: matter.form),
            formPrint: matter.needsSignature ? .pending : .notRequired, sealedKeyID: sealed.keyID, sealed: sealed.serialized(),
            payloadDigest: digest)
        let signer = ReceiptSigner(identity: identity, stationID: station.id)
        do {
            let summary = try queue.store(new) { number in
                let record = try ReceiptRecord(
                    receiptNumber: number, matterCode: matter.code, createdAt: UInt64(new.createdAt.timeIntervalSince1970), payloadDigest: digest)
                return try signer.sign(record).qrText
            }
            return SubmittedApplication(summary: summary, answers: result.answers)
        } catch {
            throw .store(error)
        }
    }
}
