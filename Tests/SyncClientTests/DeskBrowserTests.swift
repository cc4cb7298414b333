import Foundation
import Testing
import TestSupport
import TownCenter

@Suite("Town desk in headless Chromium", .serialized)
struct DeskBrowserTests {
    @Test("a case a real kiosk forwarded: signed in, filtered, opened, ticked and rejected in Chromium; the kiosk then shows the rejection")
    func rejectInBrowser() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "chromium-driver is missing: run scripts/install-deps.sh as root")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let center = try CenterProcess(data: directory.appendingPathComponent("center").path)
        let config = directory.appendingPathComponent("kiosk-config")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
        let common = ["--config", config.path, "--data", directory.appendingPathComponent("kiosk").path]

        #expect(try run("kiosk", ["init"] + common).status == 0)
        let enrolled = try run("kiosk", ["enroll", "--center", center.url, "--token", try center.token(for: "XH03")] + common)
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
        let example = try run("kiosk", ["answers", "example", "--matter", "MZ-GG-01"] + common)
        let answers = directory.appendingPathComponent("answers.json")
        try Data(example.stdout.utf8).write(to: answers)
        let submitted = try run("kiosk", ["submit", "--matter", "MZ-GG-01", "--answers", answers.path] + common)
        try #require(submitted.status == 0, "\(submitted.stderr)")
        let receipt = String(submitted.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))
        #expect(try run("kiosk", ["forward", "--once"] + common).status == 0)

        let password = "柳树湾-窗口-2026\n"
        let added = try run(
            "towncenter", ["staff", "add", "--id", "li.na", "--name", "李娜", "--role", "window", "--data", center.data],
            stdin: Data(password.utf8))
        try #require(added.status == 0, "\(added.stderr)")

        let screenshots = packageRoot.appendingPathComponent(".build/desk-screenshots")
        let reason = "不属于本镇受理范围"
        let browser = try run(
            "/usr/bin/python3",
            [packageRoot.appendingPathComponent("scripts/desk-browser-test.py").path, "--url", center.deskURL, "--user", "li.na",
             "--matter", "MZ-GG-01", "--receipt", receipt, "--reason", reason, "--screenshots", screenshots.path, "--timeout", "150"],
            stdin: Data(password.utf8))
        #expect(browser.status == 0, "\(browser.stderr)")
        #expect(browser.stdout.contains("desk browser test: 6 steps passed"))
        print("desk screenshots in \(screenshots.path)")

        let stored = try await center.open().database.submission(receipt: receipt).summary
        #expect(stored.state == "rejected" && stored.reason == reason)
        #expect(try run("kiosk", ["forward", "--once"] + common).status == 0)
        let shown = try run("kiosk", ["queue", "show", receipt, "--json"] + common)
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["decision"] as? String == "rejected")
        #expect(object?["decision_reason"] as? String == reason)
    }
}
