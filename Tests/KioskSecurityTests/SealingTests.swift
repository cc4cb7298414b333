import Crypto
import Foundation
import KioskSecurity
import Testing

@Suite struct SealingTests {
    let center = CenterKeyPair.generate()
    let context = SealContext(uuid: UUID(), station: "XH03", matter: "RS-GG-01")
    let answers = Data(#"{"name":"张三","id":"11010519491231002X","phone":"13800138000"}"#.utf8)

    @Test func sealsAndOpensWithTheRightKeyAndContext() throws {
        let sealed = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        #expect(sealed.keyID == center.keyID)
        #expect(sealed.encapsulatedKey.count == 32)
        #expect(sealed.ciphertext.range(of: Data("张三".utf8)) == nil)
        #expect(try PayloadOpener.open(sealed, with: center, associated: context) == answers)
        let again = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        #expect(again.ciphertext != sealed.ciphertext)
    }

    @Test func serializedFormRoundTripsAndDigestIsItsSHA256() throws {
        let sealed = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        let bytes = sealed.serialized()
        #expect(bytes.first == 1)
        #expect(try SealedPayload(serialized: bytes) == sealed)
        #expect(sealed.digest == Array(SHA256.hash(data: bytes)))
        for length in 0..<bytes.count {
            #expect(throws: SealError.self) { try SealedPayload(serialized: bytes.prefix(length)) }
        }
        #expect(throws: SealError.malformed("1 trailing bytes")) { try SealedPayload(serialized: bytes + [0]) }
    }

    @Test func keyIDIsHexOfTheKeyHashPrefix() {
        let expected = SHA256.hash(data: center.publicKey.key.rawRepresentation).prefix(8)
            .map { String(format: "%02x", $0) }.joined()
        #expect(center.keyID == expected)
        #expect(center.keyID.count == 16)
    }

    @Test(arguments: [
        SealContext(uuid: UUID(), station: "XH03", matter: "RS-GG-01"),
        SealContext(uuid: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, station: "XH04", matter: "RS-GG-01"),
        SealContext(uuid: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, station: "XH03", matter: "RS-GG-02"),
    ])
    func wrongAssociatedDataIsRefused(wrong: SealContext) throws {
        let context = SealContext(
            uuid: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, station: "XH03", matter: "RS-GG-01")
        let sealed = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        #expect(try PayloadOpener.open(sealed, with: center, associated: context) == answers)
        #expect(throws: SealError.authenticationFailed) {
            try PayloadOpener.open(sealed, with: center, associated: wrong)
        }
    }

    @Test func wrongKeyIsRefused() throws {
        let sealed = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        let other = CenterKeyPair.generate()
        #expect(throws: SealError.keyMismatch(sealedTo: center.keyID, available: other.keyID)) {
            try PayloadOpener.open(sealed, with: other, associated: context)
        }
        let relabelled = SealedPayload(keyID: other.keyID, encapsulatedKey: sealed.encapsulatedKey, ciphertext: sealed.ciphertext)
        #expect(throws: SealError.authenticationFailed) {
            try PayloadOpener.open(relabelled, with: other, associated: context)
        }
    }

    @Test func alteredCiphertextIsRefused() throws {
        let sealed = try PayloadSealer.seal(answers, to: center.publicKey, associated: context)
        for index in [0, sealed.ciphertext.count / 2, sealed.ciphertext.count - 1] {
            var ciphertext = sealed.ciphertext
            ciphertext[ciphertext.startIndex + index] ^= 0x01
            let altered = SealedPayload(keyID: sealed.keyID, encapsulatedKey: sealed.encapsulatedKey, ciphertext: ciphertext)
            #expect(throws: SealError.authenticationFailed) {
                try PayloadOpener.open(altered, with: center, associated: context)
            }
        }
    }

    @Test func preparedSealerNeverReusesAContext() async throws {
        let sealer = PreparedSealer(center: center.publicKey)
        let contexts = (0..<40).map { SealContext(uuid: UUID(), station: "XH03", matter: "RS-GG-0\($0 % 3)") }
        // Half one after another (each taking the context prepared after the last), half at once.
        var sealed = try contexts.prefix(20).map { try sealer.seal(answers, associated: $0) }
        sealed += try await withThrowingTaskGroup(of: (Int, SealedPayload).self) { group in
            for index in 20..<40 {
                group.addTask { (index, try sealer.seal(self.answers, associated: contexts[index])) }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        #expect(Set(sealed.map(\.encapsulatedKey)).count == contexts.count)
        for (payload, context) in zip(sealed, contexts) {
            #expect(payload.keyID == center.keyID)
            #expect(try PayloadOpener.open(payload, with: center, associated: context) == answers)
        }
    }
}
