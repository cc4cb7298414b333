import Foundation
import Testing
import TestSupport
import SyncProtocol
import TownCenter

@Suite("Town desk in headless Chromium", .serialized)
struct DeskBrowserTests {
    @Test("a case a real kiosk forwarded: signed in, filtered, opened, ticked and rejected in Chromium, and a walk-in with a repeat group and a relevant field taken and its receipt printed; the kiosk then shows the rejection")
    func rejectInBrowser() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "chromium-driver is missing: run scripts/install-deps.sh as root")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cups = try PrivateCups()
        let (center, common, receipt) = try forwardedCase(
            in: directory,
            serveArguments: ["--receipt-printer", "bianmin-receipt", "--authority", "XX县新河镇人民政府", "--county", "XX县", "--window-series", "XHZX"],
            environment: ["CUPS_SERVER": cups.server])

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
        #expect(browser.stdout.contains("desk browser test: 7 steps passed"))
        print("desk screenshots in \(screenshots.path)")

        // The walk-in: a window case of the center's series, with both household members, and its receipt on the 80 mm queue.
        let walkIn = try #require(browser.stdout.split(separator: "\n").first { $0.hasPrefix("walk-in receipt ") }).dropFirst("walk-in receipt ".count)
        #expect(walkIn.hasPrefix("XHZX-"))
        let opened = try await center.open().openAnswers(receipt: String(walkIn))
        #expect(opened.submission.summary.channel == .window)
        let answers = try JSONSerialization.jsonObject(with: opened.answers) as? [String: Any]
        #expect((answers?["members"] as? [Any])?.count == 2 && answers?["work_years"] as? Double == 3)
        let output = cups.output(of: "bianmin-receipt")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: output) && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        let printed = try runTool("pdftotext", [output, "-"]).output.filter { !$0.isWhitespace }
        #expect(printed.contains(walkIn) && printed.contains("为民服务中心窗口"))

        let stored = try await center.open().database.submission(receipt: receipt).summary
        #expect(stored.state == "rejected" && stored.reason == reason)
        #expect(try run("kiosk", ["forward", "--once"] + common).status == 0)
        let shown = try run("kiosk", ["queue", "show", receipt, "--json"] + common)
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["decision"] as? String == "rejected")
        #expect(object?["decision_reason"] as? String == reason)
    }
}
