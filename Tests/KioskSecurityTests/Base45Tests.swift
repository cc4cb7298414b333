import Testing
import TestSupport

@testable import KioskCore

@Suite struct Base45Tests {
    // RFC 9285, sections 4.3 and 4.4.
    @Test(arguments: [
        ("AB", "BB8"),
        ("Hello!!", "%69 VD92EX0"),
        ("base-45", "UJCLQE7W581"),
        ("ietf!", "QED8WEX0"),
    ])
    func rfcVectors(plain: String, encoded: String) throws {
        #expect(Base45.encode(Array(plain.utf8)) == encoded)
        #expect(try Base45.decode(encoded) == Array(plain.utf8))
    }

    @Test func emptyInput() throws {
        #expect(Base45.encode([UInt8]()) == "")
        #expect(try Base45.decode("") == [])
    }

    @Test func invalidInputsAreRefused() {
        // RFC 9285 section 6: "GGW" is 65536, too large for two bytes.
        #expect(throws: Base45Error.valueOutOfRange(offset: 0)) { try Base45.decode("GGW") }
        #expect(throws: Base45Error.valueOutOfRange(offset: 3)) { try Base45.decode("BB8::") }
        #expect(throws: Base45Error.invalidCharacter(offset: 1)) { try Base45.decode("Bb8") }
        #expect(throws: Base45Error.invalidCharacter(offset: 2)) { try Base45.decode("BB中") }
        #expect(throws: Base45Error.invalidLength(4)) { try Base45.decode("BB8B") }
    }

    @Test func randomBytesRoundTrip() throws {
        var generator = SeededGenerator.forTest()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let text = Base45.encode(bytes)
            #expect(text.utf8.allSatisfy { Base45.alphabet.contains($0) })
            #expect(try Base45.decode(text) == bytes)
        }
    }
}
