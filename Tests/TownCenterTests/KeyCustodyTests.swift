import Foundation
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter
import TestSupport

@Suite("the center's keys: their own directory, rotation, revocation", .serialized)
struct KeyCustodyTests {
    @Test("keys live in their own root-only directory; a copy of the data alone opens nothing; an open or old layout is refused")
    func keysApart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("center").path
        let created = try towncenter(["init", "--data", data, "--catalog", demoCatalog.path])
        #expect(created.status == 0, "\(created.stderr)")
        let keys = data + "-keys"
        #expect(created.stdout.contains(keys))
        #expect(try permissions(keys) == 0o700)
        #expect(try permissions(keys + "/center-x25519.key") == 0o600)
        #expect(try permissions(keys + "/center-ed25519.key") == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.contains("key") || $0.hasSuffix(".pub") } == [])

        // A submission stored, then the data directory copied (a backup) without its keys.
        let station = TestStation()
        let center = try Center.open(dataDirectory: data)
        try await enrolAndStore([try station.item(to: center.keys.agreement.publicKey, sequence: 1)], from: station, at: center)
        let copy = directory.appendingPathComponent("backup").path
        try FileManager.default.copyItem(atPath: data, toPath: copy)
        #expect(throws: CenterError.keysMissing(path: copy + "-keys")) { try Center.open(dataDirectory: copy) }
        let shown = try towncenter(["submissions", "list", "--data", copy])
        #expect(shown.status == 78)
        #expect(shown.stderr.contains("--keys"))
        // With its keys named, the copy opens.
        #expect(try towncenter(["submissions", "list", "--data", copy, "--keys", keys]).status == 0)

        #expect(chmod(keys, 0o755) == 0)
        #expect(throws: CenterError.keysDirectoryOpen(path: keys, mode: 0o755)) { try Center.open(dataDirectory: data) }
        #expect(chmod(keys, 0o700) == 0)
        // A keys directory restored without its (empty) `retired/` folder still opens.
        try FileManager.default.removeItem(atPath: keys + "/retired")
        #expect(try Center.open(dataDirectory: data).keys.retired.isEmpty)

        // The layout before keys had their own directory: told how to move them.
        let legacy = directory.appendingPathComponent("legacy").path
        try FileManager.default.copyItem(atPath: data, toPath: legacy)
        for name in ["center-x25519.key", "center-x25519.pub", "center-ed25519.key"] {
            try FileManager.default.copyItem(atPath: keys + "/" + name, toPath: legacy + "/" + name)
        }
        let refused = try towncenter(["submissions", "list", "--data", legacy])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("mkdir -m 700 \(legacy)-keys"))
    }

    @Test("a rotated key stays to open what was sealed to it, and items sealed to it are still accepted; unknown keys are not")
    func rotation() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        let old = center.keys.agreement
        let before = try station.item(to: old.publicKey, sequence: 1, answers: #"{"n":"before"}"#)
        try await enrolAndStore([before], from: station, at: center)

        let rotated = try await center.rotateAgreementKey()
        #expect(rotated.keys.agreement.keyID != old.keyID)
        #expect(rotated.keys.retired.map(\.keyID) == [old.keyID])
        let reopened = try Center.open(dataDirectory: center.directory.url.path)
        #expect(reopened.keys.agreement.keyID == rotated.keys.agreement.keyID)
        #expect(reopened.keys.retired.map(\.keyID) == [old.keyID])
        #expect(try permissions(center.directory.retiredAgreementKeys.path + "/\(old.keyID).key") == 0o600)

        // Sealed to the old key while the station was offline: accepted after the rotation.
        let late = try station.item(to: old.publicKey, sequence: 2, answers: #"{"n":"late"}"#)
        let after = try station.item(to: reopened.keys.agreement.publicKey, sequence: 3, answers: #"{"n":"after"}"#)
        let foreign = try station.item(to: CenterKeyPair.generate().publicKey, sequence: 4)
        let checker = try await reopened.submissionChecker(for: station.publicKey)
        let results = try await reopened.database.ingest(
            station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: reopened.now + 600,
            items: [late, after, foreign].map(checker.check), now: reopened.now)
        #expect(results.map(\.outcome) == [.stored, .stored, .rejected])
        #expect(results[2].reason == .unknownKeyID)
        for (item, text) in [(before, "before"), (late, "late"), (after, "after")] {
            let receipt = try SignedReceipt(qrText: item.receipt).record.receiptNumber.description
            #expect(String(decoding: try await reopened.openAnswers(receipt: receipt).answers, as: UTF8.self).contains(text))
        }
        #expect(try await reopened.database.auditEvents().contains { $0.event == "key_rotated" })
    }

    @Test("a revoked station's requests are refused and counted, what it delivered stays, and a new token enrols it again")
    func revocation() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            #expect(try await enroll(station, at: center).status == 200)
            let item = try station.item(to: center.center.keys.agreement.publicKey, sequence: 1)
            #expect(try await submit([item], from: station, to: center).answer.status == 200)

            try await center.center.database.revoke(station: station.id, now: center.center.now)
            let refused = try await submit([try station.item(to: center.center.keys.agreement.publicKey, sequence: 2)], from: station, to: center)
            #expect(refused.answer.status == 403)
            #expect(refused.answer.errorCode == "station_revoked")
            let updates = try await SignedRequest("GET", SyncPath.updates(station: station.id, after: nil), station: station).send(to: center)
            #expect(updates.errorCode == "station_revoked")
            #expect(try await center.center.refusalCounts()["station_revoked"] == 2)
            #expect(try await center.center.database.submissionCount() == 1)
            let receipt = try SignedReceipt(qrText: item.receipt).record.receiptNumber.description
            #expect(try await center.center.openAnswers(receipt: receipt).answers.count > 0)
            #expect(try await center.center.database.auditEvents().contains { $0.event == "station_revoked" && $0.station == station.id })
            await #expect(throws: CenterError.unknownStation("ZZ99")) {
                try await center.center.database.revoke(station: "ZZ99", now: center.center.now)
            }

            let renewed = TestStation(station.id)
            #expect(try await enroll(renewed, at: center).status == 200)
            let again = try await submit([try renewed.item(to: center.center.keys.agreement.publicKey, sequence: 2)], from: renewed, to: center)
            #expect(again.answer.status == 200)
        }
    }
}
