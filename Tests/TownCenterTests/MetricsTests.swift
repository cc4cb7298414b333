import AsyncHTTPClient
import Foundation
import KioskCore
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter

@Suite("metrics and health")
struct MetricsTests {
    /// The body of `GET path` on the metrics listener.
    func get(_ path: String, from center: RunningCenter) async throws -> (status: Int, text: String, type: String?) {
        let port = try #require(center.metricsPort)
        let response = try await center.http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
    }

    /// The value of the sample line `name` (with its labels) in a Prometheus text exposition.
    func sample(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("/metrics counts items by outcome, refusals by reason, ingest times, stations and the database; /health answers")
    func exposition() async throws {
        var configuration = CenterConfiguration(port: 0, idleTimeout: 600, headerTimeout: 300)
        configuration.metricsPort = 0
        try await withRunningCenter(configuration: configuration) { center in
            let health = try await get("/health", from: center)
            #expect(health.status == 200 && health.text == "ok\n")

            let station = TestStation()
            #expect(try await enroll(station, at: center).status == 200)
            let key = center.center.keys.agreement.publicKey
            let stored = try station.item(to: key, sequence: 1)
            let (answer, request) = try await submit([stored, try station.item(to: key, sequence: 2, matter: "ZZ-99")], from: station, to: center)
            #expect(answer.status == 200)
            #expect(try await request.send(to: center).errorCode == "replayed_nonce")
            #expect(try await submit([try station.item(to: key, sequence: 3)], from: TestStation("XH09"), to: center).answer.status == 403)

            let metrics = try await get("/metrics", from: center)
            #expect(metrics.status == 200)
            #expect(metrics.type?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(sample(#"bianmin_items_total{outcome="stored"}"#, in: text) == 1)
            #expect(sample(#"bianmin_items_total{outcome="rejected"}"#, in: text) == 1)
            #expect(sample(#"bianmin_refused_requests_total{reason="replayed_nonce"}"#, in: text) == 1)
            #expect(sample(#"bianmin_refused_requests_total{reason="unknown_station"}"#, in: text) == 1)
            #expect(sample("bianmin_ingest_seconds_count", in: text) == 1)
            #expect(sample("bianmin_stations_enrolled", in: text) == 1)
            #expect(sample("bianmin_stations_silent", in: text) == 0)
            #expect((sample("bianmin_database_bytes", in: text) ?? 0) > 4096)
            #expect(sample("bianmin_notifications_queued", in: text) == 0)
            // Metrics never carry personal data: the test answers' name is nowhere in them.
            #expect(!text.contains("张三"))

            // An acceptance is reported to the county department: queued until the department signs for it.
            for (id, role, department) in [("win", StaffRole.window, Department?.none), ("mz", .department, .civilAffairs)] {
                try await center.center.database.addStaff(
                    StaffAccount(id: id, name: id, role: role, department: department, disabled: false, createdAt: center.center.now),
                    passwordHash: "not-a-password")
            }
            let receipt = try SignedReceipt(qrText: stored.receipt).record.receiptNumber.description
            try await center.center.transition(receipt: receipt, .accept, staff: "win", calendar: nationalDay2026)
            #expect(sample("bianmin_notifications_queued", in: try await get("/metrics", from: center).text) == 1)
            let queued = try #require(try await center.center.database.notifications(department: .civilAffairs, unsignedOnly: true, limit: 10).first)
            try await center.center.database.signNotification(id: queued.id, staff: "mz", department: .civilAffairs, now: center.center.now)
            #expect(sample("bianmin_notifications_queued", in: try await get("/metrics", from: center).text) == 0)
        }
    }
}
