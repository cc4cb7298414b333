import Foundation
import GRDB
import KioskConfig
import KioskCore
import KioskSecurity
import Testing

@testable import KioskStore
import TestSupport

let demo = try! ConfigurationLoader.load(directory: packageRoot.appendingPathComponent("kiosk-config"))
let demoCenter = packageRoot.appendingPathComponent("kiosk-config/demo-center")

/// A fresh initialised station in a temporary data directory.
final class TestStation {
    let files: StationFiles
    let identity: StationIdentity
    let submitter: Submitter
    let clock: ManualClock

    init(now: Date = Date(timeIntervalSince1970: 1_795_000_000)) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-store-\(UUID().uuidString)").path
        files = StationFiles(dataDirectory: dir)
        identity = try files.initialize().identity
        clock = ManualClock(now)
        submitter = Submitter(
            station: demo.station.station, catalogVersion: demo.catalog.version, identity: identity,
            centerKey: try files.centerKey(configuredPath: demo.station.centerPublicKeyPath), queue: try files.openQueue(), clock: clock)
    }

    var queue: SubmissionQueue { submitter.queue }

    deinit { try? FileManager.default.removeItem(atPath: files.dataDirectory) }

    func example(_ code: String) -> (Matter, Answers) {
        let matter = demo.catalog.matter(code)!
        return (matter, ExampleAnswers.generate(for: matter.form, today: CalendarDate(clock.now())))
    }
}

@Suite struct QueueTests {
    /// WAL with every commit synced: the pool's own `synchronous = NORMAL` must not win.
    @Test func everyCommitIsSyncedToDisk() throws {
        let station = try TestStation()
        let (mode, synchronous) = try station.queue.database.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
    }

    @Test func submissionIsSealedSignedAndNumbered() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        let first = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let second = try station.submitter.submit(matter: matter, answers: answers, channel: .assisted(assistantID: "A01")).summary

        let day = CalendarDate(station.clock.now())
        let prefix = String(format: "XH03-%02d%02d%02d-", day.year % 100, day.month, day.day)
        #expect(first.receipt.hasPrefix(prefix + "0001-"))
        #expect(second.receipt.hasPrefix(prefix + "0002-"))
        #expect(try ReceiptNumber(parsing: first.receipt).description == first.receipt)
        #expect(second.channel == "assisted" && second.assistantID == "A01")
        #expect(first.applicantMasked == "张* 3301**********1239 138****8000")

        // The receipt QR verifies with the station's key and binds the sealed payload's digest.
        let record = try SignedReceipt(qrText: first.receiptQR).verify(with: StationPublicKey(stationID: "XH03", key: station.identity.publicKey))
        #expect(record.receiptNumber.description == first.receipt)
        let outgoing = try #require(try station.queue.pending(limit: 10).first { $0.uuid == first.uuid })
        let sealed = try SealedPayload(serialized: outgoing.sealed)
        #expect(record.payloadDigest == sealed.digest)

