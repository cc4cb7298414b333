import Foundation
import Glibc
import KioskCore
import KioskStore
import SyncClient
import Testing
import TownCenter
import TestSupport

@Suite("kiosk enroll and kiosk forward", .serialized)
struct KioskCommandTests {
    /// A copy of the demo config (kiosk.yaml names station XH03).
    func config(in directory: URL) throws -> String {
        let config = directory.appendingPathComponent("kiosk-config")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
        return config.path
    }

    @Test("the kiosk killed mid-batch and restarted: no loss, no duplicate; then a decision shows in `queue show`")
    func killedMidBatch() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let center = try CenterProcess(data: directory.appendingPathComponent("center").path)
        let kiosk = try KioskFixture(in: directory)
        let config = try config(in: directory)
        let common = ["--config", config, "--data", kiosk.dataDirectory]

        let refused = try run("kiosk", ["enroll", "--center", center.url, "--token", "0000-0000-0000-0000"] + common)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("token_unknown"))
        let enrolled = try run("kiosk", ["enroll", "--center", center.url, "--token", try center.token(for: "XH03")] + common)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        #expect(enrolled.stdout.contains("catalog 2026.11.1 applied"))

        let queued = try kiosk.queueSubmissions(faultCount)
        var kills = 0
        var generator = SeededGenerator.forTest()
        for _ in 0..<12 {
            let process = Process()
            process.executableURL = builtProducts.appendingPathComponent("kiosk")
            process.arguments = ["forward", "--once", "--batch", "10"] + common
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 60_000...400_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            if try kiosk.count(.acknowledged) == faultCount { break }
        }
        #expect(kills > 0)
        let finish = try run("kiosk", ["forward", "--once", "--batch", "10", "--json"] + common)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try kiosk.count(.acknowledged) == faultCount)
        let counts = try await centerCounts(center)
        #expect(counts.stored == faultCount && counts.storedEvents == faultCount && counts.conflicts == 0)
        #expect(try run("kiosk", ["audit", "verify"] + common).status == 0)

        let staff = try center.open()
        try await staff.database.decide(receipt: queued[7].receipt, state: .needsMore, reason: "请补交户口簿复印件", now: staff.now)
        let before = try run("kiosk", ["queue", "show", queued[7].receipt, "--json"] + common)
        #expect(!before.stdout.contains("needs_more"))
        let round = try run("kiosk", ["forward", "--once", "--json"] + common)
        #expect(round.status == 0)
        #expect(try JSONDecoder().decode(RoundReport.self, from: Data(round.stdout.utf8)).decisions == 1)
        let shown = try run("kiosk", ["queue", "show", queued[7].receipt, "--json"] + common)
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["decision"] as? String == "needs_more")
        #expect(object?["decision_reason"] as? String == "请补交户口簿复印件")

        let stats = try run("kiosk", ["queue", "stats", "--json"] + common)
        let statsObject = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        let sync = statsObject?["sync"] as? [String: Any]
        #expect(sync?["centerURL"] as? String == center.url)
        #expect(sync?["lastSuccess"] != nil)
        #expect((sync?["lastRound"] as? [String: Any])?["decisions"] as? Int == 1)
    }

    @Test("`kiosk forward` as a service delivers what is queued while it runs and stops cleanly on SIGTERM")
    func service() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (directory, kiosk) = (rig.directory, rig.kiosk)
        let process = Process()
        process.executableURL = builtProducts.appendingPathComponent("kiosk")
        process.arguments = ["forward", "--interval", "0.2", "--config", try config(in: directory), "--data", kiosk.dataDirectory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try kiosk.queueSubmissions(20)
        let deadline = Date().addingTimeInterval(60)
        while try kiosk.count(.acknowledged) < 20, Date() < deadline { usleep(50_000) }
        #expect(try kiosk.count(.acknowledged) == 20)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test("a catalog published at the center is what `kiosk submit` uses after the next round")
    func newCatalogUsed() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (directory, center, kiosk) = (rig.directory, rig.center, rig.kiosk)
        let common = ["--config", try config(in: directory), "--data", kiosk.dataDirectory]

        let copy = directory.appendingPathComponent("catalog-v2")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config/catalog"), to: copy)
        let header = copy.appendingPathComponent("catalog.yaml")
        try (try String(contentsOf: header, encoding: .utf8)).replacingOccurrences(of: "2026.11.1", with: "2026.12.1")
            .write(to: header, atomically: true, encoding: .utf8)
        #expect(try run("towncenter", ["catalog", "publish", "--data", center.data, "--catalog", copy.path]).status == 0)
        #expect(try run("kiosk", ["forward", "--once"] + common).stdout.contains("catalog 2026.12.1 applied"))

        let answers = directory.appendingPathComponent("answers.json")
        try Data(try run("kiosk", ["answers", "example", "--matter", "MZ-QR-01"] + common).stdout.utf8).write(to: answers)
        let submitted = try run("kiosk", ["submit", "--matter", "MZ-QR-01", "--answers", answers.path, "--json"] + common)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let receipt = try #require(try JSONDecoder().decode([String: String].self, from: Data(submitted.stdout.utf8))["receipt"])
        #expect(try run("kiosk", ["queue", "show", receipt] + common).stdout.contains("(catalog 2026.12.1)"))
        // The configured catalog (2026.11.1) is still on disk, untouched.
        #expect(try String(contentsOfFile: common[1] + "/catalog/catalog.yaml", encoding: .utf8).contains("2026.11.1"))
    }

    @Test("forward --once against an unreachable center fails clearly, records the failure and keeps the queue")
    func unreachable() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (directory, center, kiosk) = (rig.directory, rig.center, rig.kiosk)
        try kiosk.queueSubmissions(3)
        center.kill()
        let config = try config(in: directory)
        let result = try run("kiosk", ["forward", "--once", "--config", config, "--data", kiosk.dataDirectory])
        #expect(result.status == 69)
        #expect(result.stderr.contains("暂时连不上镇便民服务中心"))
        #expect(try kiosk.count(.acknowledged) == 0)
        let status = try SyncStatus.load(from: kiosk.queue)
        #expect(status.consecutiveFailures == 1)
        #expect(status.lastError?.contains("cannot be reached") == true)
    }
}
