import AsyncHTTPClient
import Foundation
import GRDB
import Hummingbird
import KioskCore
import Logging
import NIOCore
import Testing
import TestSupport
import TownCenter

/// A department's receiving endpoint on 127.0.0.1 that fails, stalls and is restarted on cue, and
/// honours the idempotency key: what it keeps is one body per key.
actor Receiver {
    /// What the next requests meet, in order; then 200.
    enum Answer { case fail, stall }
    var script: [Answer] = []
    var requests = 0
    var kept: [String: Data] = [:]
    var badSignatures = 0
    let secret: Data

    init(secret: Data) { self.secret = secret }

    func setScript(_ answers: [Answer]) { script = answers }

    /// Takes one request; returns the status to answer after `stall` seconds.
    func take(key: String?, signature: String?, body: Data) -> (status: HTTPResponse.Status, stall: Double) {
        requests += 1
        if signature != NotificationPusher.signature(of: body, secret: secret) { badSignatures += 1 }
        let answer = script.isEmpty ? nil : script.removeFirst()
        if answer == .fail { return (.internalServerError, 0) }
        if let key, kept[key] == nil { kept[key] = body }  // a repeated key changes nothing
        return (.ok, answer == .stall ? 2 : 0)
    }
}

/// Serves `receiver` on `port` (0: any) until the task is cancelled; returns the task and the port.
func serve(_ receiver: Receiver, port: Int) async throws -> (task: Task<Void, Error>, port: Int) {
    let router = Router()
    router.post("/results") { request, _ -> Response in
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        func header(_ name: String) -> String? { request.headers.first { $0.name.canonicalName == name }?.value }
        let answer = await receiver.take(key: header("idempotency-key"), signature: header("x-bianmin-signature"), body: body)
        if answer.stall > 0 { try await Task.sleep(for: .seconds(answer.stall)) }
        return Response(status: answer.status)
    }
    var logger = Logger(label: "test-receiver")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
        onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
    let task = Task { try await app.runService() }
    var iterator = ports.makeAsyncIterator()
    guard let bound = await iterator.next() else { throw CancellationError() }
    return (task, bound)
}

@Suite("results pushed to the county departments", .serialized)
struct NotificationPushTests {
    @Test("retry delays double from 1 s to 5 minutes; the signature is HMAC-SHA256 of the body")
    func delaysAndSignature() {
        #expect((1...10).map(NotificationPusher.retryDelay(afterAttempts:)) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        #expect(NotificationPusher.retryDelay(afterAttempts: Int.max) == 300)
        // RFC 4231 test case 2.
        #expect(NotificationPusher.signature(of: Data("what do ya want for nothing?".utf8), secret: Data("Jefe".utf8))
            == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("towncenter department endpoint: https only (http to 127.0.0.1), a secret of 16–1024 bytes, --remove")
    func endpointCommand() async throws {
        let (data, _, directory) = try await commandCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret")
        try Data("0123456789abcdef0123\n".utf8).write(to: secret)
        let short = directory.appendingPathComponent("short")
        try Data("0123\n".utf8).write(to: short)
        func endpoint(_ arguments: [String]) throws -> CommandResult {
            try towncenter(["department", "endpoint", "--department", "民政局", "--data", data] + arguments)
        }
        #expect(try endpoint(["--url", "http://county.example/results", "--secret-file", secret.path]).status == 64)
        #expect(try endpoint(["--url", "https://county.example/results"]).status == 64)
        #expect(try endpoint(["--url", "https://county.example/results", "--secret-file", short.path]).status == 65)
        let set = try endpoint(["--url", "https://county.example/results", "--secret-file", secret.path])
        #expect(set.status == 0 && set.stdout == "民政局: results pushed to https://county.example/results\n", "\(set.stderr)")
        let stored = try await Center.open(dataDirectory: data).database.writer.read { db in
            try Data.fetchOne(db, sql: "SELECT secret FROM department_endpoint WHERE department = '民政局'")
        }
        #expect(stored == Data("0123456789abcdef0123".utf8), "the trailing newline is dropped")
        #expect(try endpoint(["--remove"]).stdout == "民政局: no endpoint\n")
        #expect(try towncenter(["department", "endpoint", "--department", "教育局", "--remove", "--data", data]).status == 64)
    }

    @Test("a receiver that fails, stalls past the timeout and is restarted, and a center restarted mid-way: every notification arrives, once per key, signed")
    func exactlyOnceThroughFailures() async throws {
        let (center, clock, receipts, directory) = try await workflowCenter(6)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = Data("a-shared-secret-of-民政局".utf8)
        let receiver = Receiver(secret: secret)
        await receiver.setScript([.fail, .fail, .stall])
        var server = try await serve(receiver, port: 0)
        let port = server.port
        try await center.database.setEndpoint(
            of: .civilAffairs, to: DepartmentEndpoint(department: .civilAffairs, url: "http://127.0.0.1:\(port)/results", secret: secret))
        for receipt in receipts.prefix(3) {
            try await center.transition(receipt: receipt, .accept, staff: "win", calendar: nationalDay2026)
        }
        let logger = {
            var logger = Logger(label: "test-pusher")
            logger.logLevel = .critical
            return logger
        }()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            func pusher(_ center: Center) -> Task<Void, Never> {
                Task {
                    let pusher = NotificationPusher(center: center, http: http, interval: .milliseconds(50), timeout: .milliseconds(500), logger: logger)
                    while !Task.isCancelled {
                        _ = await pusher.round()
                        clock.advance(by: Double(NotificationPusher.longestRetry + 1))  // every retry is due at the next round
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            func delivered(_ center: Center) async throws -> Int {
                try await center.database.writer.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification WHERE delivered_at IS NOT NULL") ?? 0
                }
            }
            func waitFor(_ count: Int, _ center: Center) async throws {
                let deadline = Date().addingTimeInterval(30)
                while try await delivered(center) < count && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            }

            let first = pusher(center)
            try await waitFor(1, center)
            first.cancel()
            _ = await first.value  // the center stops

            server.task.cancel()  // the receiver goes away
            _ = try? await server.task.value
            for receipt in receipts.suffix(3) {
                try await center.transition(receipt: receipt, .accept, staff: "win", calendar: nationalDay2026)
            }
            let reopened = try Center.open(dataDirectory: directory.appendingPathComponent("data").path, clock: clock)
            let second = pusher(reopened)  // the center starts again, the receiver still down
            func refused() async throws -> Int {
                try await reopened.database.writer.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification WHERE delivered_at IS NULL AND last_error IS NOT NULL") ?? 0
                }
            }
            let deadline = Date().addingTimeInterval(30)
            while try await refused() == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try await refused() > 0, "pushes to a receiver that is down fail and wait")
            server = try await serve(receiver, port: port)  // the receiver is back
            try await waitFor(6, reopened)
            second.cancel()
            _ = await second.value
            server.task.cancel()
            _ = try? await server.task.value

            #expect(try await delivered(reopened) == 6)
            #expect(try await reopened.database.queuedNotifications() == 0)
            let kept = await receiver.kept
            #expect(kept.keys.sorted() == (1...6).map { "bianmin-notification-\($0)" }, "one kept body per notification")
            #expect(await receiver.requests > 6, "failures, the stall and the time down made tries again")
            #expect(await receiver.badSignatures == 0)
            let events = try kept.values.map { try JSONDecoder().decode(CaseNotification.self, from: $0) }
            #expect(events.allSatisfy { $0.event == .accepted && $0.department == .civilAffairs } && Set(events.map(\.receipt)) == Set(receipts))
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
