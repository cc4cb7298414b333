import Foundation
import KioskSecurity
import Testing

/// A valid chain of `count` entries with bodies "event 1", "event 2", …
private func makeChain(_ count: Int) -> [ChainEntry] {
    var entries: [ChainEntry] = []
    for sequence in 1...Int64(count) {
        let previous = entries.last?.hash ?? Data()
        let body = Data("event \(sequence)".utf8)
        entries.append(
            ChainEntry(sequence: sequence, previousHash: previous, hash: HashChain.link(previous: previous, entry: body), body: body))
    }
    return entries
}

@Suite struct HashChainTests {
    @Test func linkIsSHA256OfPreviousThenEntry() {
        let first = HashChain.link(previous: nil, entry: Data("abc".utf8))
        // SHA-256("abc"), FIPS 180-2 example.
        #expect(first.map { String(format: "%02x", $0) }.joined()
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(HashChain.link(previous: Data("ab".utf8), entry: Data("c".utf8)) == first)
        #expect(HashChain.link(previous: Data(), entry: Data("abc".utf8)) == first)
    }

    @Test func intactChainVerifies() {
        let chain = makeChain(6)
        #expect(HashChain.verify(chain) == .intact(count: 6, head: chain[5].hash))
        #expect(HashChain.verify([]) == .intact(count: 0, head: nil))
    }

    @Test(arguments: 0..<6)
    func editedEntryIsNamed(index: Int) {
        var chain = makeChain(6)
        let entry = chain[index]
        chain[index] = ChainEntry(
            sequence: entry.sequence, previousHash: entry.previousHash, hash: entry.hash, body: Data("forged".utf8))
        #expect(HashChain.verify(chain) == .broken(index: index, sequence: entry.sequence, reason: .edited))
    }

    @Test func editWithRecomputedHashBreaksTheNextLink() {
        var chain = makeChain(6)
        let entry = chain[2]
        let body = Data("forged".utf8)
        chain[2] = ChainEntry(
            sequence: 3, previousHash: entry.previousHash, hash: HashChain.link(previous: entry.previousHash, entry: body), body: body)
        #expect(HashChain.verify(chain) == .broken(index: 3, sequence: 4, reason: .brokenLink))
    }

    @Test(arguments: 0..<5)
    func deletedEntryIsNamed(index: Int) {
        var chain = makeChain(6)
        chain.remove(at: index)
        let sequence = Int64(index) + 2
        #expect(HashChain.verify(chain) == .broken(index: index, sequence: sequence, reason: .deleted(missing: sequence - 1...sequence - 1)))
    }

    @Test func deletedTailCannotBeSeenWithoutAnAnchor() {
        // Truncating the tail leaves a valid shorter chain; the head hash shows it to whoever kept it.
        let chain = makeChain(6)
        #expect(HashChain.verify(Array(chain.prefix(4))) == .intact(count: 4, head: chain[3].hash))
    }

    @Test(arguments: 0..<5)
    func swappedEntriesAreNamedAsReordered(index: Int) {
        var chain = makeChain(6)
        chain.swapAt(index, index + 1)
        #expect(HashChain.verify(chain) == .broken(index: index, sequence: Int64(index) + 2, reason: .reordered))
    }

    @Test func renumberedEntriesAreNamedAsReordered() {
        // Swapping the sequence numbers of entries 3 and 4, then reading in sequence order.
        let chain = makeChain(6)
        func renumbered(_ entry: ChainEntry, _ sequence: Int64) -> ChainEntry {
            ChainEntry(sequence: sequence, previousHash: entry.previousHash, hash: entry.hash, body: entry.body)
        }
        let read = [chain[0], chain[1], renumbered(chain[3], 3), renumbered(chain[2], 4), chain[4], chain[5]]
        #expect(HashChain.verify(read) == .broken(index: 2, sequence: 3, reason: .reordered))
    }

    @Test func verdictSaysWhichEntryAndWhy() {
        let verdict = ChainVerdict.broken(index: 2, sequence: 3, reason: .deleted(missing: 3...3))
        #expect(verdict.description.contains("deleted") && verdict.description.contains("3"))
        #expect(ChainVerdict.broken(index: 4, sequence: 5, reason: .edited).description.contains("edited"))
    }
}
