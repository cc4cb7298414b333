import Foundation
import Hummingbird
import KioskCore
import KioskStore
import Logging
import ServiceLifecycle
import SyncClient
import SyncProtocol
import Testing
import TownCenter
import TestSupport

@Suite("Forwarding to a real town center", .serialized)
struct ForwarderTests {
    @Test("each round reports the kiosk's signed audit head; the center keeps it, and flags a trail cut short at the kiosk")
    func auditHead() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        try kiosk.queueSubmissions(3)
        _ = try await kiosk.forwarder().round()
        let head = try kiosk.queue.auditHead()
        let kept = try #require(try await center.open().database.auditHead(station: kiosk.station))
        #expect(kept.count == head.count && kept.head == head.head)
        #expect(kept.isValid(signedBy: kiosk.identity.publicKey))
        #expect(try run("towncenter", ["audit", "verify", "--data", center.data]).status == 0)

        // The last entries deleted at the kiosk: the next round's report has fewer, and the center says so.
        try await kiosk.queue.database.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE sequence > 2") }
        _ = try await kiosk.forwarder().round()
        #expect(try await center.open().database.auditHead(station: kiosk.station) == kept)
        let flags = try await center.open().database.stationAuditFlags()
        #expect(flags.map(\.station) == [kiosk.station] && flags.first?.problem == .cutShort)
        let verify = try run("towncenter", ["audit", "verify", "--data", center.data])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("station \(kiosk.station) reported 2 audit entries"))
        let local = try run("kiosk", ["audit", "verify", "--data", kiosk.dataDirectory])
        #expect(local.status == 1)
        #expect(local.stdout.contains("cut short"))
    }

    @Test("a round drains the queue oldest first in batches; decisions and a new catalog come back on the next round")
    func drainAndUpdates() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let enrolled = rig.enrolment
        let (directory, center, kiosk) = (rig.directory, rig.center, rig.kiosk)
        #expect(enrolled.catalog.version == "2026.11.1")
        let installer = CatalogInstaller(dataDirectory: kiosk.dataDirectory)
        #expect(FileManager.default.fileExists(atPath: installer.currentPath + "/matters/MZ-GG-01.yaml"))

        let queued = try kiosk.queueSubmissions(faultCount)
        let report = try await kiosk.forwarder(batchSize: 50).round()
        #expect(report.sent == faultCount)
        #expect(report.acknowledged == faultCount)
        #expect(try kiosk.count(.acknowledged) == faultCount)
        let counts = try await centerCounts(center)
        #expect(counts.stored == faultCount && counts.storedEvents == faultCount && counts.conflicts == 0)
        // Oldest first: the center received them in the kiosk's order.
        let received = try await center.open().database.submissions(SubmissionFilter(station: kiosk.station))
        #expect(Set(received.prefix(50).map(\.uuid)) == Set(queued.prefix(50).map(\.uuid)))

        let staff = try center.open()
        try await staff.database.decide(receipt: queued[0].receipt, state: .needsMore, reason: "请补交户口簿复印件", now: staff.now)
        try await staff.database.decide(receipt: queued[1].receipt, state: .accepted, reason: nil, now: staff.now)
        let catalogCopy = directory.appendingPathComponent("catalog-v2")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config/catalog"), to: catalogCopy)
        let header = catalogCopy.appendingPathComponent("catalog.yaml")
        try (try String(contentsOf: header, encoding: .utf8)).replacingOccurrences(of: "2026.11.1", with: "2026.12.1")
            .write(to: header, atomically: true, encoding: .utf8)
        #expect(try run("towncenter", ["catalog", "publish", "--data", center.data, "--catalog", catalogCopy.path]).status == 0)

        let next = try await kiosk.forwarder().round()
        #expect(next.sent == 0)
        #expect(next.decisions == 2)
        #expect(next.catalogApplied == "2026.12.1")
        let first = try #require(try kiosk.queue.find(receipt: queued[0].receipt))
        #expect(first.decision == .needsMore)
        #expect(first.decisionReason == "请补交户口簿复印件")
        #expect(try kiosk.queue.find(receipt: queued[1].receipt)?.decision == .accepted)
        let applied = try String(contentsOfFile: installer.currentPath + "/catalog.yaml", encoding: .utf8)
        #expect(applied.contains("2026.12.1"))
        #expect(try SyncStatus.load(from: kiosk.queue).catalogVersion == "2026.12.1")

        // Nothing new: a quiet round changes nothing, and reports the station's health.
        let quiet = try await kiosk.forwarder().round()
        var nothing = RoundReport()
        nothing.healthReported = true
        #expect(quiet == nothing)
    }

    @Test("after `towncenter keys rotate` a kiosk delivers what it sealed to the old key, learns the new key in its round, and seals to it")
    func keyRotation() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        let old = rig.enrolment.keyID
        let sealedBefore = try kiosk.queueSubmissions(2)
        let rotated = try run("towncenter", ["keys", "rotate", "--data", center.data])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        center.kill()
        try center.start()
        let new = try center.open().keys.agreement.keyID
        #expect(new != old)

        #expect(try await kiosk.forwarder().round().acknowledged == 2)
        #expect(try kiosk.queue.setting("center.key_id") == new)
        #expect(try StationFiles(dataDirectory: kiosk.dataDirectory).centerKey(configuredPath: nil).keyID == new)
        let sealedAfter = try kiosk.queueSubmissions(1, start: Date(timeIntervalSince1970: 1_795_100_000))
        #expect(try await kiosk.forwarder().round().acknowledged == 1)
        let opened = try center.open()
        for submission in sealedBefore + sealedAfter {
            #expect(try await opened.openAnswers(receipt: submission.receipt).answers.count > 0)
        }
        let listed = try run("towncenter", ["keys", "list", "--data", center.data])
        #expect(listed.stdout == "\(new) current\n\(old) retired (still opens what was sealed to it)\n")
    }

    @Test("a rejected item is set aside with its reason and does not block the others")
    func setAside() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let kiosk = rig.kiosk
        try kiosk.queueSubmissions(3)
        let bad = try kiosk.queueSubmissions(1, matter: "ZZ-99", start: Date(timeIntervalSince1970: 1_794_000_000))[0]
        let report = try await kiosk.forwarder(batchSize: 2).round()
        #expect(report.acknowledged == 3)
        #expect(report.setAside == 1)
        let item = try #require(try kiosk.queue.find(receipt: bad.receipt))
        #expect(item.state == .setAside)
        #expect(item.lastError?.contains("unknown_matter") == true)
        #expect(try await kiosk.forwarder().round().sent == 0)
    }

    @Test("a proxy answering 200 OK with an HTML page marks nothing delivered")
    func captivePortal() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let kiosk = rig.kiosk
        try kiosk.queueSubmissions(5)

        let router = Router()
        let page = "<html><head><title>VillageNet</title></head><body>请先登录 / Please log in</body></html>"
        let answer = { @Sendable (_: Request, _: BasicRequestContext) -> Response in
            Response(status: .ok, headers: [.contentType: "text/html"], body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        for path in ["/v1/stations/:station/submissions", "/v1/stations/:station/updates", "/v1/catalog"] {
            router.get(RouterPath(path), use: answer)
            router.post(RouterPath(path), use: answer)
        }
        try await serving(router, named: "portal") { url in
            let real = try kiosk.forwarder()
            let viaPortal = Forwarder(
                queue: kiosk.queue,
                client: CenterClient(baseURL: url, signer: real.client.signer, verifier: real.client.verifier),
                installer: real.installer, clock: SystemClock())
            await #expect {
                try await viaPortal.round()
            } throws: { error in
                guard case SyncError.notAcknowledged(.responseNotSigned) = error else { return false }
                return true
            }
        }
        #expect(try kiosk.count(.acknowledged) == 0)
        #expect(try kiosk.count(.forwarded) == 5)
        #expect(try kiosk.queue.list(limit: 1)[0].lastError?.contains("captive portal") == true)

        // Through the real center they are delivered.
        #expect(try await kiosk.forwarder().round().acknowledged == 5)
    }

    @Test("the center killed and restarted repeatedly during a drain: every submission stored exactly once and acknowledged")
    func centerKilled() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        try kiosk.queueSubmissions(faultCount)

        var logger = Logger(label: "forwarder")
        logger.logLevel = .critical
        let service = ForwarderService(
            forwarder: try kiosk.forwarder(batchSize: 10),
            schedule: SyncSchedule(backoff: BackoffPolicy(base: 0.02, cap: 0.3), pollInterval: 0.05), logger: logger)
        var kills = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            let deadline = Date().addingTimeInterval(180)
            var generator = SeededGenerator.forTest()
            // Kill at eight points spread over the drain (each time 1/9 more is acknowledged).
            while try kiosk.count(.acknowledged) < faultCount || kills < 8, Date() < deadline {
                if kills < 8, try kiosk.count(.acknowledged) >= (kills + 1) * faultCount / 9 {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...30, using: &generator)))
                    center.kill()
                    kills += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 20...200, using: &generator)))
                    try center.start()
                } else {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            group.cancelAll()
        }
        #expect(kills == 8)
        #expect(try kiosk.count(.acknowledged) == faultCount)
        let counts = try await centerCounts(center)
        #expect(counts.stored == faultCount)
        #expect(counts.storedEvents == faultCount)
        #expect(counts.conflicts == 0)
        guard case .intact = try await center.open().database.verifyAudit() else {
            Issue.record("center audit trail broken after kills")
            return
        }
    }
}
