import Foundation
import KioskSecurity
import Testing

@Suite struct PINHasherTests {
    let hasher = PINHasher(parameters: .fastForTesting)

    @Test func rightPINVerifiesWrongPINDoesNot() throws {
        let encoded = try hasher.hash(pin: "482913")
        #expect(encoded.hasPrefix("scrypt$1024$8$1$"))
        #expect(try PINHasher.verify(pin: "482913", encoded: encoded))
        #expect(try !PINHasher.verify(pin: "482914", encoded: encoded))
        #expect(try !PINHasher.verify(pin: "", encoded: encoded))
        #expect(try hasher.hash(pin: "482913") != encoded)
    }

    @Test func standardParametersAreUsedByDefault() throws {
        let encoded = try PINHasher().hash(pin: "0000")
        let parts = encoded.split(separator: "$")
        #expect(parts.count == 6)
        #expect(parts.prefix(4) == ["scrypt", "16384", "8", "1"])
        #expect(Data(base64Encoded: String(parts[4]))?.count == 16)
        #expect(Data(base64Encoded: String(parts[5]))?.count == 32)
        #expect(try PINHasher.verify(pin: "0000", encoded: encoded))
    }

    @Test func matchesRFC7914TestVector() throws {
        // RFC 7914 section 12: scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64).
        let hex = "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        let derived = Data(stride(from: 0, to: hex.count, by: 2).map {
            UInt8(hex.dropFirst($0).prefix(2), radix: 16)!
        })
        let encoded = "scrypt$1024$8$16$\(Data("NaCl".utf8).base64EncodedString())$\(derived.base64EncodedString())"
        #expect(try PINHasher.verify(pin: "password", encoded: encoded))
        #expect(try !PINHasher.verify(pin: "passwore", encoded: encoded))
    }

    @Test func malformedOrHostileHashesAreRefused() {
        #expect(throws: PINHashError.malformed) { try PINHasher.verify(pin: "1", encoded: "") }
        #expect(throws: PINHashError.malformed) { try PINHasher.verify(pin: "1", encoded: "bcrypt$1024$8$1$AAAA$AAAA") }
        #expect(throws: PINHashError.malformed) { try PINHasher.verify(pin: "1", encoded: "scrypt$1024$8$1$!!$AAAA") }
        let salt = Data(count: 16).base64EncodedString()
        let hash = Data(count: 32).base64EncodedString()
        #expect(throws: PINHashError.unsupportedParameters(n: 1000, r: 8, p: 1)) {
            try PINHasher.verify(pin: "1", encoded: "scrypt$1000$8$1$\(salt)$\(hash)")
        }
        #expect(throws: PINHashError.unsupportedParameters(n: 1 << 30, r: 8, p: 1)) {
            try PINHasher.verify(pin: "1", encoded: "scrypt$\(1 << 30)$8$1$\(salt)$\(hash)")
        }
    }
}
