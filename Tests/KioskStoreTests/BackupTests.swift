import Backups
import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import TestSupport
import Testing

@Suite struct BackupTests {
    /// A station with `count` submissions, backed up into a new folder; both removed with the station.
    func backedUp(_ count: Int) throws -> (station: TestStation, backup: String) {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        for _ in 0..<count { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
        let backup = station.files.dataDirectory + "-backup"
        _ = try station.files.backup(to: backup, now: station.clock.now())
        return (station, backup)
    }

    func restored(_ backup: String) -> StationFiles {
        StationFiles(dataDirectory: backup + "-restored-\(UUID().uuidString)")
    }

    @Test func restoredStationHasTheQueueKeyAndAnIntactTrail() throws {
        let (station, backup) = try backedUp(3)
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let target = restored(backup)
        defer { try? FileManager.default.removeItem(atPath: target.dataDirectory) }
        let manifest = try target.restore(from: backup)
        #expect(manifest.kind == "kiosk" && manifest.database == "kiosk.sqlite")
        #expect(try target.identity().publicKeyBase64 == station.identity.publicKeyBase64)
        let queue = try target.openQueue()
        #expect(try queue.list(limit: 10).map(\.receipt) == (try station.queue.list(limit: 10).map(\.receipt)))
        #expect(try AuditLog.verify(queue.database).isIntact)
        #expect(try permissions(target.stationKeyPath) == 0o600)
        #expect(try permissions(target.dataDirectory) == 0o700)
        // The next receipt continues the numbering.
        let (matter, answers) = station.example("RS-GG-01")
        let submitter = Submitter(
            station: demo.station.station, catalogVersion: demo.catalog.version, identity: try target.identity(),
            centerKey: try target.centerKey(configuredPath: demo.station.centerPublicKeyPath), queue: queue, clock: station.clock)
        #expect(try submitter.submit(matter: matter, answers: answers, channel: .selfService).summary.receipt.contains("-0004-"))
    }

    @Test func aDamagedUnfinishedOrForeignBackupIsRefusedAndNothingIsPutInPlace() throws {
        let (_, backup) = try backedUp(2)
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let target = restored(backup)
        defer { try? FileManager.default.removeItem(atPath: target.dataDirectory) }
        let parent = (target.dataDirectory as NSString).deletingLastPathComponent
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix((target.dataDirectory as NSString).lastPathComponent) }
        }

        // One byte changed in the database.
        let database = backup + "/kiosk.sqlite"
        let original = try Data(contentsOf: URL(fileURLWithPath: database))
        var damaged = original
        damaged[damaged.count - 1] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: database))
        #expect(throws: DataBackup.Failure.damaged(path: "kiosk.sqlite")) { try target.restore(from: backup) }
        #expect(try leftovers().isEmpty)
        try original.write(to: URL(fileURLWithPath: database))

        // The signed head missing.
        let anchor = try Data(contentsOf: URL(fileURLWithPath: backup + "/audit-anchor.json"))
        try FileManager.default.removeItem(atPath: backup + "/audit-anchor.json")
        #expect(throws: DataBackup.Failure.damaged(path: "audit-anchor.json")) { try target.restore(from: backup) }
        try anchor.write(to: URL(fileURLWithPath: backup + "/audit-anchor.json"))

        // A manifest naming a path outside the folder.
        let manifestPath = backup + "/" + DataBackup.manifestName
        let manifest = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        var escaping = try DataBackup.readManifest(backup)
        escaping.entries.append(DataBackup.Manifest.Entry(path: "../../etc/passwd", size: 1, sha256: "00", mode: 0o600))
        try JSONEncoder().encode(escaping).write(to: URL(fileURLWithPath: manifestPath))
        #expect(throws: DataBackup.Failure.damaged(path: "../../etc/passwd")) { try target.restore(from: backup) }

        // Another program's backup.
        var foreign = try DataBackup.readManifest(backup)
        foreign.kind = "towncenter"
        foreign.entries.removeLast()
        try JSONEncoder().encode(foreign).write(to: URL(fileURLWithPath: manifestPath))
        #expect(throws: DataBackup.Failure.otherKind(expected: "kiosk", found: "towncenter")) { try target.restore(from: backup) }

        // No manifest: the backup did not finish.
        try FileManager.default.removeItem(atPath: manifestPath)
        #expect(throws: DataBackup.Failure.noManifest(backup)) { try target.restore(from: backup) }
        try manifest.write(to: URL(fileURLWithPath: manifestPath))
        #expect(try leftovers().isEmpty)

        // A data directory in use is never overwritten.
        try FileManager.default.createDirectory(atPath: target.dataDirectory, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: target.dataDirectory + "/kiosk.sqlite"))
        #expect(throws: DataBackup.Failure.notEmpty(target.dataDirectory)) { try target.restore(from: backup) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target.dataDirectory + "/kiosk.sqlite")) == Data("x".utf8))
        try FileManager.default.removeItem(atPath: target.dataDirectory + "/kiosk.sqlite")
        // Into the same folder once empty, the intact backup restores.
        _ = try target.restore(from: backup)
        #expect(try AuditLog.verify(try target.openQueue().database).isIntact)
    }

    @Test func aTrailEditedBeforeTheBackupIsRefusedOnRestore() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        for _ in 0..<3 { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
        try station.queue.database.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE sequence > 1") }
        let backup = station.files.dataDirectory + "-backup"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        _ = try station.files.backup(to: backup, now: station.clock.now())
        let target = restored(backup)
        do {
            _ = try target.restore(from: backup)
            Issue.record("a cut trail was restored")
        } catch {
            guard case .refused(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("cut short"))
        }
        #expect(!FileManager.default.fileExists(atPath: target.dataDirectory))
    }
}
