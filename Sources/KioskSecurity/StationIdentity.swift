@preconcurrency import Crypto
import Foundation
import KioskCore

/// A station's Ed25519 signing key, kept in a private key file.
public struct StationIdentity: Sendable {
    /// The signing key.
    public let signingKey: Curve25519.Signing.PrivateKey

    /// Wraps an existing key (tests and key generation).
    public init(signingKey: Curve25519.Signing.PrivateKey) {
        self.signingKey = signingKey
    }

    /// Generates a key and writes it to a new file at `path` (mode 0600, atomic); refuses to
    /// overwrite an existing file.
    public static func create(at path: String) throws(KeyFileError) -> StationIdentity {
        let identity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
        try KeyFile.create(at: path, bytes: identity.signingKey.rawRepresentation, mode: KeyFile.privateMode)
        return identity
    }

    /// Loads the key at `path`; refuses a file accessible by group or others.
    public static func load(from path: String) throws(KeyFileError) -> StationIdentity {
        let raw = try KeyFile.read(from: path, requirePrivate: true)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .malformed(path: path, reason: "not a 32-byte Ed25519 private key")
        }
        return StationIdentity(signingKey: key)
    }

    /// The public key, for enrolment and verification.
    public var publicKey: Curve25519.Signing.PublicKey { signingKey.publicKey }

    /// The raw public key as base64.
    public var publicKeyBase64: String { publicKey.rawRepresentation.base64EncodedString() }

    /// A short, readable fingerprint of the public key to compare by eye.
    public var fingerprint: String { Fingerprint.of(publicKey.rawRepresentation) }
}

/// A station's public key paired with the station it belongs to.
public struct StationPublicKey: Sendable {
    /// The station code the key belongs to.
    public let stationID: String
    /// The Ed25519 public key.
    public let key: Curve25519.Signing.PublicKey

    /// Pairs a key with its station.
    public init(stationID: String, key: Curve25519.Signing.PublicKey) {
        self.stationID = stationID
        self.key = key
    }

    /// Pairs a base64 raw public key (as printed by `kiosk init`) with its station; nil if the
    /// text is not an Ed25519 public key.
    public init?(stationID: String, base64: String) {
        guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return nil }
        self.init(stationID: stationID, key: key)
    }

    /// The same fingerprint `StationIdentity` shows.
    public var fingerprint: String { Fingerprint.of(key.rawRepresentation) }
}

/// Fingerprints and key ids derived from raw public keys.
enum Fingerprint {
    /// SHA-256 of `raw`, first 16 bytes as hex in groups of two bytes: `ab12-cd34-…`.
    static func of(_ raw: Data) -> String {
        let digest = Array(SHA256.hash(data: raw).prefix(16))
        return stride(from: 0, to: digest.count, by: 2)
            .map { hex(digest[$0..<$0 + 2]) }
            .joined(separator: "-")
    }

    /// Lowercase hex of the first 8 bytes of SHA-256 of `raw`.
    static func keyID(_ raw: Data) -> String {
        hex(SHA256.hash(data: raw).prefix(8))
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
