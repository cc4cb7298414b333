import Foundation
import GRDB
import KioskSecurity
import SyncProtocol
import Testing
import TestSupport
import TownCenter

@Suite("Staff operations")
struct StaffTests {
    /// A center with `count` submissions from an enrolled station, stored directly.
    func centerWithSubmissions(_ count: Int) async throws -> (Center, URL, TestStation, [SubmissionItem]) {
        let (center, directory) = try await makeCenter()
        let station = TestStation()
        try await center.enrolDirectly(station)
        let checker = try await center.submissionChecker(for: station.publicKey)
        let items = try (1...count).map {
            try station.item(to: center.keys.agreement.publicKey, sequence: $0, answers: #"{"name":"王五","n":\#($0)}"#)
        }
        _ = try await center.database.ingest(
            station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: center.now + 600,
            items: items.map(checker.check), now: center.now)
        return (center, directory, station, items)
    }

    @Test("show opens the sealed answers with the center's key and records it in the audit trail")
    func show() async throws {
        let (center, directory, _, items) = try await centerWithSubmissions(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let receipt = try SignedReceipt(qrText: items[1].receipt).record.receiptNumber.description
        let opened = try await center.openAnswers(receipt: receipt)
        #expect(String(decoding: opened.answers, as: UTF8.self) == #"{"name":"王五","n":2}"#)
        #expect(opened.submission.summary.uuid == items[1].uuid)
        #expect(try await center.database.auditEvents().last?.event == "opened")

        // The answers are nowhere in the database in clear.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: center.directory.database))
            + ((try? Data(contentsOf: URL(fileURLWithPath: center.directory.database + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("王五".utf8)) == nil)
    }

    @Test("export includes decisions and opened answers")
    func export() async throws {
        let (center, directory, _, items) = try await centerWithSubmissions(3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let receipt = try SignedReceipt(qrText: items[0].receipt).record.receiptNumber.description
        try await center.database.decide(receipt: receipt, state: .accepted, reason: nil, now: center.now)
        let rows = try await center.export(since: 0)
        #expect(rows.count == 3)
        #expect(rows[0].submission.decisions.map(\.state) == [.accepted])
        #expect(rows.map { String(decoding: $0.answers, as: UTF8.self) }.allSatisfy { $0.contains("王五") })
        #expect(try await center.export(since: center.now + 10).isEmpty)
    }

    @Test("receipt verify accepts an enrolled station's receipt and refuses forged or unknown ones")
    func receiptVerify() async throws {
        let (center, directory, station, items) = try await centerWithSubmissions(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let verified = try await center.verifyReceipt(qrText: items[0].receipt).get()
        #expect(verified.record.stationID == station.id)
        #expect(verified.stored?.uuid == items[0].uuid)

        let forged = try station.item(to: center.keys.agreement.publicKey, sequence: 2, signer: TestStation().identity)
        let forgedOutcome = try await center.verifyReceipt(qrText: forged.receipt)
        #expect(throws: ReceiptVerificationError.signatureInvalid) { try forgedOutcome.get() }
        let foreign = try TestStation("XH09").item(to: center.keys.agreement.publicKey, sequence: 1)
        let foreignOutcome = try await center.verifyReceipt(qrText: foreign.receipt)
        #expect(throws: ReceiptVerificationError.unknownStation("XH09")) { try foreignOutcome.get() }
    }

    @Test("the audit trail verifies, and an edited or deleted entry is named")
    func audit() async throws {
        let (center, directory, _, items) = try await centerWithSubmissions(3)
        defer { try? FileManager.default.removeItem(at: directory) }
        // One batch: its entries are chained in item order.
        #expect(try await center.database.auditEvents().filter { $0.event == "stored" }.map(\.uuid) == items.map(\.uuid.uuidString))
        guard case .intact(let count, _) = try await center.database.verifyAudit() else {
            Issue.record("audit trail should verify")
            return
        }
        #expect(count >= 6)  // initialized, catalog, token, enrolled, 3 × stored
        let events = try await center.database.auditEvents().map(\.event)
        #expect(events.prefix(4) == ["initialized", "catalog_published", "token_issued", "enrolled"])
        #expect(events.filter { $0 == "stored" }.count == 3)

        try await center.database.writer.write { db in
            try db.execute(sql: "UPDATE audit SET body = CAST(REPLACE(CAST(body AS TEXT), 'stored', 'xtored') AS BLOB) WHERE seq = 5")
        }
        #expect(try await center.database.verifyAudit() == .broken(index: 4, sequence: 5, reason: .edited))
        try await center.database.writer.write { db in try db.execute(sql: "DELETE FROM audit WHERE seq = 5") }
        #expect(try await center.database.verifyAudit() == .broken(index: 4, sequence: 6, reason: .deleted(missing: 5...5)))
    }

    @Test("an audit entry's body is the JSON SyncJSON writes, byte for byte, and reads back")
    func auditBodyMatchesTheEncoder() throws {
        var generator = SeededGenerator.forTest()
        let characters: [Character] = ["a", "张", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "\u{2028}", "😀"]
        func text() -> String? {
            Bool.random(using: &generator) ? nil
                : String((0..<Int.random(in: 0...5, using: &generator)).map { _ in characters.randomElement(using: &generator)! })
        }
        for _ in 0..<300 {
            let event = AuditEvent(
                at: Int64.random(in: -5...Int64.max, using: &generator), event: text() ?? "stored", station: text(),
                receipt: text(), uuid: text(), detail: text())
            let expected = try SyncJSON.encoder().encode(event)
            if event.body != expected {
                Issue.record("\(String(decoding: event.body, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
            }
            #expect(try JSONDecoder().decode(AuditEvent.self, from: event.body) == event)
        }
    }
}
