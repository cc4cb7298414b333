@preconcurrency import Crypto
import Foundation
import KioskCore
import KioskSecurity

/// Header names of the sync protocol (see docs/sync-protocol.md).
public enum SyncHeader {
    /// The station code that signed the request.
    public static let station = "X-Bianmin-Station"
    /// When the request was signed, as decimal Unix seconds.
    public static let date = "X-Bianmin-Date"
    /// A fresh random value per request (16–64 characters of A–Z, a–z, 0–9, `-`, `_`).
    public static let nonce = "X-Bianmin-Nonce"
    /// Lowercase hex SHA-256 of the body exactly as sent (after gzip, if any).
    public static let contentSHA256 = "X-Bianmin-Content-SHA256"
    /// Base64 Ed25519 signature of the station over `RequestSignature.message`.
    public static let signature = "X-Bianmin-Signature"
    /// Base64 Ed25519 signature of the center over `ResponseSignature.message`.
    public static let centerSignature = "X-Bianmin-Center-Signature"
}

/// The fields a station signs for one request.
public struct RequestSignature: Sendable, Hashable {
    /// Default allowed difference between the station's clock and the center's.
    public static let defaultMaxSkew: TimeInterval = 300

    /// HTTP method, upper case.
    public var method: String
    /// Request target: path and query exactly as sent (`/v1/stations/XH03/updates?after=…`).
    public var target: String
    /// The signing station's code.
    public var station: String
    /// Signing time, Unix seconds.
    public var date: Int64
    /// Per-request random value; the center refuses a nonce it has seen within the skew window.
    public var nonce: String
    /// Lowercase hex SHA-256 of the body as sent.
    public var contentSHA256: String

    /// A signature description from its fields.
    public init(method: String, target: String, station: String, date: Int64, nonce: String, contentSHA256: String) {
        self.method = method
        self.target = target
        self.station = station
        self.date = date
        self.nonce = nonce
        self.contentSHA256 = contentSHA256
    }

    /// The signed bytes: a domain tag and each field on its own line.
    public var message: Data {
        Data(["BIANMIN-REQUEST-1", method, target, station, String(date), nonce, contentSHA256]
            .joined(separator: "\n").utf8)
    }

    /// A fresh random nonce: 16 random bytes as lowercase hex.
    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The longest signature header accepted (an Ed25519 signature is 88 characters of base64).
    public static let longestSignature = 128

    /// The latest signing date accepted, Unix seconds (9999-12-31T23:59:59Z): later dates are malformed,
    /// so that no arithmetic on a date can overflow.
    public static let latestDate: Int64 = 253_402_300_799

    /// Parses a date header: 1–12 ASCII digits, at most `latestDate`; nil for anything else.
    public static func parseDate(_ text: String) -> Int64? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let date = Int64(text), date <= latestDate
        else { return nil }
        return date
    }

    /// Whether `digest` is a SHA-256 digest in hex (64 hex digits, either case).
    public static func isValidDigest(_ digest: String) -> Bool {
        digest.utf8.count == 64 && digest.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
        }
    }

    /// Whether `nonce` has the allowed length and characters.
    public static func isValidNonce(_ nonce: String) -> Bool {
        (16...64).contains(nonce.utf8.count) && nonce.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }
}

/// Lowercase hex of `bytes`.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Lowercase hex SHA-256 of `data`.
public func sha256Hex(_ data: some DataProtocol) -> String {
    hex(SHA256.hash(data: data))
}

/// Signs requests with a station's key.
public struct RequestSigner: Sendable {
    /// The station's signing identity.
    public let identity: StationIdentity
    /// The station's code.
    public let station: String

    /// A signer for `station`.
    public init(identity: StationIdentity, station: String) {
        self.identity = identity
        self.station = station
    }

    /// The five signature headers for a request, as (name, value) pairs.
    public func headers(
        method: String, target: String, body: Data, date: Date, nonce: String = RequestSignature.makeNonce()
    ) throws(SyncProtocolError) -> [(name: String, value: String)] {
        let fields = RequestSignature(
            method: method, target: target, station: station, date: Int64(date.timeIntervalSince1970.rounded(.down)),
            nonce: nonce, contentSHA256: sha256Hex(body))
        let signature: Data
        do {
            signature = try identity.signingKey.signature(for: fields.message)
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
        return [
            (SyncHeader.station, station), (SyncHeader.date, String(fields.date)), (SyncHeader.nonce, nonce),
            (SyncHeader.contentSHA256, fields.contentSHA256), (SyncHeader.signature, signature.base64EncodedString()),
        ]
    }
}

/// Checks a request's signature headers (the nonce's freshness is the caller's to remember).
public enum RequestAuthenticator {
    /// Verifies the headers (looked up by name, case-insensitively, through `header`) against
    /// the method, target and body as received; returns the signed fields.
    public static func verify(
        method: String, target: String, body: Data, header: (String) -> String?,
        key: Curve25519.Signing.PublicKey, now: Date, maxSkew: TimeInterval = RequestSignature.defaultMaxSkew
    ) throws(RequestAuthError) -> RequestSignature {
        let fields = try parse(method: method, target: target, header: header)
        try checkFreshness(fields, now: now, maxSkew: maxSkew)
        try checkSignature(fields, body: body, signature: header(SyncHeader.signature), key: key)
        return fields
    }

