import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol

/// Why a town-center operation failed; descriptions name what to do next.
public enum CenterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data directory has no center (run `towncenter init`).
    case notInitialized(path: String)
    /// `init` found an existing center.
    case alreadyInitialized(path: String)
    /// A file or directory operation failed.
    case io(path: String, detail: String)
    /// A key file problem.
    case key(KeyFileError)
    /// No keys directory at `path`.
    case keysMissing(path: String)
    /// The keys directory can be entered by group or others (`mode` is its permission bits).
    case keysDirectoryOpen(path: String, mode: UInt16)
    /// A stored payload is sealed to a key this center does not hold (`keyID`).
    case unknownAgreementKey(String)
    /// The keys are still in the data directory, where copies of the data would take them along.
    case keysInDataDirectory(data: String, keys: String)
    /// The catalog to publish is invalid.
    case catalog(String)
    /// A catalog version is already published with different content.
    case catalogVersionReused(String)
    /// SQLite failed.
    case database(String)
    /// No submission has this receipt number.
    case unknownReceipt(String)
    /// The submission's decision is final.
    case decisionFinal(receipt: String, state: DecisionState)
    /// A decision lacks its reason or missing-material text.
    case decisionNeedsReason(DecisionState)
    /// The station code is not valid.
    case invalidStation(String)
    /// An enrolment token was refused.
    case enrolment(EnrolmentRefusal)
    /// A request's signature was refused.
    case auth(RequestAuthError)
    /// The sealed answers could not be opened.
    case seal(SealError)
    /// A protocol message could not be built or read.
    case protocolError(SyncProtocolError)
    /// A USB bundle was refused (foreign, altered, truncated, unknown version).
    case bundleRefused(path: String, BundleError)
    /// The station is not enrolled here.
    case unknownStation(String)
    /// The station was revoked (`towncenter station revoke`).
    case stationRevoked(String)
    /// No enabled staff account has this id.
    case unknownStaff(String)
    /// The workflow refused an action on the case with `receipt`.
    case workflow(receipt: String, WorkflowError)
    /// The case moved on through the workflow; the four-state decision no longer applies to it.
    case followsWorkflow(receipt: String)
    /// The code is the receipt series of the center's own window, so no station may take it.
    case windowSeries(String)

    public var description: String {
        switch self {
        case .notInitialized(let path): "no town center in \(path); run `towncenter init --data \(path)` first"
        case .alreadyInitialized(let path): "a town center already exists in \(path); refusing to overwrite it"
        case .unknownAgreementKey(let keyID):
            "the payload is sealed to key \(keyID), which is in neither the keys directory nor its retired/ folder"
        case .keysMissing(let path): "no keys directory at \(path); pass the center's keys directory with --keys"
        case .keysDirectoryOpen(let path, let mode):
            "the keys directory \(path) has mode \(String(mode, radix: 8)) and can be entered by others; run `chmod 700 \(path)`"
        case .keysInDataDirectory(let data, let keys):
            "the center's keys are in its data directory \(data), where every copy of the data takes them along; move them: "
                + "`mkdir -m 700 \(keys) && mv \(data)/center-*.key \(data)/center-x25519.pub \(keys)/`"
        case .io(let path, let detail): "\(path): \(detail)"
        case .key(let error): error.description
        case .catalog(let detail): "the catalog cannot be published:\n\(detail)"
        case .catalogVersionReused(let version):
            "catalog version \(version) is already published with different content; raise `version` in catalog.yaml"
        case .database(let detail): "database error: \(detail)"
        case .unknownReceipt(let receipt): "no submission with receipt number \(receipt)"
        case .decisionFinal(let receipt, let state): "submission \(receipt) is already \(state.rawValue); its decision is final"
        case .decisionNeedsReason(let state):
            state == .rejected ? "a rejection needs a reason" : "say which material is missing"
        case .invalidStation(let station): "'\(station)' is not a valid station code"
        case .enrolment(let refusal): refusal.description
        case .auth(let error): error.description
        case .seal(let error): error.description
        case .protocolError(let error): error.description
        case .bundleRefused(let path, let error): "\(path): refused: \(error.description)"
        case .unknownStation(let station): "station \(station) is not enrolled at this center; enrol it first (`towncenter station enroll`)"
        case .stationRevoked(let station): "station \(station) was revoked at this center; enrol it again with a new token to accept its deliveries"
        case .unknownStaff(let id): "no enabled staff account \(id); add one with `towncenter staff add`"
        case .workflow(let receipt, let error): "\(receipt): \(error.description)"
        case .followsWorkflow(let receipt):
            "\(receipt) follows the case workflow; use `towncenter submissions accept|refuse|supplement|…` instead"
        case .windowSeries(let station): "\(station) is the receipt series of this center's window; give the station another code"
        }
    }
}

/// Why an enrolment was refused.
public enum EnrolmentRefusal: String, Error, Sendable, Hashable {
    /// No token of this center yields the station's proof (wrong token, or none issued).
    case tokenUnknown = "token_unknown"
    /// The token was issued for another station.
    case tokenForOtherStation = "token_station_mismatch"
    /// The token was already used.
    case tokenUsed = "token_used"
    /// The token expired.
    case tokenExpired = "token_expired"
    /// The public key is not an Ed25519 key.
    case badPublicKey = "bad_public_key"

    public var description: String {
        switch self {
        case .tokenUnknown: "no enrolment token of this center matches the station's proof; check the token, or ask the center for a new one"
        case .tokenForOtherStation: "enrolment token was issued for another station; check station.id in kiosk.yaml"
        case .tokenUsed: "enrolment token was already used; ask the center for a new one"
        case .tokenExpired: "enrolment token has expired; ask the center for a new one"
        case .badPublicKey: "the station's public key is not an Ed25519 key"
        }
    }
}
