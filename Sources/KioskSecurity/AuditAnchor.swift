@preconcurrency import Crypto
import FileSystem
import Foundation
import KioskCore
import Synchronization

/// An audit trail's length and last hash at a moment, signed by the trail's owner (a station or the center).
public struct AuditHead: Codable, Sendable, Hashable {
    /// How many entries the trail had.
    public var count: Int64
    /// The last entry's hash (32 bytes); empty when `count` is 0.
    public var head: Data
    /// When it was signed, Unix seconds.
    public var at: Int64
    /// Ed25519 signature over `signedBytes`.
    public var signature: Data

    /// A head from its fields, as stored or received (check it with `isValid(signedBy:)`).
    public init(count: Int64, head: Data, at: Int64, signature: Data) {
        self.count = count
        self.head = head
        self.at = at
        self.signature = signature
    }

    /// Signs `count` and `head` at `at` with `key`.
    public static func sign(count: Int64, head: Data, at: Int64, with key: Curve25519.Signing.PrivateKey) throws -> AuditHead {
        var signed = AuditHead(count: count, head: head, at: at, signature: Data())
        signed.signature = try key.signature(for: signed.signedBytes)
        return signed
    }

    /// The bytes the signature covers.
    var signedBytes: Data {
        Data("bianmin-audit-head-v1\u{1F}\(count)\u{1F}\(Fingerprint.hex(head))\u{1F}\(at)".utf8)
    }

    /// Whether the fields are in range (a count of at least 0, a 32-byte head unless empty) and `key` signed them.
    public func isValid(signedBy key: Curve25519.Signing.PublicKey) -> Bool {
        count >= 0 && head.count == (count == 0 ? 0 : 32) && key.isValidSignature(signature, for: signedBytes)
    }
}

/// Why an audit anchor file could not be read or written.
public enum AuditAnchorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but is not a signed head.
    case unreadable(path: String, reason: String)
    /// Writing it failed.
    case write(DurableFile.Failure)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "audit anchor \(path) is unreadable: \(reason)"
        case .write(let failure): "audit anchor: \(failure)"
        }
    }
}

/// The anchor file's bytes an `AuditAnchor` last wrote or checked, shared by its copies.
private final class CheckedHead: Sendable {
    let last = Mutex<(bytes: Data, head: AuditHead)?>(nil)
}

/// The signed head of an audit trail, kept in a file outside its database: deleting or rewriting
/// rows does not reach it, and the owner's key is needed to sign a new one.
public struct AuditAnchor: Sendable {
    /// The anchor file.
    public let path: String
    /// The owner's signing key.
    public let key: Curve25519.Signing.PrivateKey
    /// The time the signed heads carry.
    public let clock: any WallClock
    /// The file's bytes as this anchor last wrote or checked them, with their head: while the file
    /// holds the same bytes, `advance` needs no second signature check.
    private let checked = CheckedHead()

    /// The anchor at `path`, signed with `key`.
    public init(path: String, key: Curve25519.Signing.PrivateKey, clock: any WallClock = SystemClock()) {
        self.path = path
        self.key = key
        self.clock = clock
    }

    /// The signed head in the file; nil when there is no file.
    public func read() throws(AuditAnchorError) -> AuditHead? {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard !FileManager.default.fileExists(atPath: path) else { throw .unreadable(path: path, reason: "cannot be read") }
            return nil
        }
        return try decode(data)
    }

    private func decode(_ data: Data) throws(AuditAnchorError) -> AuditHead {
        do {
            return try JSONDecoder().decode(AuditHead.self, from: data)
        } catch {
            throw .unreadable(path: path, reason: "not a signed audit head")
        }
    }

    /// Signs `count` and `head` now; the file is replaced atomically and made durable.
    public func write(count: Int64, head: Data) throws(AuditAnchorError) {
        try write(count: count, head: head, sync: true)
    }

    /// Moves the anchor forward to the trail's current `count` and `head`, only if the trail still
    /// holds the anchored head at its place (`hash(at:)` gives the hash of the entry with a sequence
    /// number): a trail cut short or rewritten keeps the anchor that shows it. A missing or invalid
    /// anchor is left as it is too. The file is replaced atomically but not synced, so that an
    /// append costs no extra disk flush; after a power cut it may hold an older head, which the
    /// trail still extends, and the next append moves it on.
    public func advance(count: Int64, head: Data, hash: (_ at: Int64) throws -> Data?) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else { return }
        let anchored: AuditHead
        if let known = checked.last.withLock({ $0?.bytes == bytes ? $0?.head : nil }) {
            anchored = known
        } else {
            guard let read = try? decode(bytes), read.isValid(signedBy: key.publicKey) else { return }
            checked.last.withLock { $0 = (bytes, read) }
            anchored = read
        }
        guard anchored.count < count else { return }
        if anchored.count > 0 {
            guard try hash(anchored.count) == anchored.head else { return }
        }
        try write(count: count, head: head, sync: false)
    }

    private func write(count: Int64, head: Data, sync: Bool) throws(AuditAnchorError) {
        let at = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        let signed: AuditHead
        let bytes: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            signed = try AuditHead.sign(count: count, head: head, at: at, with: key)
            bytes = try encoder.encode(signed)
        } catch {
            throw .unreadable(path: path, reason: "cannot sign: \(error)")
        }
        do {
            try DurableFile.write(bytes, to: path, mode: 0o600, sync: sync)
        } catch {
            throw .write(error)
        }
        checked.last.withLock { $0 = (bytes, signed) }
    }

    /// Checks `entries` (the trail in stored order) for broken links, then against `anchored`, the
    /// signed head as `read()` returned it. Read the head before the entries: an entry appended in
    /// between then only extends it.
    public func verify(_ entries: [ChainEntry], against anchored: Result<AuditHead?, AuditAnchorError>) -> ChainVerdict {
        let links = HashChain.verify(entries)
        guard case .intact(let count, _) = links else { return links }
        let head: AuditHead
        switch anchored {
        case .success(let read?): head = read
        case .success(nil): return .anchor(.missing(count: count))
        case .failure(let error): return .anchor(.unreadable(error.description))
        }
        guard head.isValid(signedBy: key.publicKey) else { return .anchor(.badSignature) }
        guard Int64(count) >= head.count else { return .anchor(.cutShort(count: count, anchored: head.count)) }
        if head.count > 0, entries[Int(head.count) - 1].hash != head.head {
            return .anchor(.rewritten(sequence: head.count))
        }
        return links
    }
}
