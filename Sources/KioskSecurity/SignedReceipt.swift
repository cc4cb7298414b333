import Crypto
import Foundation
import KioskCore

/// A receipt record with the accepting station's Ed25519 signature over its encoded bytes.
public struct SignedReceipt: Sendable, Hashable {
    /// Prefix of the QR text; the digit is the record format version.
    public static let qrPrefix = ReceiptQRText.prefix
    /// Length of an Ed25519 signature.
    public static let signatureLength = ReceiptQRText.signatureLength
    /// Longest QR text that fits a version 10-M symbol in alphanumeric mode.
    public static let maxQRTextLength = 311

    /// The signed content.
    public let record: ReceiptRecord
    /// Ed25519 signature over `record.encoded()`.
    public let signature: Data

    /// Pairs a record with its signature (verify before trusting it).
    public init(record: ReceiptRecord, signature: Data) {
        self.record = record
        self.signature = signature
    }

    /// The QR text: `BM1:` + Base45(record bytes + signature), all in the QR alphanumeric set.
    public var qrText: String {
        Self.qrPrefix + Base45.encode(record.encoded() + Array(signature))
    }

    /// Parses QR text (does not verify the signature).
    public init(qrText: String) throws(ReceiptVerificationError) {
        do {
            let parsed = try ReceiptQRText(qrText)
            self.init(record: parsed.record, signature: Data(parsed.signature))
        } catch {
            switch error {
            case .notBianminReceipt: throw .notBianminReceipt
            case .unknownVersion(let version): throw .unknownVersion(version)
            case .damaged(let detail): throw .damaged(detail)
            }
        }
    }

    /// Checks the signature and that `key` belongs to the record's station; returns the record.
    @discardableResult
    public func verify(with key: StationPublicKey) throws(ReceiptVerificationError) -> ReceiptRecord {
        guard record.stationID == key.stationID else {
            throw .foreign(recordStation: record.stationID, keyStation: key.stationID)
        }
        guard key.key.isValidSignature(signature, for: record.encoded()) else { throw .signatureInvalid }
        return record
    }
}

/// Signs receipt records with a station's identity.
public struct ReceiptSigner: Sendable {
    /// The station's signing identity.
    public let identity: StationIdentity
    /// The station code this identity signs for.
    public let stationID: String

    /// A signer for `stationID` using `identity`'s key.
    public init(identity: StationIdentity, stationID: String) {
        self.identity = identity
        self.stationID = stationID
    }

    /// Signs `record`; refuses a record naming another station.
    public func sign(_ record: ReceiptRecord) throws(ReceiptSigningError) -> SignedReceipt {
        guard record.stationID == stationID else {
            throw .wrongStation(recordStation: record.stationID, signerStation: stationID)
        }
        do {
            return SignedReceipt(record: record, signature: try identity.signingKey.signature(for: record.encoded()))
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
    }
}

/// Why a receipt record could not be signed.
public enum ReceiptSigningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record names a station other than the signer's.
    case wrongStation(recordStation: String, signerStation: String)
    /// The crypto library refused to sign.
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .wrongStation(let record, let signer):
            "cannot sign a receipt for station \(record) with the key of station \(signer)"
        case .cryptoFailure(let detail): "signing the receipt failed: \(detail)"
        }
    }
}

/// Verifies receipts against the known station keys (the town center's registry, or a kiosk's
/// own key).
public struct ReceiptVerifier: Sendable {
    private let keys: [String: StationPublicKey]

    /// A verifier trusting `keys` (one per station).
    public init(trusting keys: [StationPublicKey]) {
        self.keys = Dictionary(keys.map { ($0.stationID, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Parses and verifies QR text; returns the record it vouches for.
    public func verify(qrText: String) throws(ReceiptVerificationError) -> ReceiptRecord {
        let receipt = try SignedReceipt(qrText: qrText)
        guard let key = keys[receipt.record.stationID] else {
            throw .unknownStation(receipt.record.stationID)
        }
        return try receipt.verify(with: key)
    }
}

/// Why a receipt was refused; descriptions read in Chinese and English.
public enum ReceiptVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a Bianmin receipt (wrong prefix).
    case notBianminReceipt
    /// A Bianmin receipt in a format version this program does not know.
    case unknownVersion(UInt8)
    /// The text is damaged (bad Base45, truncated or an invalid field).
    case damaged(String)
    /// The signature does not match: the receipt was altered or forged.
    case signatureInvalid
    /// The receipt names a station other than the one the key belongs to.
    case foreign(recordStation: String, keyStation: String)
    /// No key is known for the receipt's station.
    case unknownStation(String)

    /// Short Chinese message, saying what to do next.
    public var chinese: String {
        switch self {
        case .notBianminReceipt: "这不是便民服务回执的二维码。"
        case .unknownVersion: "回执版本无法识别，请到镇便民服务中心核验。"
        case .damaged: "回执二维码已损坏，无法读取，请到镇便民服务中心核验。"
        case .signatureInvalid: "回执签名不符，内容可能被篡改，请到镇便民服务中心核验。"
        case .foreign(let record, let key): "此回执由其他站点（\(record)）签发，不是本站点（\(key)）的回执。"
        case .unknownStation(let station): "未登记的站点（\(station)）签发的回执，请到镇便民服务中心核验。"
        }
    }

    /// Precise English message.
    public var english: String {
        switch self {
        case .notBianminReceipt: "not a Bianmin receipt (missing BM prefix)"
        case .unknownVersion(let version): "unknown receipt format version \(version)"
        case .damaged(let detail): "receipt is damaged: \(detail)"
        case .signatureInvalid: "signature invalid: the receipt was tampered with or forged"
        case .foreign(let record, let key):
            "receipt names station \(record) but the key belongs to station \(key)"
        case .unknownStation(let station): "no key known for station \(station)"
        }
    }

    public var description: String { "\(chinese) (\(english))" }
}
