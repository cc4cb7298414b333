// Over 300 lines in one file: sealing and opening are the two halves of one format.

@preconcurrency import Crypto
import Foundation
import Synchronization
import KioskCore

/// The town center's X25519 public key, to which submissions are sealed.
public struct CenterPublicKey: Sendable, Equatable {
    /// The X25519 key.
    public let key: Curve25519.KeyAgreement.PublicKey

    /// Wraps a key.
    public init(key: Curve25519.KeyAgreement.PublicKey) {
        self.key = key
    }

    /// Reads a base64 raw X25519 public key; nil if it is not one.
    public init?(base64: String) {
        guard let raw = Data(base64Encoded: base64), let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
        else { return nil }
        self.init(key: key)
    }

    /// Reads a public key file (base64 of the 32 raw bytes).
    public static func load(from path: String) throws(KeyFileError) -> CenterPublicKey {
        let raw = try KeyFile.read(from: path, requirePrivate: false)
        guard let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw .malformed(path: path, reason: "not a 32-byte X25519 public key")
        }
        return CenterPublicKey(key: key)
    }

    /// Writes the key to a new file at `path` (mode 0644); refuses to overwrite.
    public func write(to path: String) throws(KeyFileError) {
        try KeyFile.create(at: path, bytes: key.rawRepresentation, mode: KeyFile.publicMode)
    }

    /// Lowercase hex of the first 8 bytes of SHA-256 of the raw key; names the key in sealed
    /// payloads so the center can rotate keys.
    public var keyID: String { Fingerprint.keyID(key.rawRepresentation) }

    /// The raw key as base64.
    public var base64: String { key.rawRepresentation.base64EncodedString() }

    public static func == (lhs: CenterPublicKey, rhs: CenterPublicKey) -> Bool {
        lhs.key.rawRepresentation == rhs.key.rawRepresentation
    }
}

/// The town center's X25519 key pair, which opens sealed payloads.
public struct CenterKeyPair: Sendable {
    /// The X25519 private key.
    public let privateKey: Curve25519.KeyAgreement.PrivateKey
    /// The public half.
    public let publicKey: CenterPublicKey
    /// The public key's id.
    public let keyID: String

    /// Wraps a key; the public half and its id are derived once here, not at every payload opened.
    public init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
        publicKey = CenterPublicKey(key: privateKey.publicKey)
        keyID = publicKey.keyID
    }

    /// Generates a key pair in memory.
    public static func generate() -> CenterKeyPair {
        CenterKeyPair(privateKey: Curve25519.KeyAgreement.PrivateKey())
    }

    /// Generates a key pair and writes the private key (mode 0600) and public key (0644) to new
    /// files; refuses to overwrite either.
    public static func create(privateKeyPath: String, publicKeyPath: String) throws(KeyFileError) -> CenterKeyPair {
        let pair = generate()
        try pair.write(privateKeyTo: privateKeyPath, publicKeyTo: publicKeyPath)
        return pair
    }

    /// Writes the private key (mode 0600) and the public key (0644) to new files; refuses to overwrite either.
    public func write(privateKeyTo privateKeyPath: String, publicKeyTo publicKeyPath: String) throws(KeyFileError) {
        try KeyFile.create(at: privateKeyPath, bytes: privateKey.rawRepresentation, mode: KeyFile.privateMode)
        try publicKey.write(to: publicKeyPath)
    }

    /// Loads a private key file; refuses a file accessible by group or others unless `requirePrivate`
    /// is false (only for the published demo key).
    public static func load(from path: String, requirePrivate: Bool = true) throws(KeyFileError) -> CenterKeyPair {
        let raw = try KeyFile.read(from: path, requirePrivate: requirePrivate)
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) else {
            throw .malformed(path: path, reason: "not a 32-byte X25519 private key")
        }
        return CenterKeyPair(privateKey: key)
    }
}

/// What a sealed payload is bound to (HPKE associated data): opening it under any other
/// context fails.
public struct SealContext: Sendable, Hashable {
    /// The submission's UUID.
    public let uuid: UUID
    /// The accepting station's code.
    public let station: String
    /// The matter's code.
    public let matter: String

