import Foundation
import GRDB
import KioskSecurity
import SyncProtocol
import Testing
import TestSupport
import TownCenter

@Suite("The center's audit trail against its signed head")
struct AuditAnchorTests {
    /// Ways of tampering with the trail that keep its links whole.
    enum Tampering: String, CaseIterable, Sendable {
        case deleteLast, deleteAll, rewriteAfterEdit, removeAnchor
    }

    @Test("a trail cut short, emptied, rewritten after an edit, or without its signed head fails verification", arguments: Tampering.allCases)
    func tampered(_ tampering: Tampering) async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        try await enrolAndStore((1...3).map { try station.item(to: center.keys.agreement.publicKey, sequence: $0) }, from: station, at: center)
        guard case .intact(let count, let head) = try await center.database.verifyAudit() else {
            Issue.record("audit trail should verify")
            return
        }
        let anchored = try #require(try center.database.anchor.read())
        #expect(anchored.count == Int64(count) && anchored.head == head && anchored.isValid(signedBy: center.keys.signer.key.publicKey))

        let expected: ChainVerdict
        switch tampering {
        case .deleteLast:
            try await center.database.writer.write { try $0.execute(sql: "DELETE FROM audit WHERE seq > 3") }
            expected = .anchor(.cutShort(count: 3, anchored: Int64(count)))
        case .deleteAll:
            try await center.database.writer.write { try $0.execute(sql: "DELETE FROM audit") }
            expected = .anchor(.cutShort(count: 0, anchored: Int64(count)))
        case .rewriteAfterEdit:
            try await center.database.writer.write { db in
                var previous = try Data.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = 4")!
                for row in try Row.fetchAll(db, sql: "SELECT seq, body FROM audit WHERE seq >= 5 ORDER BY seq") {
                    let body = Data(String(decoding: row["body"] as Data, as: UTF8.self).replacingOccurrences(of: "stored", with: "xtored").utf8)
                    let hash = HashChain.link(previous: previous, entry: body)
                    try db.execute(
                        sql: "UPDATE audit SET prev_hash = ?, hash = ?, body = ? WHERE seq = ?",
                        arguments: [previous, hash, body, row["seq"] as Int64])
                    previous = hash
                }
            }
            expected = .anchor(.rewritten(sequence: Int64(count)))
        case .removeAnchor:
            try FileManager.default.removeItem(atPath: center.directory.auditAnchor)
            expected = .anchor(.missing(count: count))
        }
        #expect(try await center.database.verifyAudit() == expected)
        // Later appends do not move the signed head over the damage.
        try await center.database.audit(AuditEvent(at: center.now, event: "exported", detail: "0"))
        #expect(try await center.database.verifyAudit().isIntact == false)
        // `towncenter audit verify` on the data directory says so and exits 1.
        let verify = try towncenter(["audit", "verify", "--data", center.directory.url.path])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("audit log"))
    }

    @Test("a station's signed audit head is kept; a report with fewer entries, or as many with another hash, is flagged and audited")
    func stationHeads() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        try await enrolAndStore([], from: station, at: center)
        let key = station.identity.signingKey
        let database = center.database
        let five = try AuditHead.sign(count: 5, head: Data(repeating: 5, count: 32), at: 1, with: key)
        #expect(try await database.recordAuditHead(five, station: station.id, now: 10) == AuditHeadAnswer(count: 5, problem: nil))
        #expect(try await database.auditHead(station: station.id) == five)
        let seven = try AuditHead.sign(count: 7, head: Data(repeating: 7, count: 32), at: 2, with: key)
        #expect(try await database.recordAuditHead(seven, station: station.id, now: 11) == AuditHeadAnswer(count: 7, problem: nil))
        #expect(try await database.stationAuditFlags().isEmpty)

        let three = try AuditHead.sign(count: 3, head: Data(repeating: 3, count: 32), at: 3, with: key)
        #expect(try await database.recordAuditHead(three, station: station.id, now: 12) == AuditHeadAnswer(count: 7, problem: .cutShort))
        #expect(try await database.auditHead(station: station.id) == seven)
        let other = try AuditHead.sign(count: 7, head: Data(repeating: 9, count: 32), at: 4, with: key)
        #expect(try await database.recordAuditHead(other, station: station.id, now: 13) == AuditHeadAnswer(count: 7, problem: .rewritten))
        // The first flag stays.
        #expect(try await database.stationAuditFlags() == [
            StationAuditFlag(station: station.id, problem: .cutShort, reportedCount: 3, keptCount: 7, at: 12)
        ])
        #expect(try await database.auditEvents().suffix(2).map(\.event) == ["audit_head_cut_short", "audit_head_rewritten"])
        #expect(try await database.verifyAudit().isIntact)
        let verify = try towncenter(["audit", "verify", "--data", center.directory.url.path])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("station \(station.id) reported 3 audit entries, fewer than the 7"))
    }

    @Test("the audit-head route refuses a head out of range or signed with another key, and answers a good one signed")
    func route() async throws {
        try await withRunningCenter { running in
            let station = TestStation()
            try await enrolAndStore([], from: station, at: running.center)
            let target = SyncPath.auditHead(station: station.id)
            func post(_ head: AuditHead) async throws -> Answer {
                try await SignedRequest("POST", target, body: try SyncJSON.encode(head), station: station).send(to: running)
            }
            let stranger = TestStation().identity.signingKey
            #expect(try await post(try AuditHead.sign(count: 2, head: Data(count: 32), at: 1, with: stranger)).status == 400)
            #expect(try await post(try AuditHead.sign(count: -1, head: Data(), at: 1, with: station.identity.signingKey)).status == 400)
            #expect(try await post(try AuditHead.sign(count: 2, head: Data(count: 5), at: 1, with: station.identity.signingKey)).status == 400)
            let good = try await post(try AuditHead.sign(count: 2, head: Data(count: 32), at: 1, with: station.identity.signingKey))
            #expect(good.status == 200)
            #expect(good.centerSignature != nil)
            #expect(try good.decode(AuditHeadAnswer.self) == AuditHeadAnswer(count: 2, problem: nil))
            #expect(try await running.center.database.auditHead(station: station.id)?.count == 2)
        }
    }
}
