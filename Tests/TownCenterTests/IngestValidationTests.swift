import Foundation
import KioskCore
import SyncProtocol
import Testing
import TownCenter
import TestSupport

/// Station-supplied fields that are not signed are checked at ingest, and exports never carry a formula.
@Suite("ingest validation and export cells")
struct IngestValidationTests {
    @Test("assistant, catalog version and creation time are checked against the kiosk's rules and the signed receipt")
    func unsignedFieldsAreChecked() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        let key = center.keys.agreement.publicKey
        let checker = try await center.submissionChecker(for: station.publicKey)
        var items = try (1...6).map { try station.item(to: key, sequence: $0) }
        items[1].assistant = "=HYPERLINK(\"http://x\",\"x\")"
        items[2].assistant = nil  // assisted without an assistant
        items[3].channel = .selfService  // self-service naming an assistant
        items[4].catalogVersion = "=1+1"
        items[5].createdAt += 3600
        let outcomes = items.map(checker.check)
        let reasons: [RejectionReason?] = outcomes.map {
            if case .rejected(let result) = $0 { return result.reason } else { return nil }
        }
        #expect(reasons == [nil, .badAssistant, .badAssistant, .badAssistant, .unknownCatalogVersion, .createdAtMismatch])
        let results = try await center.database.ingest(
            station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: center.now + 600, items: outcomes, now: center.now)
        #expect(results.map(\.outcome) == [.stored, .rejected, .rejected, .rejected, .rejected, .rejected])
    }

    @Test("CSV export cells that start with = + - @ or a tab are neutralised")
    func exportNeutralisesFormulas() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let station = TestStation()
        let checker = try await center.submissionChecker(for: station.publicKey)
        let item = try station.item(to: center.keys.agreement.publicKey, sequence: 1)
        _ = try await center.database.ingest(
            station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: center.now + 600,
            items: [checker.check(item)], now: center.now)
        let receipt = try await center.database.submissions(SubmissionFilter()).first!.receipt
        try await center.database.decide(receipt: receipt, state: .needsMore, reason: "=HYPERLINK(\"http://x\",\"点我\")", now: center.now)
        let csv = try towncenter(["export", "--data", directory.appendingPathComponent("data").path, "--since", "2020-01-01", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains(#","'=HYPERLINK(""http://x"",""点我"")","#), "\(csv.stdout)")
        #expect(!csv.stdout.contains(#","=HYPERLINK"#))
        for (text, safe) in [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("1=1", "1=1"), ("", "")] {
            #expect(text.neutralizedForSpreadsheet == safe)
        }
    }
}
