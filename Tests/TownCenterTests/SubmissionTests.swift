import Foundation
import GRDB
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter

@Suite("Submissions over HTTP")
struct SubmissionTests {
    @Test("the center's database syncs every commit: an acknowledgement means stored on disk")
    func everyCommitIsSyncedToDisk() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let synchronous = try await center.database.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL, not the pool's own NORMAL
    }

    /// Enrols a station and returns it with a batch of `count` good items.
    func enrolled(_ center: RunningCenter, count: Int = 3) async throws -> (TestStation, [SubmissionItem]) {
        let station = TestStation()
        #expect(try await enroll(station, at: center).status == 200)
        let items = try (1...count).map { try station.item(to: center.center.keys.agreement.publicKey, sequence: $0) }
        return (station, items)
    }

    @Test("a batch is stored and acknowledged; resent, every item is a duplicate and nothing changes")
    func storeAndDuplicate() async throws {
        try await withRunningCenter { center in
            let (station, items) = try await enrolled(center)
            let (first, request) = try await submit(items, from: station, to: center)
            #expect(first.status == 200)
            try center.verifier.verifyResponse(
                status: 200, requestNonce: request.nonce, body: first.body, signature: first.centerSignature)
            let result = try first.decode(BatchResult.self)
            #expect(result.results.map(\.outcome) == [.stored, .stored, .stored])
            #expect(result.results.map(\.uuid) == items.map(\.uuid))
            #expect(result.catalogVersion == "2026.11.1")

            var resent = items
            resent[1].formPrinted = false  // print state is not content
            let (second, _) = try await submit(resent, from: station, to: center, gzip: true)
            #expect(try second.decode(BatchResult.self).results.map(\.outcome) == [.duplicate, .duplicate, .duplicate])
            #expect(try await center.center.database.submissionCount() == 3)
            let stored = try await center.center.database.submissions(SubmissionFilter(station: station.id))
            #expect(Set(stored.map(\.uuid)) == Set(items.map(\.uuid)))
            #expect(stored.allSatisfy { $0.state == "received" && $0.formPrinted && $0.assistant == "A01" })
        }
    }

    @Test("replayed, altered, wrongly signed and stale requests are refused, counted, and store nothing")
    func refusedRequests() async throws {
        try await withRunningCenter { center in
            let (station, items) = try await enrolled(center)
            let (first, request) = try await submit(Array(items.prefix(1)), from: station, to: center)
            #expect(first.status == 200)

            // The very same request again (same nonce): a replay.
            let replay = try await request.send(to: center)
            #expect(replay.status == 409)
            #expect(replay.errorCode == "replayed_nonce")

            let body = try SyncJSON.encode(SubmissionBatch(items: Array(items.suffix(2))))
            let target = SyncPath.submissions(station: station.id)

            var altered = try SignedRequest("POST", target, body: body, station: station)
            altered.body = try SyncJSON.encode(SubmissionBatch(items: Array(items.suffix(1))))
            let alteredAnswer = try await altered.send(to: center)
            #expect(alteredAnswer.status == 401)
            #expect(alteredAnswer.errorCode == "body_digest_mismatch")

            // Body and digest changed together: the signature no longer matches.
            var rehashed = try SignedRequest("POST", target, body: body, station: station)
            rehashed.body = try SyncJSON.encode(SubmissionBatch(items: Array(items.suffix(1))))
            rehashed.headers = rehashed.headers.map {
                $0.name == SyncHeader.contentSHA256 ? ($0.name, sha256Hex(rehashed.body)) : $0
            }
            #expect(try await rehashed.send(to: center).errorCode == "signature_invalid")

            let wrongKey = try await SignedRequest(
                "POST", target, body: body, station: station, signWith: TestStation().identity
            ).send(to: center)
            #expect(wrongKey.status == 401)
            #expect(wrongKey.errorCode == "signature_invalid")

            let stale = try await SignedRequest(
                "POST", target, body: body, station: station, date: Date().addingTimeInterval(-301 - 60)
            ).send(to: center)
            #expect(stale.status == 401)
            #expect(stale.errorCode == "stale_date")
            let future = try await SignedRequest(
                "POST", target, body: body, station: station, date: Date().addingTimeInterval(400)
            ).send(to: center)
            #expect(future.errorCode == "stale_date")

            // Signed by this station but addressed to another station's path.
            let otherPath = try await SignedRequest(
                "POST", SyncPath.submissions(station: "XH99"), body: body, station: station
            ).send(to: center)
            #expect(otherPath.status == 403)
            #expect(otherPath.errorCode == "station_mismatch")

            for answer in [replay, alteredAnswer, wrongKey, stale, future, otherPath] { #expect(answer.centerSignature == nil) }
            #expect(try await center.center.database.submissionCount() == 1)
            let counts = try await center.center.refusalCounts()
            #expect(counts["replayed_nonce"] == 1)
            #expect(counts["body_digest_mismatch"] == 1)
            #expect(counts["signature_invalid"] == 2)
            #expect(counts["stale_date"] == 2)
            #expect(counts["station_mismatch"] == 1)
        }
    }

    @Test("a conflicting resend is recorded and never overwrites the stored submission")
    func conflict() async throws {
        try await withRunningCenter { center in
            let (station, items) = try await enrolled(center, count: 1)
            let original = items[0]
            _ = try await submit([original], from: station, to: center)
            let centerKey = center.center.keys.agreement.publicKey
            // Same UUID, same receipt number, different answers.
            let changed = try station.item(
                to: centerKey, sequence: 1, answers: #"{"applicant_name":"李四"}"#, uuid: original.uuid)
            // Another UUID reusing the stored receipt number.
            let reused = try station.item(to: centerKey, sequence: 1)
            let (answer, _) = try await submit([changed, reused], from: station, to: center)
            let results = try answer.decode(BatchResult.self).results
            #expect(results.map(\.outcome) == [.conflict, .conflict])
            #expect(results.allSatisfy { $0.reason == .conflict })
            #expect(try await center.center.database.conflictCount(uuid: original.uuid) == 1)
            #expect(try await center.center.database.conflictCount(uuid: reused.uuid) == 1)

            let receipt = try SignedReceipt(qrText: original.receipt).record.receiptNumber.description
            let opened = try await center.center.openAnswers(receipt: receipt)
            #expect(String(decoding: opened.answers, as: UTF8.self).contains("张三"))
            #expect(opened.submission.receiptQR == original.receipt)
            #expect(try await center.center.database.submissionCount() == 1)
        }
    }

    @Test("bad items are rejected with their reason while good items in the same batch are stored")
    func rejections() async throws {
        try await withRunningCenter { center in
            let (station, good) = try await enrolled(center, count: 1)
            let key = center.center.keys.agreement.publicKey
            let forged = try station.item(to: key, sequence: 2, signer: TestStation().identity)
            let foreign = try station.item(to: key, sequence: 3, receiptStation: "XH04", signer: TestStation("XH04").identity)
            let unknownMatter = try station.item(to: key, sequence: 4, matter: "ZZ-99")
            var mismatchedPayload = try station.item(to: key, sequence: 5)
            mismatchedPayload.sealedPayload = try station.item(to: key, sequence: 5).sealedPayload
            let otherCenter = try station.item(to: CenterKeyPair.generate().publicKey, sequence: 6)
            var wrongMatter = try station.item(to: key, sequence: 7)
            wrongMatter.matter = "MZ-GG-02"
            var wrongUUID = try station.item(to: key, sequence: 8)
            wrongUUID.uuid = UUID()
            var unreadable = try station.item(to: key, sequence: 9)
            unreadable.receipt = "BM1:NOT-A-RECEIPT"
            var garbage = try station.item(to: key, sequence: 10)
            garbage.sealedPayload = "%%%"

            let batch = [forged, good[0], foreign, unknownMatter, mismatchedPayload, otherCenter, wrongMatter, wrongUUID,
                         unreadable, garbage]
            let (answer, _) = try await submit(batch, from: station, to: center)
            let results = try answer.decode(BatchResult.self).results
            #expect(results.map(\.outcome) == [.rejected, .stored] + Array(repeating: .rejected, count: 8))
            #expect(results.map(\.reason) == [
                .receiptSignatureInvalid, nil, .receiptStationMismatch, .unknownMatter, .payloadDigestMismatch, .unknownKeyID,
                .matterMismatch, .payloadContextMismatch, .receiptUnreadable, .payloadMalformed,
            ])
            #expect(try await center.center.database.submissionCount() == 1)
            let rejected = try await center.center.database.auditEvents().filter { $0.event == "rejected" }
            #expect(rejected.count == 9)
        }
    }

    @Test("a corrupt gzip body is refused")
    func corruptGzip() async throws {
        try await withRunningCenter { center in
            let (station, items) = try await enrolled(center, count: 1)
            var compressed = try Gzip.compress(try SyncJSON.encode(SubmissionBatch(items: items)))
            compressed[compressed.count / 2] ^= 0xFF
            var request = try SignedRequest("POST", SyncPath.submissions(station: station.id), body: compressed, station: station)
            request.contentEncoding = "gzip"
            let answer = try await request.send(to: center)
            #expect(answer.status == 400)
            #expect(answer.errorCode == "bad_gzip")
            #expect(try await center.center.database.submissionCount() == 0)
        }
    }
}
