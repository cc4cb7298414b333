import AsyncHTTPClient
import Foundation
import SyncProtocol
import Testing
@testable import TownCenter
import TestSupport

@Suite("unauthenticated requests are cheap")
struct CheapRefusalTests {
    func post(_ center: RunningCenter, _ target: String, body: Data, headers: [(String, String)]) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(center.port)\(target)")
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let response = try await center.http.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: Data(buffer.readableBytesView), centerSignature: nil)
    }

    @Test("headers are checked before the body is read; enrolments are bounded to 8 KiB; JSON routes want JSON")
    func headersFirst() async throws {
        try await withRunningCenter { center in
            let big = Data(repeating: UInt8(ascii: "{"), count: 31 << 20)
            let unsigned = try await post(center, SyncPath.enroll, body: big, headers: [("Content-Type", "application/json")])
            #expect(unsigned.status == 400)
            #expect(unsigned.errorCode == "missing_header", "refused on its headers, not after reading 31 MiB")

            let station = TestStation("XH07")
            let padded = Data(("{\"pad\":\"" + String(repeating: "x", count: 9 << 10) + "\"}").utf8)
            let signed = try SignedRequest("POST", SyncPath.enroll, body: padded, station: station)
            let tooLarge = try await post(center, SyncPath.enroll, body: padded, headers: signed.headers.map { ($0.name, $0.value) } + [("Content-Type", "application/json")])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "body_too_large")

            let small = Data("{}".utf8)
            let plain = try SignedRequest("POST", SyncPath.enroll, body: small, station: station)
            let wrongType = try await post(center, SyncPath.enroll, body: small, headers: plain.headers.map { ($0.name, $0.value) } + [("Content-Type", "text/plain")])
            #expect(wrongType.status == 415)
            #expect(wrongType.errorCode == "unsupported_media_type")
        }
    }

    @Test("refusals are counted in memory, written in batches and at shutdown, and logged at most once per code per 10 s")
    func countedInMemory() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tally = RefusalTally()
        #expect(tally.count("missing_header", now: 100) == (true, 0))
        for second in 100..<105 { #expect(tally.count("missing_header", now: Int64(second)) == (false, 0)) }
        #expect(tally.count("stale_date", now: 104) == (true, 0))
        #expect(tally.count("missing_header", now: 110) == (true, 5))
        #expect(try await center.database.refusalCounts().isEmpty, "nothing written per request")
        await tally.flush(to: center.database)
        #expect(try await center.database.refusalCounts() == ["missing_header": 7, "stale_date": 1])
        #expect(tally.pending.isEmpty)
    }

    @Test("refusals counted by a running server reach the database when it stops")
    func flushedAtShutdown() async throws {
        let (served, data, directory) = try servedTemporaryCenter()
        defer {
            served.kill()
            try? FileManager.default.removeItem(at: directory)
        }
        try await withHTTPClient { http in
            for _ in 0..<20 {
                var request = HTTPClientRequest(url: served.url + SyncPath.enroll)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(Data("{}".utf8))
                let response = try await http.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 16)
            }
        }
        #expect(served.terminate() == 0)
        #expect(try await Center.open(dataDirectory: data).database.refusalCounts()["missing_header"] == 20)
    }
}
