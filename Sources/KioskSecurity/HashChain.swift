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

/// The result of checking a chain.
public enum ChainVerdict: Sendable, Equatable, CustomStringConvertible {
    /// Every entry checks out; `count` entries, the last with hash `head` (nil when empty).
    case intact(count: Int, head: Data?)
    /// The first bad entry, at `index` in the list given, with its sequence number.
    case broken(index: Int, sequence: Int64, reason: ChainBreakReason)

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
