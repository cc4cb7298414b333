import Foundation
import KioskSecurity
import SyncProtocol
import Testing
import TownCenter
import TestSupport

/// Runs the built `towncenter` with `arguments` to completion.
func towncenter(_ arguments: [String]) throws -> CommandResult { try run("towncenter", arguments) }

@Suite("towncenter command", .serialized)
struct CLITests {
    @Test("init, serve on port 0, enrol, receive, decide, show, export, verify and stop on SIGTERM")
    func fullRound() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("center").path

        let created = try towncenter(["init", "--data", data, "--catalog", demoCatalog.path])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("center key id:"))
        let again = try towncenter(["init", "--data", data, "--catalog", demoCatalog.path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))

        let serve = try ServedCenter(data: data)
        defer { serve.kill() }
        let port = serve.port

        let tokenJSON = try towncenter(["station", "enroll", "--data", data, "--station", "XH03", "--json"])
        #expect(tokenJSON.status == 0)
        let token = try #require(try JSONDecoder().decode([String: String].self, from: Data(tokenJSON.stdout.utf8))["token"])
        let station = TestStation("XH03")
        let centerKey = try CenterPublicKey.load(from: data + "-keys/center-x25519.pub")
        let verifier = try Center.open(dataDirectory: data).keys.signer.verifier
        try await withHTTPClient { http in
            let running = RunningCenter(center: try Center.open(dataDirectory: data), port: port, http: http)
            #expect(try await enroll(station, at: running, token: token).status == 200)

            let items = try (1...2).map { try station.item(to: centerKey, sequence: $0) }
            let (answer, request) = try await submit(items, from: station, to: running, gzip: true)
            try verifier.verifyResponse(status: 200, requestNonce: request.nonce, body: answer.body, signature: answer.centerSignature)
            #expect(try answer.decode(BatchResult.self).results.map(\.outcome) == [.stored, .stored])

            let list = try towncenter(["submissions", "list", "--data", data, "--json", "--station", "XH03"])
            let rows = try JSONDecoder().decode([CaseSummary].self, from: Data(list.stdout.utf8))
            #expect(rows.map(\.uuid) == items.map(\.uuid))
            let receipt = rows[0].receipt

            let bothFlags = try towncenter(["submissions", "decide", "--data", data, receipt, "--accept", "--complete"])
            #expect(bothFlags.status == 64)
            let decided = try towncenter(["submissions", "decide", "--data", data, receipt, "--needs-more", "身份证复印件"])
            #expect(decided.status == 0, "\(decided.stderr)")
            let unknown = try towncenter(["submissions", "decide", "--data", data, "XH03-20991231-0001-X", "--accept"])
            #expect(unknown.status == 66)

            let updates = try await SignedRequest("GET", SyncPath.updates(station: "XH03", after: nil), station: station)
                .send(to: running)
            let page = try updates.decode(UpdatesPage.self)
            #expect(page.decisions.map(\.state) == [.needsMore])
            #expect(page.decisions.first?.reason == "身份证复印件")

            let shown = try towncenter(["submissions", "show", "--data", data, receipt, "--json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
            #expect((object?["answers"] as? [String: Any])?["applicant_name"] as? String == "张三")
            let plain = try towncenter(["submissions", "show", "--data", data, receipt])
            #expect(plain.stdout.contains("needs_more — 身份证复印件"))

            let csv = try towncenter(["export", "--data", data, "--since", "2020-01-01", "--format", "csv"])
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("receipt,uuid,station") == true)
            #expect(csv.stdout.contains("13800138000"))
            let json = try towncenter(["export", "--data", data, "--since", "2020-01-01T00:00:00Z", "--format", "json"])
            #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.count == 2)

            #expect(try towncenter(["receipt", "verify", "--data", data, items[1].receipt]).status == 0)
            let forged = try station.item(to: centerKey, sequence: 3, signer: TestStation().identity)
            let refused = try towncenter(["receipt", "verify", "--data", data, forged.receipt])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("回执签名不符"))

            let audit = try towncenter(["audit", "verify", "--data", data])
            #expect(audit.status == 0)
            #expect(audit.stdout.contains("intact"))
        }

        #expect(serve.terminate() == 0)
    }

    @Test("--demo-keys uses the demo center key pair")
    func demoKeys() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("kiosk-config")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
        let data = directory.appendingPathComponent("center").path
        let created = try towncenter(["init", "--data", data, "--catalog", config.appendingPathComponent("catalog").path, "--demo-keys"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("7ff4ed5b0026ffb1"))
        #expect(created.stdout.contains("DEMO"))
        // The published demo key is copied into the keys directory, private there.
        #expect(try permissions(data + "-keys/center-x25519.key") == 0o600)
    }

    @Test("commands on a missing center say to run init")
    func notInitialized() throws {
        let result = try towncenter(["submissions", "list", "--data", "/nonexistent/center"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("towncenter init"))
    }

    @Test("calendar due counts working days over National Day, and says when a year's calendar is missing")
    func calendarDue() throws {
        let calendar = packageRoot.appendingPathComponent("center-config/calendar").path
        let due = try towncenter(["calendar", "due", "--from", "2026-09-30", "--working-days", "5", "--calendar", calendar])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.stdout == "2026-10-13\n")
        #expect(due.stderr.isEmpty)

        let estimate = try towncenter(["calendar", "due", "--from", "2026-12-30", "--working-days", "5", "--calendar", calendar])
        #expect(estimate.stdout == "2027-01-06\n")
        #expect(estimate.stderr.contains("estimate: no holiday calendar for 2027"))

        let check = try towncenter(["calendar", "check", "--calendar", calendar])
        #expect(check.stdout.contains("calendar years in"), "\(check.stderr)")
        #expect(check.stdout.contains("2026"))

        for bad in [["--from", "2026-02-30", "--working-days", "1"], ["--from", "2026-09-30", "--working-days", "-1"],
                    ["--from", "2026-09-30", "--working-days", "99999999999999999999"]] {
            let refused = try towncenter(["calendar", "due", "--calendar", calendar] + bad)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
        }
    }
}