        // Only the center's private key opens the answers, and only with the right context.
        // Git does not keep the key's 0600 mode: load a private copy.
        let keyCopy = station.files.dataDirectory + "/demo-center.key"
        try FileManager.default.copyItem(atPath: demoCenter.appendingPathComponent("DEMO-ONLY-center-x25519.key").path, toPath: keyCopy)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyCopy)
        let center = try CenterKeyPair.load(from: keyCopy)
        let opened = try PayloadOpener.open(sealed, with: center, associated: SealContext(uuid: first.uuid, station: "XH03", matter: matter.code))
        #expect(try AnswersJSON.decode(opened) == FormValidator.validate(answers, form: matter.form, today: CalendarDate(station.clock.now())).answers)
        #expect(throws: SealError.self) {
            try PayloadOpener.open(sealed, with: center, associated: SealContext(uuid: second.uuid, station: "XH03", matter: matter.code))
        }
    }

    @Test func aDayWithEveryReceiptNumberIssuedRefusesClearlyAndStoresNothing() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService)
        // Jump the day's counter to the last four-digit number, then issue it.
        try station.queue.database.writer.write { try $0.execute(sql: "UPDATE receiptCounter SET last = 9998") }
        let last = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        #expect(last.receipt.contains("-9999-"))

        #expect {
            try station.submitter.submit(matter: matter, answers: answers, channel: .selfService)
        } throws: { error in
            guard let error = error as? SubmitError, case .store(let store) = error, store.kind == .receiptNumbersUsedUp else { return false }
            return error.residentMessage.contains("回执编号已经用完") && error.description.contains("all 9999 receipt numbers")
        }
        #expect(try station.queue.stats().total == 2)
        #expect(try AuditLog.recent(station.queue.database).count == 2)

        // The next day numbers from 1 again.
        station.clock.advance(by: 86_400)
        let tomorrow = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        #expect(tomorrow.receipt.contains("-0001-"))
    }

    @Test func invalidOrRefusedApplicationsStoreNothing() throws {
        let station = try TestStation()
        let (matter, _) = station.example("RS-GG-01")
        #expect {
            try station.submitter.submit(matter: matter, answers: ["name": .text("张三")], channel: .selfService)
        } throws: { error in
            if case SubmitError.invalid(let issues) = error { return issues.contains { $0.path == "id_number" } }
            return false
        }
        let refused = demo.catalog.matter("MZ-QR-03")!
        #expect {
            try station.submitter.submit(matter: refused, answers: [:], channel: .selfService)
        } throws: { error in
            if case SubmitError.refused(.notDelegated) = error { return true }
            return false
        }
        #expect(try station.queue.stats().total == 0)
        #expect(try AuditLog.recent(station.queue.database).isEmpty)
    }

    @Test func noCenterKeyIsRefusedSayingWhy() throws {
        let station = try TestStation()
        #expect {
            try station.files.centerKey(configuredPath: "/nonexistent/center.pub")
        } throws: { error in
            "\(error)".contains("no town-center key") && (error as? SubmitError)?.residentMessage == "本站暂时不能受理申请,请联系代办员。"
        }
    }

    @Test func personalDataIsNotReadableAtRest() throws {
        let station = try TestStation()
        let matter = demo.catalog.matter("RS-GG-01")!
        var answers = station.example("RS-GG-01").1
        let name = "欧阳娜娜", id = "11010519491231002X", phone = "13912345678"
        answers["name"] = .text(name)
        answers["id_number"] = .text(id)
        answers["phone"] = .text(phone)
        let summary = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        #expect(summary.applicantMasked == "欧*** 1101**********002X 139****5678")

        // Look at every file of the database while it is open (WAL present) and after it is closed.
        let files = try FileManager.default.contentsOfDirectory(atPath: station.files.dataDirectory).filter { $0.hasPrefix("kiosk.sqlite") }
        #expect(files.contains("kiosk.sqlite-wal"))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: station.files.dataDirectory + "/" + file))
            for secret in [name, id, phone, "19491231"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(file)")
            }
        }
    }

    @Test func auditTrailDetectsEditsDeletionsAndReordering() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        for _ in 0..<4 { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
        let db = station.queue.database
        guard case .intact(count: 4, _) = try AuditLog.verify(db) else { Issue.record("chain not intact"); return }

        try db.writer.write { try $0.execute(sql: "UPDATE auditEntry SET detail = 'matter=XX' WHERE sequence = 2") }
        guard case .broken(index: 1, sequence: 2, reason: .edited) = try AuditLog.verify(db) else { Issue.record("edit not found"); return }
        try db.writer.write { try $0.execute(sql: "UPDATE auditEntry SET detail = 'matter=RS-GG-01 channel=self' WHERE sequence = 2") }

        try db.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE sequence = 3") }
        guard case .broken(_, sequence: 4, reason: .deleted) = try AuditLog.verify(db) else { Issue.record("deletion not found: \(try AuditLog.verify(db))"); return }
    }

    /// Ways of tampering with a trail of four entries that keep its links whole.
    enum Tampering: String, CaseIterable, Sendable {
        case deleteLast, deleteAll, rewriteAfterEdit, deleteLastThenAppend, removeAnchor
    }

    @Test(arguments: Tampering.allCases)
    func auditTrailCutShortOrRewrittenFailsAgainstItsSignedHead(_ tampering: Tampering) throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        for _ in 0..<4 { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
        let db = station.queue.database
        let anchored = try #require(try AuditAnchor(path: station.files.auditAnchorPath, key: station.identity.signingKey).read())
        #expect(anchored.count == 4 && anchored.isValid(signedBy: station.identity.publicKey))
        guard case .intact(count: 4, _) = try AuditLog.verify(db) else { Issue.record("chain not intact"); return }

        let expected: ChainVerdict
        switch tampering {
        case .deleteLast:
            try db.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE sequence > 2") }
            expected = .anchor(.cutShort(count: 2, anchored: 4))
        case .deleteAll:
            try db.writer.write { try $0.execute(sql: "DELETE FROM auditEntry") }
            expected = .anchor(.cutShort(count: 0, anchored: 4))
        case .rewriteAfterEdit:
            // Edit entry 2 and recompute every hash from there on: the links hold again.
            try db.writer.write { db in
                try db.execute(sql: "UPDATE auditEntry SET detail = 'matter=XX' WHERE sequence = 2")
                var previous = try Data.fetchOne(db, sql: "SELECT hash FROM auditEntry WHERE sequence = 1")!
                for row in try Row.fetchAll(db, sql: "SELECT * FROM auditEntry WHERE sequence >= 2 ORDER BY sequence") {
                    let body = AuditLog.canonicalBody(
                        sequence: row["sequence"], at: row["at"], event: row["event"], receipt: row["receipt"], detail: row["detail"])
                    let hash = HashChain.link(previous: previous, entry: body)
                    try db.execute(
                        sql: "UPDATE auditEntry SET previousHash = ?, hash = ? WHERE sequence = ?",
                        arguments: [previous, hash, row["sequence"] as Int64])
                    previous = hash
                }
            }
            expected = .anchor(.rewritten(sequence: 4))
        case .deleteLastThenAppend:
            // New entries after the cut do not move the signed head over it.
            try db.writer.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE sequence > 2") }
            for _ in 0..<3 { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
            expected = .anchor(.rewritten(sequence: 4))
        case .removeAnchor:
            try FileManager.default.removeItem(atPath: station.files.auditAnchorPath)
            expected = .anchor(.missing(count: 4))
        }
        let verdict = try AuditLog.verify(db)
        #expect(verdict == expected)
        #expect(!verdict.isIntact)
        // A new connection (a later `kiosk audit verify`) sees the same.
        #expect(try AuditLog.verify(try station.files.openQueue().database) == expected)
    }

    @Test func signedHeadFollowsEveryAppendAndSurvivesALaggingAnchor() throws {
        let station = try TestStation()
        let anchor = AuditAnchor(path: station.files.auditAnchorPath, key: station.identity.signingKey)
        #expect(try anchor.read()?.count == 0)
        let (matter, answers) = station.example("RS-GG-01")
        _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService)
        let one = try #require(try anchor.read())
        _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService)
        try station.queue.audit(.assistantLogout, detail: "id=A01 timeout", at: station.clock.now())
        let head = try station.queue.auditHead()
        #expect(try anchor.read()?.count == 3 && anchor.read()?.head == head.head)
        // An anchor left behind (a power cut before its write reached the disk) is still extended by
        // the trail, and the next append moves it on.
        try Data(try JSONEncoder().encode(one)).write(to: URL(fileURLWithPath: anchor.path))
        guard case .intact(count: 3, _) = try AuditLog.verify(station.queue.database) else { Issue.record("lagging anchor refused"); return }
        try station.queue.audit(.assistantLogout, detail: "id=A01 timeout", at: station.clock.now())
        #expect(try anchor.read()?.count == 4)
    }

    @Test func auditTrailDetectsReordering() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        for _ in 0..<3 { _ = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService) }
        let db = station.queue.database
        // Move entry 2 behind entry 3 by rewriting the rows in another order.
        try db.writer.write { db in
            try db.execute(sql: "CREATE TEMP TABLE t AS SELECT * FROM auditEntry ORDER BY CASE sequence WHEN 2 THEN 4 ELSE sequence END")
            try db.execute(sql: "DELETE FROM auditEntry")
            try db.execute(sql: "ALTER TABLE auditEntry RENAME TO old")
            try db.execute(sql: "CREATE TABLE auditEntry (sequence INTEGER, at INTEGER, event TEXT, receipt TEXT, detail TEXT, previousHash BLOB, hash BLOB)")
            try db.execute(sql: "INSERT INTO auditEntry SELECT * FROM t")
        }
        guard case .broken(index: 1, sequence: 3, reason: .reordered) = try AuditLog.verify(db) else {
            Issue.record("reordering not found: \(try AuditLog.verify(db))")
            return
        }
    }

    @Test func retentionPurgesSealedAnswersButKeepsMetadata() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        let old = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let young = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let waiting = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let t0 = station.clock.now()
        #expect(try station.queue.acknowledge([old.uuid], at: t0) == 1)
        #expect(try station.queue.acknowledge([old.uuid], at: t0) == 0)
        #expect(try station.queue.acknowledge([young.uuid], at: t0.addingTimeInterval(80 * 86_400)) == 1)

        let purged = try station.queue.purge(retentionDays: 90, now: t0.addingTimeInterval(91 * 86_400))
        #expect(purged == [old.receipt])
        let after = try #require(try station.queue.find(receipt: old.receipt))
        #expect(after.purgedAt != nil && after.matter == matter.code && after.receiptQR == old.receiptQR)
        let sealed = try station.queue.database.writer.read { try Row.fetchAll($0, sql: "SELECT receipt FROM submission WHERE sealed IS NOT NULL") }.map { $0["receipt"] as String }
        #expect(Set(sealed) == [young.receipt, waiting.receipt])
        #expect(try station.queue.pending(limit: 10).map(\.uuid) == [waiting.uuid])
        #expect(try AuditLog.recent(station.queue.database).last?.event == "purged")
    }

    @Test func decisionsAndSetAsideAreRecordedOnce() throws {
        let station = try TestStation()
        let (matter, answers) = station.example("RS-GG-01")
        let a = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let b = try station.submitter.submit(matter: matter, answers: answers, channel: .selfService).summary
        let now = station.clock.now()
        try station.queue.markForwarded([a.uuid, b.uuid], at: now)
        try station.queue.setAside(b.uuid, reason: "unknown matter", at: now)
        #expect(try station.queue.find(receipt: b.receipt)?.state == .setAside)
        #expect(try station.queue.pending(limit: 10).map(\.uuid) == [a.uuid])
        #expect(try station.queue.recordDecision(uuid: a.uuid, decision: .rejected, reason: "材料不全", decidedAt: now, at: now))
        #expect(try !station.queue.recordDecision(uuid: a.uuid, decision: .rejected, reason: "材料不全", decidedAt: now, at: now))
        let shown = try #require(try station.queue.find(receipt: a.receipt.lowercased().replacingOccurrences(of: "-", with: "")))
        #expect(shown.status(.zhHans) == "不予受理:材料不全")
        let stats = try station.queue.stats()
        #expect(stats.byState == ["forwarded": 1, "set_aside": 1])
        #expect(stats.byDecision == ["rejected": 1])
    }
}