    /// Refuses fields signed more than `maxSkew` seconds from `now` (cheap: before the body is read).
    public static func checkFreshness(
        _ fields: RequestSignature, now: Date, maxSkew: TimeInterval = RequestSignature.defaultMaxSkew
    ) throws(RequestAuthError) {
        guard abs(TimeInterval(fields.date) - now.timeIntervalSince1970) <= maxSkew else {
            // Both are in range (the date was parsed up to 9999): the difference cannot overflow.
            throw .staleDate(skew: Int64(now.timeIntervalSince1970) - fields.date)
        }
    }

    /// Checks the body against the signed digest and the signature against `key`.
    public static func checkSignature(
        _ fields: RequestSignature, body: Data, signature signatureText: String?, key: Curve25519.Signing.PublicKey
    ) throws(RequestAuthError) {
        guard sha256Hex(body) == fields.contentSHA256 else { throw .bodyDigestMismatch }
        guard let signatureText, let signature = Data(base64Encoded: signatureText), key.isValidSignature(signature, for: fields.message)
        else { throw .signatureInvalid }
    }

    /// Reads the signed fields from the headers without checking them.
    public static func parse(
        method: String, target: String, header: (String) -> String?
    ) throws(RequestAuthError) -> RequestSignature {
        for name in [SyncHeader.station, SyncHeader.date, SyncHeader.nonce, SyncHeader.contentSHA256, SyncHeader.signature]
        where header(name) == nil {
            throw .missingHeader(name)
        }
        // Every value is checked for shape and range before anything uses it: no arithmetic on a
        // hostile number, no long value carried into a message.
        let station = header(SyncHeader.station)!
        guard ReceiptNumber.isValidStationCode(station) else { throw .malformedHeader(SyncHeader.station) }
        guard let date = RequestSignature.parseDate(header(SyncHeader.date)!) else { throw .malformedHeader(SyncHeader.date) }
        let nonce = header(SyncHeader.nonce)!
        guard RequestSignature.isValidNonce(nonce) else { throw .malformedHeader(SyncHeader.nonce) }
        let digest = header(SyncHeader.contentSHA256)!
        guard RequestSignature.isValidDigest(digest) else { throw .malformedHeader(SyncHeader.contentSHA256) }
        guard header(SyncHeader.signature)!.utf8.count <= RequestSignature.longestSignature else {
            throw .malformedHeader(SyncHeader.signature)
        }
        return RequestSignature(
            method: method, target: target, station: station, date: date, nonce: nonce, contentSHA256: digest.lowercased())
    }
}

/// Why a request's signature was refused; `code` is the machine-readable error of the answer.
public enum RequestAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required signature header is absent.
    case missingHeader(String)
    /// A signature header has an invalid value.
    case malformedHeader(String)
    /// The signing date is too far from the center's clock (`skew` seconds, center minus station).
    case staleDate(skew: Int64)
    /// The body does not match the signed digest (altered in transit).
    case bodyDigestMismatch
    /// The signature does not verify with the station's enrolled key.
    case signatureInvalid
    /// The nonce was already used within the skew window: a replayed request.
    case replayedNonce
    /// The station is not enrolled.
    case unknownStation(String)
    /// The station was revoked at the center.
    case revokedStation(String)
    /// The station header differs from the station in the path.
    case stationMismatch(header: String, path: String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .missingHeader: "missing_header"
        case .malformedHeader: "malformed_header"
        case .staleDate: "stale_date"
        case .bodyDigestMismatch: "body_digest_mismatch"
        case .signatureInvalid: "signature_invalid"
        case .replayedNonce: "replayed_nonce"
        case .unknownStation: "unknown_station"
        case .revokedStation: "station_revoked"
        case .stationMismatch: "station_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name): "request lacks the \(name) header"
        case .malformedHeader(let name): "request header \(name) is malformed"
        case .staleDate(let skew):
            "request date is \(abs(skew)) s \(skew > 0 ? "behind" : "ahead of") the center's clock; check the station's clock"
        case .bodyDigestMismatch: "request body does not match its signed digest (altered in transit?)"
        case .signatureInvalid: "request signature does not verify with the station's enrolled key"
        case .replayedNonce: "request nonce was already used: replayed request"
        case .unknownStation(let station): "station \(station) is not enrolled at this center"
        case .revokedStation(let station): "station \(station) was revoked at this center; ask the center to enrol it again"
        case .stationMismatch(let header, let path):
            "request is signed by station \(header) but addressed to station \(path)"
        }
    }
}

/// Errors of building or reading protocol messages.
public enum SyncProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The crypto library refused to sign.
    case cryptoFailure(String)
    /// A response lacks the center's signature, or it does not verify: not an acknowledgement.
    case responseNotSigned
    /// A response's center signature does not verify.
    case responseSignatureInvalid
    /// A catalog bundle's signature does not verify.
    case catalogSignatureInvalid
    /// A catalog bundle holds a file name that is not allowed.
    case catalogBadPath(String)
    /// A message is not valid JSON of the expected shape.
    case malformed(String)

    public var description: String {
        switch self {
        case .cryptoFailure(let detail): "signing failed: \(detail)"
        case .responseNotSigned: "the answer carries no center signature (a proxy or captive portal?); not counted as delivered"
        case .responseSignatureInvalid: "the answer's center signature does not verify; not counted as delivered"
        case .catalogSignatureInvalid: "the catalog bundle's signature does not verify with the center's key"
        case .catalogBadPath(let path): "the catalog bundle holds a file with a disallowed name: \(path)"
        case .malformed(let detail): "malformed message: \(detail)"
        }
    }
}
