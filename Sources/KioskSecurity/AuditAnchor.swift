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

/// The anchor file's bytes an `AuditAnchor` last wrote or checked, with the head it holds and its
/// slot, shared by its copies.
private final class CheckedHead: Sendable {
    let last = Mutex<(bytes: Data, head: AuditHead, slot: Int)?>(nil)
}

/// The signed head of an audit trail, kept in a file outside its database: deleting or rewriting
/// rows does not reach it, and the owner's key is needed to sign a new one.
///
/// The file holds two slots of `slotSize` bytes, each a signed head as one line of JSON padded with
/// spaces. A move on overwrites the older slot in place, unsynced: no new file or rename for the
/// trail's next disk flush to carry, and a write torn by a power cut spoils only that slot.
public struct AuditAnchor: Sendable {
    /// The size of each of the file's two slots.
    public static let slotSize = 512
    /// The anchor file.
    public let path: String
    /// The owner's signing key.
    public let key: Curve25519.Signing.PrivateKey
    /// The time the signed heads carry.
    public let clock: any WallClock
    /// The file's bytes as this anchor last wrote or checked them: while the file holds the same
    /// bytes, `advance` needs no second signature check.
    private let checked = CheckedHead()

    /// The anchor at `path`, signed with `key`.
    public init(path: String, key: Curve25519.Signing.PrivateKey, clock: any WallClock = SystemClock()) {
        self.path = path
        self.key = key
        self.clock = clock
    }

    /// Where heads are moved on after commits (`AuditTable.anchoring`), one at a time, off the
    /// committing thread. A process that used it waits for its moves when it exits (`atexit`).
    public static let mover: DispatchQueue = {
        atexit { AuditAnchor.settle() }
        return DispatchQueue(label: "bianmin.audit-anchor")
    }()

    /// Waits until every head move already asked for is written: `read` does, and so does the
    /// process's exit.
    public static func settle() { mover.sync {} }

    /// The newest head in the file that the key signed (or, when none is, the first the file holds,
    /// which `verify` then refuses), once the moves asked for are written; nil when there is no file.
    public func read() throws(AuditAnchorError) -> AuditHead? {
        Self.settle()
        return try contents().map { bytes throws(AuditAnchorError) in try latest(in: bytes).head }
    }

    /// The file's first two slots; nil when there is no file.
    private func contents() throws(AuditAnchorError) -> Data? {
        guard let file = FileHandle(forReadingAtPath: path) else {
            guard !FileManager.default.fileExists(atPath: path) else { throw .unreadable(path: path, reason: "cannot be read") }
            return nil
        }
        defer { try? file.close() }
        do {
            return try file.read(upToCount: 2 * Self.slotSize) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: "cannot be read")
        }
    }

    /// The newest validly signed head among the slots of `bytes` (else the first readable one), and its slot.
    private func latest(in bytes: Data) throws(AuditAnchorError) -> (head: AuditHead, slot: Int) {
        let heads = stride(from: 0, to: bytes.count, by: Self.slotSize).enumerated().compactMap { slot, start in
            let line = bytes.subdata(in: start..<min(start + Self.slotSize, bytes.count))
            return (try? JSONDecoder().decode(AuditHead.self, from: line)).map { (head: $0, slot: slot) }
        }
        guard let first = heads.first else { throw .unreadable(path: path, reason: "not a signed audit head") }
        return heads.filter { $0.head.isValid(signedBy: key.publicKey) }.max { $0.head.count < $1.head.count } ?? first
    }

    /// Signs `count` and `head` now into both slots of a new file, which replaces the old one
    /// atomically and is made durable.
    public func write(count: Int64, head: Data) throws(AuditAnchorError) {
        let (signed, slot) = try sign(count: count, head: head)
        let bytes = slot + slot
        do {
            try DurableFile.write(bytes, to: path, mode: 0o600)
        } catch {
            throw .write(error)
        }
        checked.last.withLock { $0 = (bytes, signed, 0) }
    }

    /// Moves the anchor forward to the trail's current `count` and `head`, only if the trail still
    /// holds the anchored head at its place (`hash(at:)` gives the hash of the entry with a sequence
    /// number): a trail cut short or rewritten keeps the anchor that shows it. A missing or invalid
    /// anchor is left as it is too. The older slot is overwritten in place and not synced, so that an
    /// append costs no extra disk flush; after a power cut it may hold an older head, which the
    /// trail still extends, and the next append moves it on.
    public func advance(count: Int64, head: Data, hash: (_ at: Int64) throws -> Data?) throws {
        guard let bytes = try contents() else { return }
        let anchored: (head: AuditHead, slot: Int)
        if let known = checked.last.withLock({ $0?.bytes == bytes ? $0.map { (head: $0.head, slot: $0.slot) } : nil }) {
            anchored = known
        } else {
            guard let read = try? latest(in: bytes), read.head.isValid(signedBy: key.publicKey) else { return }
            checked.last.withLock { $0 = (bytes, read.head, read.slot) }
            anchored = read
        }
        guard anchored.head.count < count else { return }
        if anchored.head.count > 0 {
            guard try hash(anchored.head.count) == anchored.head.head else { return }
        }
        guard bytes.count == 2 * Self.slotSize else { return try write(count: count, head: head) }
        let (signed, line) = try sign(count: count, head: head)
        let slot = 1 - anchored.slot
        do {
            try DurableFile.overwrite(line, at: slot * Self.slotSize, in: path)
        } catch {
            throw AuditAnchorError.write(error)
        }
        var written = bytes
        written.replaceSubrange(slot * Self.slotSize..<(slot + 1) * Self.slotSize, with: line)
        checked.last.withLock { $0 = (written, signed, slot) }
    }

    /// `count` and `head` signed now, and as a slot's bytes.
    private func sign(count: Int64, head: Data) throws(AuditAnchorError) -> (AuditHead, Data) {
        let at = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let signed = try AuditHead.sign(count: count, head: head, at: at, with: key)
            let json = try encoder.encode(signed)
            guard json.count < Self.slotSize else { throw AuditAnchorError.unreadable(path: path, reason: "signed head over \(Self.slotSize) bytes") }
            return (signed, json + Data(repeating: UInt8(ascii: " "), count: Self.slotSize - 1 - json.count) + Data("\n".utf8))
        } catch let error as AuditAnchorError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "cannot sign: \(error)")
        }
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