    /// A context for one submission.
    public init(uuid: UUID, station: String, matter: String) {
        self.uuid = uuid
        self.station = station
        self.matter = matter
    }

    /// The associated data: the UUID's 16 bytes, then station and matter, length-prefixed.
    var associatedData: [UInt8] {
        var writer = BinaryWriter()
        withUnsafeBytes(of: uuid.uuid) { writer.write(raw: $0) }
        writer.write(lengthPrefixed: Array(station.utf8), as: UInt32.self)
        writer.write(lengthPrefixed: Array(matter.utf8), as: UInt32.self)
        return writer.bytes
    }
}

/// A payload sealed with HPKE (base mode, X25519 / HKDF-SHA256 / ChaCha20-Poly1305).
public struct SealedPayload: Sendable, Hashable {
    /// Format version of `serialized()`.
    static let formatVersion: UInt8 = 1

    /// Id of the center key the payload was sealed to.
    public let keyID: String
    /// The HPKE encapsulated key.
    public let encapsulatedKey: Data
    /// The ciphertext, with its authentication tag.
    public let ciphertext: Data

    /// Assembles a sealed payload from its parts.
    public init(keyID: String, encapsulatedKey: Data, ciphertext: Data) {
        self.keyID = keyID
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    /// Stable binary form: version byte, key id (1-byte length + ASCII), encapsulated key
    /// (2-byte length), ciphertext (4-byte length); lengths big-endian.
    public func serialized() -> Data {
        var writer = BinaryWriter()
        writer.write(Self.formatVersion)
        writer.write(lengthPrefixed: Array(keyID.utf8), as: UInt8.self)
        writer.write(lengthPrefixed: encapsulatedKey, as: UInt16.self)
        writer.write(lengthPrefixed: ciphertext, as: UInt32.self)
        return Data(writer.bytes)
    }

    /// Parses `serialized()` output.
    public init(serialized data: Data) throws(SealError) {
        var reader = BinaryReader(data)
        do {
            let version = try reader.readByte()
            guard version == Self.formatVersion else { throw SealError.malformed("unknown format version \(version)") }
            let keyID = try reader.readLengthPrefixed(as: UInt8.self)
            guard keyID.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw SealError.malformed("key id is not ASCII") }
            let encapsulatedKey = try reader.readLengthPrefixed(as: UInt16.self)
            let ciphertext = try reader.readLengthPrefixed(as: UInt32.self)
            guard reader.remaining == 0 else { throw SealError.malformed("\(reader.remaining) trailing bytes") }
            self.init(
                keyID: String(decoding: keyID, as: UTF8.self), encapsulatedKey: Data(encapsulatedKey),
                ciphertext: Data(ciphertext))
        } catch let error as SealError {
            throw error
        } catch {
            throw .malformed("truncated")
        }
    }

    /// SHA-256 of `serialized()`; the receipt record signs it.
    public var digest: [UInt8] { Self.digest(ofSerialized: serialized()) }

    /// The digest of a payload from its serialized bytes, as received (no need to rebuild them).
    public static func digest(ofSerialized bytes: Data) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}

/// HPKE ciphersuite and info string shared by sealer and opener.
private enum SealingSuite {
    static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    static let info = Data("bianmin sealed payload v1".utf8)
}

/// Seals submission payloads to the town center's key.
public enum PayloadSealer {
    /// Seals `plaintext` to `center`, bound to `associated`.
    public static func seal(
        _ plaintext: Data, to center: CenterPublicKey, associated: SealContext
    ) throws(SealError) -> SealedPayload {
        try SealingContext(to: center).seal(plaintext, associated: associated)
    }
}

/// One HPKE sender context with its key agreement done (a fresh ephemeral key), good for
/// sealing exactly one payload.
///
/// Not copyable, so it cannot seal twice. `@unchecked Sendable`: `HPKE.Sender` is a value type
/// that the crypto library does not mark `Sendable`; a context is only ever handed over whole.
public struct SealingContext: ~Copyable, @unchecked Sendable {
    private let keyID: String
    private var sender: HPKE.Sender

