import Foundation
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter

@Suite("Enrolment over HTTP")
struct EnrolmentTests {
    @Test("a token enrols its own station once; other stations, reuse and unknown tokens are refused")
    func tokenRules() async throws {
        try await withRunningCenter { center in
            let station = TestStation("XH03")
            let token = try await center.center.issueToken(station: "XH03")

            let other = TestStation("XH04")
            let stolen = try await enroll(other, at: center, token: token)
            #expect(stolen.status == 403)
            #expect(stolen.errorCode == "token_station_mismatch")
            #expect(try await center.center.database.stationKey("XH04") == nil)

            let answer = try await enroll(station, at: center, token: token.lowercased())
            #expect(answer.status == 200)
            #expect(answer.centerSignature != nil)
            let enrolled = try answer.decode(EnrollResponse.self)
            #expect(enrolled.station == "XH03")
            #expect(enrolled.keyID == center.center.keys.agreement.keyID)
            #expect(enrolled.centerSigningKey == center.verifier.base64)
            #expect(try await center.center.database.stationKey("XH03")?.key.rawRepresentation
                == station.identity.publicKey.rawRepresentation)
            // The catalog delivered at enrolment verifies with the key delivered with it.
            let verifier = try #require(CenterVerifier(base64: enrolled.centerSigningKey))
            #expect(try enrolled.catalog.verifiedFiles(with: verifier).count == 36)

            let reused = try await enroll(station, at: center, token: token)
            #expect(reused.status == 403)
            #expect(reused.errorCode == "token_used")

            let unknown = try await enroll(station, at: center, token: "0000-0000-0000-0000")
            #expect(unknown.errorCode == "token_unknown")
            #expect(try await center.center.refusalCounts()["token_used"] == 1)
        }
    }

    @Test("the enrolment answer is signed for its own request only")
    func answerSigned() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            let token = try await center.center.issueToken(station: station.id)
            let nonce = RequestSignature.makeNonce()
            let request = try SignedRequest(
                "POST", SyncPath.enroll, body: try enrolment(station, token: token, nonce: nonce), station: station, nonce: nonce)
            let answer = try await request.send(to: center)
            #expect(answer.status == 200)
            try center.verifier.verifyResponse(
                status: 200, requestNonce: request.nonce, body: answer.body, signature: answer.centerSignature)
            #expect(throws: SyncProtocolError.responseSignatureInvalid) {
                try center.verifier.verifyResponse(
                    status: 200, requestNonce: RequestSignature.makeNonce(), body: answer.body, signature: answer.centerSignature)
            }
        }
    }

    @Test("an enrolment signed with a key other than the one enrolled is refused")
    func proofOfPossession() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            let token = try await center.center.issueToken(station: station.id)
            let nonce = RequestSignature.makeNonce()
            let answer = try await SignedRequest(
                "POST", SyncPath.enroll, body: try enrolment(station, token: token, nonce: nonce), station: station,
                signWith: TestStation().identity, nonce: nonce
            ).send(to: center)
            #expect(answer.status == 401)
            #expect(answer.errorCode == "signature_invalid")
            #expect(try await center.center.database.stationKey(station.id) == nil)
            // The token was not spent by the refused attempt.
            #expect(try await enroll(station, at: center, token: token).status == 200)
        }
    }

    @Test("a proof is bound to its request's nonce, the station's key and the station: altered, it matches no token")
    func proofBound() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            let token = try await center.center.issueToken(station: station.id)
            // A body captured in transit, sent again under a fresh nonce (signed by the station's own key).
            let captured = try enrolment(station, token: token, nonce: RequestSignature.makeNonce())
            let replayed = try await SignedRequest("POST", SyncPath.enroll, body: captured, station: station).send(to: center)
            #expect(replayed.errorCode == "token_unknown")
            // The same proof with another key put in: the key is what the proof covers.
            let intruder = TestStation(station.id)
            let nonce = RequestSignature.makeNonce()
            var swapped = try SyncJSON.decode(EnrollRequest.self, from: try enrolment(station, token: token, nonce: nonce))
            swapped.publicKey = intruder.identity.publicKeyBase64
            let answer = try await SignedRequest("POST", SyncPath.enroll, body: try SyncJSON.encode(swapped), station: intruder, nonce: nonce)
                .send(to: center)
            #expect(answer.errorCode == "token_unknown")
            #expect(try await center.center.database.stationKey(station.id) == nil)
            #expect(try await enroll(station, at: center, token: token).status == 200)
        }
    }

    @Test("an expired token is refused")
    func expired() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try await center.database.issueToken(station: "XH03", now: 1000, expiresAt: 2000)
        let station = TestStation("XH03")
        let nonce = RequestSignature.makeNonce()
        let proof = station.proof(of: token, nonce: nonce)
        await #expect(throws: CenterError.enrolment(.tokenExpired)) {
            try await center.database.enroll(station: "XH03", publicKey: station.identity.publicKeyBase64, proof: proof, nonce: nonce, now: 2001)
        }
    }

    @Test("an unenrolled station's batch and updates are refused and nothing is stored")
    func unenrolled() async throws {
        try await withRunningCenter { center in
            let station = TestStation()
            let item = try station.item(to: center.center.keys.agreement.publicKey, sequence: 1)
            let (answer, _) = try await submit([item], from: station, to: center)
            #expect(answer.status == 403)
            #expect(answer.errorCode == "unknown_station")
            #expect(answer.centerSignature == nil)
            let updates = try await SignedRequest("GET", SyncPath.updates(station: station.id, after: nil), station: station)
                .send(to: center)
            #expect(updates.status == 403)
            #expect(try await center.center.database.submissionCount() == 0)
            #expect(try await center.center.refusalCounts()["unknown_station"] == 2)
        }
    }
}
