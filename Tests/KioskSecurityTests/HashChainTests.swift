@preconcurrency import Crypto
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

@Suite struct AuditAnchorTests {
    let key = Curve25519.Signing.PrivateKey()

    func makeAnchor() -> AuditAnchor {
        AuditAnchor(path: FileManager.default.temporaryDirectory.appendingPathComponent("anchor-\(UUID().uuidString).json").path, key: key)
    }

    @Test func signedHeadChecksRangeAndKey() throws {
        let good = try AuditHead.sign(count: 3, head: Data(count: 32), at: 7, with: key)
        #expect(good.isValid(signedBy: key.publicKey))
        #expect(!good.isValid(signedBy: Curve25519.Signing.PrivateKey().publicKey))
        var altered = good
        altered.count = 4
        #expect(!altered.isValid(signedBy: key.publicKey))
        #expect(!(try AuditHead.sign(count: -1, head: Data(), at: 7, with: key)).isValid(signedBy: key.publicKey))
        #expect(!(try AuditHead.sign(count: 0, head: Data(count: 32), at: 7, with: key)).isValid(signedBy: key.publicKey))
        #expect(!(try AuditHead.sign(count: 2, head: Data(count: 31), at: 7, with: key)).isValid(signedBy: key.publicKey))
    }

    @Test func advanceMovesOnlyOverAnExtendedChain() throws {
        let chain = makeChain(6)
        let anchor = makeAnchor()
        defer { try? FileManager.default.removeItem(atPath: anchor.path) }
        func hash(_ sequence: Int64) -> Data? { chain.first { $0.sequence == sequence }?.hash }
        func verify(_ entries: [ChainEntry]) -> ChainVerdict {
            anchor.verify(entries, against: Result { () throws(AuditAnchorError) in try anchor.read() })
        }
        // No anchor file: nothing is created.
        try anchor.advance(count: 2, head: chain[1].hash, hash: hash)
        #expect(try anchor.read() == nil)
        #expect(verify(Array(chain.prefix(2))) == .anchor(.missing(count: 2)))

        try anchor.write(count: 2, head: chain[1].hash)
        try anchor.advance(count: 4, head: chain[3].hash, hash: hash)
        #expect(try anchor.read()?.count == 4)
        #expect(verify(chain) == .intact(count: 6, head: chain[5].hash))
        #expect(verify(Array(chain.prefix(3))) == .anchor(.cutShort(count: 3, anchored: 4)))
        // A chain that no longer holds the signed head at its place does not move it.
        try anchor.advance(count: 6, head: chain[5].hash) { _ in Data(count: 32) }
        #expect(try anchor.read()?.count == 4)
        try anchor.advance(count: 3, head: chain[2].hash, hash: hash)
        #expect(try anchor.read()?.count == 4)

        try Data("{}".utf8).write(to: URL(fileURLWithPath: anchor.path))
        guard case .anchor(.unreadable) = verify(chain) else { Issue.record("unreadable anchor accepted"); return }
        let foreign = AuditAnchor(path: anchor.path, key: Curve25519.Signing.PrivateKey())
        try foreign.write(count: 2, head: chain[1].hash)
        #expect(verify(chain) == .anchor(.badSignature))
        // A head signed with another key is not moved on, not even by an anchor that wrote the file before.
        let forged = try Data(contentsOf: URL(fileURLWithPath: anchor.path))
        try anchor.advance(count: 6, head: chain[5].hash, hash: hash)
        #expect(try Data(contentsOf: URL(fileURLWithPath: anchor.path)) == forged)
    }

    @Test func advanceOverwritesTheOlderSlotInPlaceAndATornSlotFallsBack() throws {
        let chain = makeChain(5)
        let anchor = makeAnchor()
        defer { try? FileManager.default.removeItem(atPath: anchor.path) }
        func hash(_ sequence: Int64) -> Data? { chain.first { $0.sequence == sequence }?.hash }
        func inode() throws -> UInt64 {
            try #require(try FileManager.default.attributesOfItem(atPath: anchor.path)[.systemFileNumber] as? UInt64)
        }
        try anchor.write(count: 1, head: chain[0].hash)
        let file = try inode()
        #expect(try Data(contentsOf: URL(fileURLWithPath: anchor.path)).count == 2 * AuditAnchor.slotSize)
        for count in 2...4 {
            try anchor.advance(count: Int64(count), head: chain[count - 1].hash, hash: hash)
            #expect(try anchor.read()?.count == Int64(count))
        }
        // Moved on in place: the same file, no rename.
        #expect(try inode() == file)
        // Slot 1 holds the newest head (4), slot 0 the one before (3). A power cut tearing the next
        // write into slot 0 leaves slot 1's head, and a fresh anchor moves on from it.
        let handle = try #require(FileHandle(forWritingAtPath: anchor.path))
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: Data("\u{0}garbage".utf8))
        try handle.close()
        let reopened = AuditAnchor(path: anchor.path, key: key)
        #expect(try reopened.read()?.count == 4)
        try reopened.advance(count: 5, head: chain[4].hash, hash: hash)
        #expect(try reopened.read()?.count == 5)
        #expect(reopened.verify(chain, against: .success(try reopened.read())) == .intact(count: 5, head: chain[4].hash))
    }

    @Test func aSingleHeadFileIsReadAndMovedOnIntoSlots() throws {
        let chain = makeChain(3)
        let anchor = makeAnchor()
        defer { try? FileManager.default.removeItem(atPath: anchor.path) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(try AuditHead.sign(count: 2, head: chain[1].hash, at: 7, with: key)).write(to: URL(fileURLWithPath: anchor.path))
        #expect(try anchor.read()?.count == 2)
        try anchor.advance(count: 3, head: chain[2].hash) { sequence in chain.first { $0.sequence == sequence }?.hash }
        #expect(try anchor.read()?.count == 3)
        #expect(try Data(contentsOf: URL(fileURLWithPath: anchor.path)).count == 2 * AuditAnchor.slotSize)
    }
}
