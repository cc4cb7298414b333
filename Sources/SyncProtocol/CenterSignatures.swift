@preconcurrency import Crypto
import Foundation

/// What the center signs on an answer that counts as an acknowledgement.
public enum ResponseSignature {
    /// The signed bytes: a domain tag, the HTTP status, the request's nonce and the body's
    /// SHA-256, so an answer verifies only for the request it answers.
    public static func message(status: Int, requestNonce: String, body: Data) -> Data {
        Data(["BIANMIN-RESPONSE-1", String(status), requestNonce, sha256Hex(body)].joined(separator: "\n").utf8)
    }
}

/// The town center's Ed25519 key, which signs acknowledgements, decisions and catalogs.
public struct CenterSigner: Sendable {
    /// The private key.
    public let key: Curve25519.Signing.PrivateKey

    /// Wraps a key.
    public init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// The public half, which stations receive at enrolment.
    public var verifier: CenterVerifier { CenterVerifier(key: key.publicKey) }

    /// Base64 signature of `data`.
    public func sign(_ data: Data) throws(SyncProtocolError) -> String {
        do {
            return try key.signature(for: data).base64EncodedString()
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
    }

    /// The `X-Bianmin-Center-Signature` value for an answer to the request with `requestNonce`.
    public func signResponse(status: Int, requestNonce: String, body: Data) throws(SyncProtocolError) -> String {
        try sign(ResponseSignature.message(status: status, requestNonce: requestNonce, body: body))
    }
}

/// The town center's Ed25519 public key, as a station knows it after enrolment.
public struct CenterVerifier: Sendable {
    /// The public key.
    public let key: Curve25519.Signing.PublicKey

    /// Wraps a key.
    public init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// Reads a base64 raw public key; nil if it is not an Ed25519 public key.
    public init?(base64: String) {
        guard let raw = Data(base64Encoded: base64), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return nil }
        self.init(key: key)
    }

    /// The raw key as base64.
    public var base64: String { key.rawRepresentation.base64EncodedString() }

    /// Whether `signature` (base64) signs `data`.
    public func isValid(signature: String?, for data: Data) -> Bool {
        guard let signature, let raw = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(raw, for: data)
    }

    /// Checks an answer's center signature against the request it answers; only then may
    /// the answer count as an acknowledgement.
    public func verifyResponse(
        status: Int, requestNonce: String, body: Data, signature: String?
    ) throws(SyncProtocolError) {
        guard let signature else { throw .responseNotSigned }
        guard isValid(signature: signature, for: ResponseSignature.message(status: status, requestNonce: requestNonce, body: body))
        else { throw .responseSignatureInvalid }
    }
}
