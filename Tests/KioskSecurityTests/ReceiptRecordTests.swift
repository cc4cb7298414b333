import Foundation
import KioskCore
import Testing
import TestSupport

/// A record for tests: receipt `XH03-261127-<sequence>`, matter `RS-GG-01`, digest 0, 1, 2, …
func sampleRecord(station: String = "XH03", sequence: Int = 7, matter: String = "RS-GG-01") throws -> ReceiptRecord {
    try ReceiptRecord(
        receiptNumber: ReceiptNumber(station: station, year: 2026, month: 11, day: 27, sequence: sequence),
        matterCode: matter, createdAt: 1_795_710_600, payloadDigest: (0..<32).map { UInt8($0) })
}

@Suite struct ReceiptRecordTests {
    @Test func encodesTheDocumentedLayout() throws {
        let record = try sampleRecord()
        let number = Array(record.receiptNumber.description.utf8)
        var expected: [UInt8] = [1, UInt8(number.count)] + number
        expected += [4] + Array("XH03".utf8) + [8] + Array("RS-GG-01".utf8)
        expected += [0, 0, 0, 0, 0x6B, 0x08, 0x5E, 0x88]  // 1_795_710_600 big-endian
        expected += (0..<32).map { UInt8($0) }
        #expect(record.encoded() == expected)
        #expect(try ReceiptRecord(decoding: expected) == record)
    }

    @Test func everyTruncationIsRefused() throws {
        let bytes = try sampleRecord().encoded()
        for length in 0..<bytes.count {
            #expect(throws: ReceiptRecordError.truncated) { try ReceiptRecord(decoding: bytes.prefix(length)) }
        }
    }

    @Test func badVersionFieldsAndTrailingBytesAreRefused() throws {
        let bytes = try sampleRecord().encoded()
        var version2 = bytes
        version2[0] = 2
        #expect(throws: ReceiptRecordError.unknownVersion(2)) { try ReceiptRecord(decoding: version2) }
        #expect(throws: ReceiptRecordError.trailingBytes(1)) { try ReceiptRecord(decoding: bytes + [0]) }

        let numberStart = 2
        var lowercaseNumber = bytes
        lowercaseNumber[numberStart] = UInt8(ascii: "x")  // parses, but is not the canonical form
        #expect(throws: ReceiptRecordError.badField(.receiptNumber)) { try ReceiptRecord(decoding: lowercaseNumber) }

        let stationStart = numberStart + 18 + 1
        var otherStation = bytes
        otherStation[stationStart + 3] = UInt8(ascii: "5")
        #expect(throws: ReceiptRecordError.badField(.stationID)) { try ReceiptRecord(decoding: otherStation) }

        let matterStart = stationStart + 4 + 1
        var lowercaseMatter = bytes
        lowercaseMatter[matterStart] = UInt8(ascii: "r")
        #expect(throws: ReceiptRecordError.badField(.matterCode)) { try ReceiptRecord(decoding: lowercaseMatter) }

        #expect(throws: ReceiptRecordError.badField(.matterCode)) { try sampleRecord(matter: "RS-GG-01-ABCDEFGHI") }
        #expect(throws: ReceiptRecordError.badField(.payloadDigest)) {
            try ReceiptRecord(
                receiptNumber: sampleRecord().receiptNumber, matterCode: "RS-GG-01", createdAt: 0,
                payloadDigest: [1, 2, 3])
        }
    }

    @Test func randomAndMutatedBytesNeverCrash() throws {
        var generator = SeededGenerator.forTest()
        let valid = try sampleRecord().encoded()
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round.isMultiple(of: 2) {
                bytes = (0..<Int.random(in: 0...120, using: &generator)).map { _ in
                    UInt8.random(in: .min ... .max, using: &generator)
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: bytes.indices, using: &generator)] = UInt8.random(in: .min ... .max, using: &generator)
                }
            }
            // Whatever decodes must be the one canonical encoding of its record.
            if let record = try? ReceiptRecord(decoding: bytes) {
                #expect(record.encoded() == bytes)
                decoded += 1
            }
        }
        #expect(decoded < 20_000)
    }
}