    /// Generates an ephemeral key and agrees a key with `center` (the costly part of sealing).
    public init(to center: CenterPublicKey) throws(SealError) {
        do {
            sender = try HPKE.Sender(recipientKey: center.key, ciphersuite: SealingSuite.ciphersuite, info: SealingSuite.info)
        } catch {
            throw .sealFailed(String(describing: error))
        }
        keyID = center.keyID
    }

    /// Seals `plaintext` bound to `associated`, using up the context.
    public consuming func seal(_ plaintext: Data, associated: SealContext) throws(SealError) -> SealedPayload {
        do {
            let ciphertext = try sender.seal(plaintext, authenticating: associated.associatedData)
            return SealedPayload(keyID: keyID, encapsulatedKey: sender.encapsulatedKey, ciphertext: ciphertext)
        } catch {
            throw .sealFailed(String(describing: error))
        }
    }
}

/// Seals to one center key, keeping the next sealing context prepared in the background, so a
/// submission waits only for the symmetric encryption; the key agreement happens while the
/// resident is still answering, or while the previous submission waits for the disk.
public final class PreparedSealer: Sendable {
    /// The key payloads are sealed to.
    public let center: CenterPublicKey
    private let prepared = Mutex<SealingContext?>(nil)

    /// A sealer for `center`; starts preparing the first context at once.
    public init(center: CenterPublicKey) {
        self.center = center
        prepareNext()
    }

    private static let preparing = DispatchQueue(label: "bianmin.sealing.prepare")

    /// Seals `plaintext` bound to `associated` with the prepared context (or a new one if none is
    /// ready), then prepares the next; no context is ever used twice.
    public func seal(_ plaintext: Data, associated: SealContext) throws(SealError) -> SealedPayload {
        defer { prepareNext() }
        if let ready = prepared.withLock({ $0.take() }) {
            return try ready.seal(plaintext, associated: associated)
        }
        return try SealingContext(to: center).seal(plaintext, associated: associated)
    }

    /// Prepares the next context on a serial queue of its own (a global queue would take a thread
    /// of Swift's cooperative pool on Linux).
    private func prepareNext() {
        Self.preparing.async { [self] in
            guard prepared.withLock({ $0 == nil }) else { return }
            var context = try? SealingContext(to: center)
            prepared.withLock { slot in
                if slot == nil { slot = context.take() }
            }
        }
    }
}

/// Opens sealed payloads with the town center's key pair.
public enum PayloadOpener {
    /// Opens `sealed`; fails unless `keyPair` is the key it was sealed to and `associated` is
    /// the context it was sealed with.
    public static func open(
        _ sealed: SealedPayload, with keyPair: CenterKeyPair, associated: SealContext
    ) throws(SealError) -> Data {
        guard sealed.keyID == keyPair.keyID else {
            throw .keyMismatch(sealedTo: sealed.keyID, available: keyPair.keyID)
        }
        do {
            var recipient = try HPKE.Recipient(
                privateKey: keyPair.privateKey, ciphersuite: SealingSuite.ciphersuite, info: SealingSuite.info,
                encapsulatedKey: sealed.encapsulatedKey)
            return try recipient.open(sealed.ciphertext, authenticating: associated.associatedData)
        } catch {
            throw .authenticationFailed
        }
    }
}

/// Why a payload could not be sealed or opened.
public enum SealError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The crypto library refused to seal.
    case sealFailed(String)
    /// The payload was sealed to another center key.
    case keyMismatch(sealedTo: String, available: String)
    /// Decryption failed: wrong context (UUID, station, matter), wrong key, or altered bytes.
    case authenticationFailed
    /// The serialized form is invalid.
    case malformed(String)

    public var description: String {
        switch self {
        case .sealFailed(let detail): "sealing the payload failed: \(detail)"
        case .keyMismatch(let sealedTo, let available):
            "payload was sealed to center key \(sealedTo), but the key at hand is \(available)"
        case .authenticationFailed:
            "payload could not be opened: it does not belong to this submission, or it was altered"
        case .malformed(let detail): "sealed payload is malformed: \(detail)"
        }
    }
}
