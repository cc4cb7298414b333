@preconcurrency import Crypto
import Foundation
import KioskSecurity
import SyncProtocol
import Testing

@Suite("Request signing rules")
struct RequestSigningTests {
    let identity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let body = Data(#"{"items":[]}"#.utf8)

    func headers(date: Date? = nil) throws -> [String: String] {
        let pairs = try RequestSigner(identity: identity, station: "XH03")
            .headers(method: "POST", target: "/v1/stations/XH03/submissions", body: body, date: date ?? now)
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.name.lowercased(), $0.value) })
    }

    func verify(
        _ headers: [String: String], method: String = "POST", target: String = "/v1/stations/XH03/submissions",
        body: Data? = nil, key: Curve25519.Signing.PublicKey? = nil
    ) throws(RequestAuthError) -> RequestSignature {
        try RequestAuthenticator.verify(
            method: method, target: target, body: body ?? self.body, header: { headers[$0.lowercased()] },
            key: key ?? identity.publicKey, now: now)
    }

    @Test("a signed request verifies and yields its fields")
    func verifies() throws {
        let fields = try verify(try headers())
        #expect(fields.station == "XH03")
        #expect(fields.date == 1_800_000_000)
        #expect(RequestSignature.isValidNonce(fields.nonce))
        #expect(fields.contentSHA256 == sha256Hex(body))
    }

    @Test("changing the method, target, body, station, date, nonce or key breaks it")
    func tamper() throws {
        let good = try headers()
        #expect(throws: RequestAuthError.signatureInvalid) { try verify(good, method: "PUT") }
        #expect(throws: RequestAuthError.signatureInvalid) { try verify(good, target: "/v1/stations/XH04/submissions") }
        #expect(throws: RequestAuthError.bodyDigestMismatch) { try verify(good, body: Data("{}".utf8)) }
        for (name, value) in [(SyncHeader.station, "XH04"), (SyncHeader.date, "1800000001"), (SyncHeader.nonce, RequestSignature.makeNonce())] {
            var altered = good
            altered[name.lowercased()] = value
            #expect(throws: RequestAuthError.signatureInvalid) { try verify(altered) }
        }
        #expect(throws: RequestAuthError.signatureInvalid) {
            try verify(good, key: Curve25519.Signing.PrivateKey().publicKey)
        }
    }

    @Test("the date must be within 300 s either way")
    func skew() throws {
        _ = try verify(try headers(date: now.addingTimeInterval(-300)))
        _ = try verify(try headers(date: now.addingTimeInterval(300)))
        #expect(throws: RequestAuthError.staleDate(skew: 301)) { try verify(try headers(date: now.addingTimeInterval(-301))) }
        #expect(throws: RequestAuthError.staleDate(skew: -301)) { try verify(try headers(date: now.addingTimeInterval(301))) }
    }

    @Test("missing or malformed headers are named")
    func missing() throws {
        for name in [SyncHeader.station, SyncHeader.date, SyncHeader.nonce, SyncHeader.contentSHA256, SyncHeader.signature] {
            var headers = try headers()
            headers[name.lowercased()] = nil
            #expect(throws: RequestAuthError.missingHeader(name)) { try verify(headers) }
        }
        var short = try headers()
        short[SyncHeader.nonce.lowercased()] = "abc"
        #expect(throws: RequestAuthError.malformedHeader(SyncHeader.nonce)) { try verify(short) }
        var date = try headers()
        date[SyncHeader.date.lowercased()] = "yesterday"
        #expect(throws: RequestAuthError.malformedHeader(SyncHeader.date)) { try verify(date) }
    }

    @Test("nonces are fresh and well formed")
    func nonces() {
        let nonces = (0..<100).map { _ in RequestSignature.makeNonce() }
        #expect(Set(nonces).count == 100)
        #expect(nonces.allSatisfy(RequestSignature.isValidNonce))
        #expect(!RequestSignature.isValidNonce("a/b+c=d0123456789"))
    }
}

@Suite("gzip through zlib")
struct GzipTests {
    @Test("compresses and inflates back, also a large Chinese body")
    func roundTrip() throws {
        let text = String(repeating: "张三申请城乡居民养老保险参保登记。", count: 5000)
        let data = Data(text.utf8)
        let compressed = try Gzip.compress(data)
        #expect(compressed.count < data.count / 10)
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        #expect(try Gzip.decompress(compressed, limit: data.count) == data)
        #expect(try Gzip.decompress(try Gzip.compress(Data()), limit: 0) == Data())
    }

    @Test("corrupt, truncated, trailing and oversized input is refused")
    func refused() throws {
        let data = Data(String(repeating: "便民", count: 10_000).utf8)
        let compressed = try Gzip.compress(data)
        #expect(throws: GzipError.tooLarge(limit: 1000)) { try Gzip.decompress(compressed, limit: 1000) }
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed.prefix(compressed.count - 5), limit: data.count) }
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed + Data([1, 2, 3]), limit: data.count) }
        #expect(throws: GzipError.self) { try Gzip.decompress(data, limit: data.count) }
        var flipped = compressed
        flipped[flipped.count - 3] ^= 0x55  // inside the CRC/length trailer
        #expect(throws: GzipError.self) { try Gzip.decompress(flipped, limit: data.count) }
    }
}
