import Foundation
import KioskStore
import SyncClient
import Testing
import TestSupport
import TownCenter

@Suite("Backups of a kiosk and a center, restored on new machines", .serialized)
struct BackupTests {
    @Test("a kiosk backup taken during submissions restores to a station whose trail verifies and which forwards each one exactly once")
    func kioskBackupDuringSubmissions() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        try kiosk.queueSubmissions(20)
        _ = try await kiosk.forwarder().round()
        let backup = rig.directory.appendingPathComponent("backup").path

        // `kiosk backup` runs while 40 more submissions are stored.
        async let stored = offThePool("submitting") {
            try kiosk.queueSubmissions(40, start: Date(timeIntervalSince1970: 1_795_000_200))
        }
        let taken = try await offThePool("kiosk backup") { try run("kiosk", ["backup", "--data", kiosk.dataDirectory, "--to", backup]) }
        #expect(try await stored.count == 40)
        #expect(taken.status == 0, "\(taken.stderr)")

        // The terminal forwards everything, then breaks; a replacement gets the backup.
        _ = try await kiosk.forwarder().round()
        #expect(try await centerCounts(center).stored == 60)
        let replacement = rig.directory.appendingPathComponent("replacement").path
        let restored = try run("kiosk", ["restore", "--data", replacement, "--from", backup])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try run("kiosk", ["audit", "verify", "--data", replacement]).status == 0)
        let queue = try StationFiles(dataDirectory: replacement).openQueue()
        let inBackup = try queue.stats().total
        print("the backup holds \(inBackup) of 60 submissions")
        #expect((20...60).contains(inBackup))
        #expect(try queue.stats().byState["acknowledged"] == 20)

        // It resends what the backup still had queued: each is acknowledged as a duplicate, none stored twice.
        let replacementForwarder = try Forwarder.open(
            station: kiosk.station, dataDirectory: replacement, fallbackURL: "http://127.0.0.1:1", batchSize: 50)
        _ = try await replacementForwarder.round()
        #expect(try queue.stats().byState["acknowledged"] == inBackup)
        let counts = try await centerCounts(center)
        #expect(counts.stored == 60 && counts.storedEvents == 60 && counts.conflicts == 0)
    }

    @Test("a center backup taken while it serves restores beside its keys; a damaged one is refused")
    func centerBackup() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        try kiosk.queueSubmissions(5)
        _ = try await kiosk.forwarder().round()
        let backup = rig.directory.appendingPathComponent("center-backup").path
        let taken = try run("towncenter", ["backup", "--data", center.data, "--to", backup])
        #expect(taken.status == 0, "\(taken.stderr)")

        // A new data directory beside the same keys.
        let keys = CenterDirectory(path: center.data).keys.path
        let newData = rig.directory.appendingPathComponent("center-new").path
        let restored = try run("towncenter", ["restore", "--data", newData, "--keys", keys, "--from", backup])
        #expect(restored.status == 0, "\(restored.stderr)")
        let reopened = try Center.open(dataDirectory: newData, keysDirectory: keys)
        #expect(try await reopened.database.submissionCount() == 5)
        let receipt = try #require(try kiosk.queue.list(limit: 1).first?.receipt)
        #expect(try await reopened.openAnswers(receipt: receipt).answers.isEmpty == false)
        #expect(try run("towncenter", ["audit", "verify", "--data", newData, "--keys", keys]).status == 0)

        // Restored with other keys: it does not open, and nothing is put in place.
        let otherKeys = rig.directory.appendingPathComponent("other-keys").path
        let otherData = rig.directory.appendingPathComponent("other-data").path
        #expect(try run("towncenter", ["init", "--data", otherData, "--keys", otherKeys]).status == 0)
        let elsewhere = rig.directory.appendingPathComponent("center-elsewhere").path
        let refused = try run("towncenter", ["restore", "--data", elsewhere, "--keys", otherKeys, "--from", backup])
        #expect(refused.status == 74)
        #expect(refused.stderr.contains("does not open"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere))

        // A kiosk backup is not a center's.
        let kioskBackup = rig.directory.appendingPathComponent("kiosk-backup").path
        #expect(try run("kiosk", ["backup", "--data", kiosk.dataDirectory, "--to", kioskBackup]).status == 0)
        let foreign = try run("towncenter", ["restore", "--data", elsewhere, "--keys", keys, "--from", kioskBackup])
        #expect(foreign.status == 74 && foreign.stderr.contains("kiosk backup"))
    }
}
