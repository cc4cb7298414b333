import Foundation
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter

@Suite("Decisions flow back")
struct UpdatesTests {
    func fetch(_ station: TestStation, after cursor: String?, from center: RunningCenter) async throws -> UpdatesPage {
        let request = try SignedRequest("GET", SyncPath.updates(station: station.id, after: cursor), station: station)
        let answer = try await request.send(to: center)
        #expect(answer.status == 200)
        try center.verifier.verifyResponse(
            status: 200, requestNonce: request.nonce, body: answer.body, signature: answer.centerSignature)
        return try answer.decode(UpdatesPage.self)
    }

    @Test("decisions show up in the station's updates, paged by cursor, and only for that station")
    func paging() async throws {
        try await withRunningCenter(configuration: CenterConfiguration(updatesPageSize: 2, idleTimeout: 600, headerTimeout: 300)) { center in
            let station = TestStation("XH03"), neighbour = TestStation("XH05")
            #expect(try await enroll(station, at: center).status == 200)
            #expect(try await enroll(neighbour, at: center).status == 200)
            let key = center.center.keys.agreement.publicKey
            let items = try (1...3).map { try station.item(to: key, sequence: $0) }
            _ = try await submit(items, from: station, to: center)
            _ = try await submit([try neighbour.item(to: key, sequence: 1)], from: neighbour, to: center)
            let receipts = try items.map { try SignedReceipt(qrText: $0.receipt).record.receiptNumber.description }

            let empty = try await fetch(station, after: nil, from: center)
            #expect(empty.decisions.isEmpty && !empty.more)
            #expect(empty.catalogVersion == "2026.11.1")

            let db = center.center.database
            try await db.decide(receipt: receipts[0], state: .accepted, reason: nil, now: 100)
            try await db.decide(receipt: receipts[1], state: .needsMore, reason: "缺少户口簿复印件", now: 101)
            try await db.decide(receipt: receipts[2], state: .rejected, reason: "不符合条件", now: 102)
            let neighbourReceipt = try await db.submissions(SubmissionFilter(station: "XH05"))[0].receipt
            try await db.decide(receipt: neighbourReceipt, state: .accepted, reason: nil, now: 103)

            let first = try await fetch(station, after: empty.cursor, from: center)
            #expect(first.decisions.map(\.receipt) == [receipts[0], receipts[1]])
            #expect(first.decisions.map(\.state) == [.accepted, .needsMore])
            #expect(first.decisions[1].reason == "缺少户口簿复印件")
            #expect(first.more)
            let second = try await fetch(station, after: first.cursor, from: center)
            #expect(second.decisions.map(\.state) == [.rejected])
            #expect(second.decisions[0].uuid == items[2].uuid)
            #expect(!second.more)
            let third = try await fetch(station, after: second.cursor, from: center)
            #expect(third.decisions.isEmpty)
            #expect(third.cursor == second.cursor)

            try await db.decide(receipt: receipts[0], state: .completed, reason: nil, now: 104)
            let later = try await fetch(station, after: third.cursor, from: center)
            #expect(later.decisions.map(\.state) == [.completed])

            let neighbourPage = try await fetch(neighbour, after: nil, from: center)
            #expect(neighbourPage.decisions.map(\.receipt) == [neighbourReceipt])

            let bad = try await SignedRequest("GET", SyncPath.updates(station: station.id, after: "nonsense"), station: station)
                .send(to: center)
            #expect(bad.errorCode == "bad_cursor")
        }
    }

    @Test("a signed answer does not verify for another request, another body or another status")
    func oldAckNotReplayable() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            #expect(try await enroll(station, at: center).status == 200)
            let request = try SignedRequest("GET", SyncPath.updates(station: station.id, after: nil), station: station)
            let answer = try await request.send(to: center)
            let verifier = center.verifier
            try verifier.verifyResponse(status: 200, requestNonce: request.nonce, body: answer.body, signature: answer.centerSignature)
            #expect(throws: SyncProtocolError.responseSignatureInvalid) {
                try verifier.verifyResponse(
                    status: 200, requestNonce: RequestSignature.makeNonce(), body: answer.body, signature: answer.centerSignature)
            }
            #expect(throws: SyncProtocolError.responseSignatureInvalid) {
                try verifier.verifyResponse(
                    status: 200, requestNonce: request.nonce, body: answer.body + Data(" ".utf8), signature: answer.centerSignature)
            }
            #expect(throws: SyncProtocolError.responseSignatureInvalid) {
                try verifier.verifyResponse(status: 201, requestNonce: request.nonce, body: answer.body, signature: answer.centerSignature)
            }
            // A captive portal's page: 200, HTML, no signature.
            let portal = Data("<html><body>Welcome to VillageNet. Please log in.</body></html>".utf8)
            #expect(throws: SyncProtocolError.responseNotSigned) {
                try verifier.verifyResponse(status: 200, requestNonce: request.nonce, body: portal, signature: nil)
            }
            #expect(throws: SyncProtocolError.responseSignatureInvalid) {
                try verifier.verifyResponse(status: 200, requestNonce: request.nonce, body: portal, signature: answer.centerSignature)
            }
        }
    }
}

@Suite("Decisions at the center")
struct DecisionRuleTests {
    @Test("rejection and missing material need a text; completed and rejected are final; unknown receipts are named")
    func rules() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        let key = center.keys.agreement.publicKey
        let checker = SubmissionChecker(station: station.publicKey, centerKeys: center.keys.agreementByID, matters: ["MZ-GG-01"], catalogVersions: ["2026.11.1"])
        let items = try (1...2).map { try station.item(to: key, sequence: $0) }
        let results = try await center.database.ingest(
            station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: center.now + 600,
            items: items.map(checker.check), now: center.now)
        #expect(results.map(\.outcome) == [.stored, .stored])
        let receipts = try items.map { try SignedReceipt(qrText: $0.receipt).record.receiptNumber.description }
        let db = center.database
        await #expect(throws: CenterError.decisionNeedsReason(.rejected)) {
            try await db.decide(receipt: receipts[0], state: .rejected, reason: "  ", now: 1)
        }
        await #expect(throws: CenterError.decisionNeedsReason(.needsMore)) {
            try await db.decide(receipt: receipts[0], state: .needsMore, reason: nil, now: 1)
        }
        await #expect(throws: CenterError.unknownReceipt("XH03-NOPE")) {
            try await db.decide(receipt: "XH03-NOPE", state: .accepted, reason: nil, now: 1)
        }
        try await db.decide(receipt: receipts[0], state: .completed, reason: nil, now: 2)
        await #expect(throws: CenterError.decisionFinal(receipt: receipts[0], state: .completed)) {
            try await db.decide(receipt: receipts[0], state: .accepted, reason: nil, now: 3)
        }
        try await db.decide(receipt: receipts[1], state: .rejected, reason: "材料不全", now: 2)
        await #expect(throws: CenterError.decisionFinal(receipt: receipts[1], state: .rejected)) {
            try await db.decide(receipt: receipts[1], state: .completed, reason: nil, now: 3)
        }
        let stored = try await db.submission(receipt: receipts[1])
        #expect(stored.summary.state == "rejected")
        #expect(stored.summary.reason == "材料不全")
        #expect(stored.decisions.map(\.state) == [.rejected])
    }
}
