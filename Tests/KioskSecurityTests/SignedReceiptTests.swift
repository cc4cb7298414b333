import Crypto
import Foundation
import KioskCore
import KioskSecurity
import Testing

@Suite struct SignedReceiptTests {
    let identity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())

    var ownKey: StationPublicKey { StationPublicKey(stationID: "XH03", key: identity.publicKey) }

    @Test func signedReceiptRoundTripsThroughQRText() throws {
        let record = try sampleRecord()
        let signed = try ReceiptSigner(identity: identity, stationID: "XH03").sign(record)
        let text = signed.qrText
        #expect(text.hasPrefix("BM1:"))
        let parsed = try SignedReceipt(qrText: text)
        #expect(parsed == signed)
        #expect(try parsed.verify(with: ownKey) == record)
        #expect(try ReceiptVerifier(trusting: [ownKey]).verify(qrText: text) == record)
    }

    @Test func qrTextFitsVersion10MAlphanumeric() throws {
        let identity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
        let record = try sampleRecord(station: "ABCDEFGH", sequence: 9999, matter: "ABCD-EFGH-IJKL-M")
        let text = try ReceiptSigner(identity: identity, stationID: "ABCDEFGH").sign(record).qrText
        #expect(text.count <= SignedReceipt.maxQRTextLength)
        let alphanumeric = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
        #expect(text.allSatisfy { alphanumeric.contains($0) })
    }

    @Test func everyFlippedBitIsRefused() throws {
        let text = Array(try ReceiptSigner(identity: identity, stationID: "XH03").sign(sampleRecord()).qrText.utf8)
        let verifier = ReceiptVerifier(trusting: [ownKey])
        var refusals = 0
        for index in text.indices {
            for bit in 0..<7 {
                var flipped = text
                flipped[index] ^= 1 << bit
                do {
                    _ = try verifier.verify(qrText: String(decoding: flipped, as: UTF8.self))
                    Issue.record("flipped bit \(bit) of character \(index) was accepted")
                } catch {
                    refusals += 1
                }
            }
        }
        #expect(refusals == text.count * 7)
    }

    @Test func tamperedFieldIsRefusedAsSignatureInvalid() throws {
        let signed = try ReceiptSigner(identity: identity, stationID: "XH03").sign(sampleRecord(sequence: 7))
        let altered = SignedReceipt(record: try sampleRecord(sequence: 8), signature: signed.signature)
        #expect(throws: ReceiptVerificationError.signatureInvalid) {
            try ReceiptVerifier(trusting: [ownKey]).verify(qrText: altered.qrText)
        }
    }

    @Test func receiptOfAnotherStationIsRefusedAsForeign() throws {
        let other = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
        let foreign = try ReceiptSigner(identity: other, stationID: "XH05").sign(sampleRecord(station: "XH05"))
        #expect(throws: ReceiptVerificationError.foreign(recordStation: "XH05", keyStation: "XH03")) {
            try SignedReceipt(qrText: foreign.qrText).verify(with: ownKey)
        }
        #expect(throws: ReceiptVerificationError.unknownStation("XH05")) {
            try ReceiptVerifier(trusting: [ownKey]).verify(qrText: foreign.qrText)
        }
        // Another key claiming this station is a forgery.
        let forged = try ReceiptSigner(identity: other, stationID: "XH03").sign(sampleRecord())
        #expect(throws: ReceiptVerificationError.signatureInvalid) {
            try ReceiptVerifier(trusting: [ownKey]).verify(qrText: forged.qrText)
        }
    }

    @Test func signerRefusesAnotherStationsRecord() throws {
        #expect(throws: ReceiptSigningError.wrongStation(recordStation: "XH05", signerStation: "XH03")) {
            try ReceiptSigner(identity: identity, stationID: "XH03").sign(sampleRecord(station: "XH05"))
        }
    }

    @Test func wrongPrefixVersionAndDamageAreNamed() throws {
        let text = try ReceiptSigner(identity: identity, stationID: "XH03").sign(sampleRecord()).qrText
        let body = String(text.dropFirst(4))
        #expect(throws: ReceiptVerificationError.notBianminReceipt) { try SignedReceipt(qrText: "https://example.org") }
        #expect(throws: ReceiptVerificationError.notBianminReceipt) { try SignedReceipt(qrText: "BMX:" + body) }
        #expect(throws: ReceiptVerificationError.unknownVersion(2)) { try SignedReceipt(qrText: "BM2:" + body) }
        #expect(throws: ReceiptVerificationError.self) { try SignedReceipt(qrText: "BM1:" + body.dropLast(3)) }
        #expect(throws: ReceiptVerificationError.self) { try SignedReceipt(qrText: "BM1:" + body.lowercased()) }
        #expect(throws: ReceiptVerificationError.damaged("too short")) { try SignedReceipt(qrText: "BM1:BB8") }
    }

    @Test func refusalsReadInChineseAndEnglish() {
        let errors: [ReceiptVerificationError] = [
            .notBianminReceipt, .unknownVersion(2), .damaged("truncated"), .signatureInvalid,
            .foreign(recordStation: "XH05", keyStation: "XH03"), .unknownStation("XH05"),
        ]
        for error in errors {
            #expect(error.chinese.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            #expect(error.english.unicodeScalars.allSatisfy { $0.isASCII })
            #expect(error.description.contains(error.chinese) && error.description.contains(error.english))
        }
        #expect(Set(errors.map(\.english)).count == errors.count)
    }
}
