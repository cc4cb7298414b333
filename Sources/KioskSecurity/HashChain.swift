import Crypto
import Foundation

/// One entry of a hash-chained, append-only log.
public struct ChainEntry: Sendable, Hashable {
    /// Position in the log: 1 for the first entry, then consecutive.
    public let sequence: Int64
    /// The previous entry's `hash`; empty for the first entry.
    public let previousHash: Data
    /// `HashChain.link(previous: previousHash, entry: body)`.
    public let hash: Data
    /// The entry's content as stored.
    public let body: Data

    /// An entry as read back from storage.
    public init(sequence: Int64, previousHash: Data, hash: Data, body: Data) {
        self.sequence = sequence
        self.previousHash = previousHash
        self.hash = hash
        self.body = body
    }
}

/// Why a chain is broken at an entry.
public enum ChainBreakReason: Sendable, Equatable {
    /// The entry's hash does not match its content: it was edited.
    case edited
    /// Entries with these sequence numbers are missing before this one.
    case deleted(missing: ClosedRange<Int64>)
    /// The entry is out of order.
    case reordered
    /// The entry's previous hash does not match the entry before it (and no other entry).
    case brokenLink
}

/// How a chain whose links hold disagrees with its signed head (`AuditAnchor`).
public enum AnchorProblem: Sendable, Equatable {
    /// There is no signed head; the chain has `count` entries.
    case missing(count: Int)
    /// The anchor file cannot be read.
    case unreadable(String)
    /// The signed head does not verify with the owner's key.
    case badSignature
    /// The chain has `count` entries, fewer than the `anchored` count: the last ones were deleted.
    case cutShort(count: Int, anchored: Int64)
    /// The entry at the signed head's place has another hash: the chain was rewritten up to there.
    case rewritten(sequence: Int64)
}

/// The result of checking a chain.
public enum ChainVerdict: Sendable, Equatable, CustomStringConvertible {
    /// Every entry checks out; `count` entries, the last with hash `head` (nil when empty).
    case intact(count: Int, head: Data?)
    /// The first bad entry, at `index` in the list given, with its sequence number.
    case broken(index: Int, sequence: Int64, reason: ChainBreakReason)
    /// The links hold but the chain disagrees with its signed head.
    case anchor(AnchorProblem)

    /// Whether the chain checked out.
    public var isIntact: Bool {
        if case .intact = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .intact(let count, _):
            "审计日志完整，共 \(count) 条 (audit log intact: \(count) entries)"
        case .broken(_, let sequence, let reason):
            switch reason {
            case .edited:
                "第 \(sequence) 条审计记录被修改 (audit entry \(sequence) was edited: its hash does not match its content)"
            case .deleted(let missing):
                "第 \(sequence) 条之前的审计记录被删除 (audit entries \(missing.lowerBound)...\(missing.upperBound) "
                    + "before entry \(sequence) were deleted)"
            case .reordered:
                "第 \(sequence) 条审计记录顺序被调换 (audit entry \(sequence) is out of order)"
            case .brokenLink:
                "第 \(sequence) 条审计记录与前一条不衔接 (audit entry \(sequence) does not link to the entry before it)"
            }
        case .anchor(let problem):
            switch problem {
            case .missing(let count):
                "审计日志的签名锚点缺失 (the signed head of the audit log is missing; the log has \(count) entries)"
            case .unreadable(let reason):
                "审计日志的签名锚点无法读取 (the signed head of the audit log cannot be read: \(reason))"
            case .badSignature:
                "审计日志的签名锚点签名不符 (the signed head of the audit log does not verify with this key)"
            case .cutShort(let count, let anchored):
                "审计日志被截短：已签名 \(anchored) 条，现存 \(count) 条 (audit log cut short: entries \(count + 1)...\(anchored) "
                    + "were deleted; the signed head counts \(anchored))"
            case .rewritten(let sequence):
                "第 \(sequence) 条及之前的审计记录被改写 (audit log rewritten: entry \(sequence) differs from the signed head)"
            }
        }
    }
}

/// Hash chaining for the append-only audit log.
public enum HashChain {
    /// SHA-256 over the previous hash (empty for the first entry) followed by the entry bytes.
    public static func link(previous: Data?, entry: Data) -> Data {
        var hasher = SHA256()
        if let previous { hasher.update(data: previous) }
        hasher.update(data: entry)
        return Data(hasher.finalize())
    }

    /// Checks entries in stored order and names the first bad one.
    public static func verify(_ entries: [ChainEntry]) -> ChainVerdict {
        let sequences = Set(entries.map(\.sequence))
        let hashes = Set(entries.map(\.hash))
        var expectedSequence: Int64 = 1
        var expectedPrevious = Data()
        for (index, entry) in entries.enumerated() {
            func broken(_ reason: ChainBreakReason) -> ChainVerdict {
                .broken(index: index, sequence: entry.sequence, reason: reason)
            }
            guard link(previous: entry.previousHash, entry: entry.body) == entry.hash else { return broken(.edited) }
            if entry.sequence != expectedSequence {
                // A missing sequence that turns up elsewhere means the entries were moved, not removed.
                if entry.sequence < expectedSequence || sequences.contains(expectedSequence) {
                    return broken(.reordered)
                }
                return broken(.deleted(missing: expectedSequence...(entry.sequence - 1)))
            }
            if entry.previousHash != expectedPrevious {
                return broken(hashes.contains(entry.previousHash) ? .reordered : .brokenLink)
            }
            expectedSequence = entry.sequence + 1
            expectedPrevious = entry.hash
        }
        return .intact(count: entries.count, head: entries.last?.hash)
    }
}
