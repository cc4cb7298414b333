@preconcurrency import Crypto
import Foundation

/// The secret a one-time enrolment token gives both sides. The token itself never crosses the wire:
/// the station proves it knows the token with an HMAC over its code, its key and the request's nonce,
/// and the center answers with an HMAC over the same and its own keys (docs/sync-protocol.md).
public struct EnrolmentSecret: Sendable {
    private let key: SymmetricKey

    /// The SHA-256 of a token with case, dashes and spaces ignored: what the center stores.
    public static func tokenHash(_ token: String) -> Data {
        let normalized = token.uppercased().filter { $0 != "-" && $0 != " " }
        return Data(SHA256.hash(data: Data(normalized.utf8)))
    }

    /// The secret of a token as typed.
    public init(token: String) {
        self.init(tokenHash: Self.tokenHash(token))
    }

    /// The secret of a stored token hash.
    public init(tokenHash: Data) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: tokenHash), info: Data("BIANMIN-ENROL-1".utf8), outputByteCount: 32)
    }

    /// The station's proof (base64) for an enrolment of `station` with `publicKey` (base64) in the request with `nonce`.
    public func stationProof(station: String, publicKey: String, nonce: String) -> String {
        mac(["BIANMIN-ENROL-STATION-1", station, publicKey, nonce])
    }

    /// The center's proof (base64) that it holds the token and means these keys for this request.
    public func centerProof(station: String, publicKey: String, nonce: String, answer: EnrollResponse) -> String {
        mac(["BIANMIN-ENROL-CENTER-1", station, publicKey, nonce, answer.centerPublicKey, answer.keyID, answer.centerSigningKey])
    }

    /// Whether `proof` equals `expected`, compared in constant time.
    public static func matches(_ proof: String, _ expected: String) -> Bool {
        guard let given = Data(base64Encoded: proof), let wanted = Data(base64Encoded: expected), given.count == wanted.count
        else { return false }
        return zip(given, wanted).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func mac(_ fields: [String]) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(fields.joined(separator: "\n").utf8), using: key)).base64EncodedString()
    }
}
