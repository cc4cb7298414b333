import AsyncHTTPClient
import Foundation
import SyncProtocol
import Testing
import TestSupport

/// Every signing header with extreme values, against a real `towncenter serve` process: each request
/// gets a clear 4xx answer and the center keeps serving.
@Suite("hostile signing headers", .serialized)
struct HostileHeaderTests {
    static let extremes = [
        String(Int64.max), String(Int64.min), "9223372036854775808", "-9223372036854775809", "1" + String(repeating: "0", count: 30),
        "-1", "0", "", " 1795000000", "1795000000.5", "0x10", "１７９５０００００", "张三", String(repeating: "A", count: 60_000),
        "a\tb", "+1795000000", "NaN", "-0",
    ]

    @Test("extreme X-Bianmin-* values on /v1/enroll and a station route: refused with 4xx, and the center stays up")
    func extremeValuesNeverStopTheCenter() async throws {
        let (served, _, directory) = try servedTemporaryCenter()
        defer {
            served.kill()
            try? FileManager.default.removeItem(at: directory)
        }
        let station = TestStation("XH03")
        // A well-formed enrolment with a token nobody issued: the headers are all that is wrong.
        let enrolBody = try enrolment(station, token: "not-issued", nonce: RequestSignature.makeNonce())
        try await withHTTPClient { http in
            let names = [SyncHeader.station, SyncHeader.date, SyncHeader.nonce, SyncHeader.contentSHA256, SyncHeader.signature]
            for target in [SyncPath.enroll, SyncPath.submissions(station: "XH03")] {
                for name in names {
                    for value in Self.extremes {
                        let body = target == SyncPath.enroll ? enrolBody : Data("{}".utf8)
                        let signed = try SignedRequest("POST", target, body: body, station: station)
                        var request = HTTPClientRequest(url: served.url + target)
                        request.method = .POST
                        for header in signed.headers where header.name != name { request.headers.add(name: header.name, value: header.value) }
                        request.headers.add(name: name, value: value)
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(body)
                        let response = try await http.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        #expect((400..<500).contains(response.status.code), "\(target) \(name)=\(value.prefix(40)): \(response.status)")
                    }
                }
            }
            var alive = HTTPClientRequest(url: served.url + SyncPath.catalog)
            alive.method = .GET
            let response = try await http.execute(alive, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 64 << 20)
            #expect(response.status.code == 200, "the center still answers")
        }
        #expect(served.process.isRunning, "the center process is still running")
    }

    @Test("each header is parsed into its range before use: extremes are malformed, never arithmetic")
    func parsingRefusesExtremes() throws {
        let good: [String: String] = [
            SyncHeader.station: "XH03", SyncHeader.date: "1795000000", SyncHeader.nonce: "0123456789abcdef0123",
            SyncHeader.contentSHA256: String(repeating: "A", count: 64), SyncHeader.signature: String(repeating: "x", count: 88),
        ]
        #expect(try RequestAuthenticator.parse(method: "POST", target: "/", header: { good[$0] }).contentSHA256 == String(repeating: "a", count: 64))
        for name in good.keys {
            // The values that are well formed for that header (the signature is checked by verify, not parse).
            let wellFormed: Set<String> = switch name {
            case SyncHeader.date: ["0"]
            case SyncHeader.nonce: Set(Self.extremes.filter(RequestSignature.isValidNonce))
            case SyncHeader.signature: Set(Self.extremes.filter { $0.utf8.count <= RequestSignature.longestSignature })
            default: []
            }
            for value in Self.extremes where !wellFormed.contains(value) {
                var headers = good
                headers[name] = value
                #expect(throws: RequestAuthError.malformedHeader(name), "\(name)=\(value.prefix(40))") {
                    try RequestAuthenticator.parse(method: "POST", target: "/", header: { headers[$0] })
                }
            }
        }
        #expect(RequestSignature.parseDate("0") == 0)
        #expect(RequestSignature.parseDate("253402300799") == RequestSignature.latestDate)
        #expect(RequestSignature.parseDate("253402300800") == nil)
    }
}
