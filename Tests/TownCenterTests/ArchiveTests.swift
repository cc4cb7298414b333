@preconcurrency import Crypto
import Foundation
import KioskCore
import Testing
import TestSupport
import TownCenter
import TownDesk

/// Takes `receipt` of `center` from received to archived (approved by the county, its decision notice
/// issued, delivered at the window); returns the archive number it got.
@discardableResult
func archive(_ receipt: String, of center: Center) async throws -> String {
    let calendar = nationalDay2026
    for (action, staff) in [(CaseAction.accept, "win"), (.sendToCounty(unit: "县民政局"), "win"), (.decide(approved: true, reasons: ""), "mz")] {
        try await center.transition(receipt: receipt, action, staff: staff, calendar: calendar)
    }
    _ = try await NoticeIssuer(center: center, authority: "XX县新河镇人民政府", county: "XX县", town: "新河")
        .issue(.decision, receipt: receipt, staff: "win", calendar: calendar)
    try await center.transition(receipt: receipt, .deliver(.window, recipient: "申请人本人"), staff: "win", calendar: calendar)
    let number = try await center.nextArchiveNumber(receipt: receipt, format: NoticeNumberFormat(validating: "{year}-{prefix}-{seq:4}")!)
    try await center.transition(receipt: receipt, .archive(number: number), staff: "win", calendar: calendar)
    return number
}

@Suite("archive packages (档案)")
struct ArchiveTests {
    @Test("a package holds the form, the notice as issued, the answers and the audit entries, signed; one byte changed in any member is named")
    func packageAndTampering() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await archive(receipts[0], of: center)
        let second = try await archive(receipts[1], of: center)
        #expect(first == "2026-MZ-0001" && second == "2026-MZ-0002", "numbered in the year and department")

        let packager = ArchivePackager(center: center, authority: "XX县新河镇人民政府")
        let (manifest, url) = try await packager.write(receipt: receipts[0], into: directory.appendingPathComponent("out"), staff: "win")
        #expect(url.lastPathComponent == "2026-MZ-0001")
        #expect(manifest.files.map(\.name) == ["answers.json", "application-form.pdf", "audit.json", "notice-01-decision.pdf"])
        #expect(manifest.outcome == "delivered" && manifest.retentionYears == 10 && manifest.retainUntil == "2036-12-31")
        #expect(manifest.receipt == receipts[0] && manifest.matter == "MZ-GG-01" && manifest.station == "XH03")
        let key = center.keys.signer.verifier.key
        #expect(ArchiveVerifier.verify(url, trusting: key).isValid)
        #expect(try noticeText(url.appendingPathComponent("application-form.pdf").path).contains(receipts[0]))
        #expect(try noticeText(url.appendingPathComponent("notice-01-decision.pdf").path).contains("新河便决〔2026〕第0001号"))
        let audit = try String(contentsOf: url.appendingPathComponent("audit.json"), encoding: .utf8)
        #expect(audit.contains("\"transition\"") && audit.contains(receipts[0]))

        for name in manifest.files.map(\.name) + ["manifest.json"] {
            let file = url.appendingPathComponent(name)
            let original = try Data(contentsOf: file)
            var changed = original
            changed[changed.count / 2] ^= 0x01
            try changed.write(to: file)
            let outcome = ArchiveVerifier.verify(url, trusting: key)
            #expect(!outcome.isValid && outcome.problems.contains { $0.hasPrefix("\(name): changed") }, "\(name): \(outcome.problems)")
            try original.write(to: file)
        }
        try FileManager.default.removeItem(at: url.appendingPathComponent("answers.json"))
        #expect(ArchiveVerifier.verify(url, trusting: key).problems == ["answers.json: missing"])
        try await packager.write(receipt: receipts[0], into: directory.appendingPathComponent("out"), staff: "win")
        try Data("x".utf8).write(to: url.appendingPathComponent("extra.txt"))
        #expect(ArchiveVerifier.verify(url, trusting: key).problems == ["extra.txt: not in the manifest"])
        try FileManager.default.removeItem(at: url.appendingPathComponent("extra.txt"))
        let stranger = Curve25519.Signing.PrivateKey().publicKey
        #expect(ArchiveVerifier.verify(url, trusting: stranger).problems.contains("manifest.json: signed with another key than the center's"))
        let written = try await center.database.auditEvents().filter { $0.event == "archive_written" }
        #expect(written.count == 2 && written.allSatisfy { $0.receipt == receipts[0] })
    }

    @Test("towncenter archive export writes a year's packages and an index (CSV, XLSX read back with openpyxl) atomically: a killed export leaves no half package that verifies")
    func exportAndKill() async throws {
        let (center, _, receipts, directory) = try await workflowCenter(24)
        defer { try? FileManager.default.removeItem(at: directory) }
        for receipt in receipts { try await archive(receipt, of: center) }
        let data = center.directory.url.path
        let out = directory.appendingPathComponent("county-archive")
        let year = String(ChinaTime.day(center.now).year)

        // Killed as soon as it starts writing its first package.
        let process = Process()
        process.executableURL = builtProducts.appendingPathComponent("towncenter")
        process.arguments = ["archive", "export", "--year", year, "--to", out.path, "--data", data]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
              ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty {
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let key = center.keys.signer.verifier.key
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        for name in left where !name.hasSuffix(".csv") && !name.hasSuffix(".xlsx") {
            let outcome = ArchiveVerifier.verify(out.appendingPathComponent(name), trusting: key)
            #expect(outcome.isValid == !name.hasPrefix("."), "\(name): \(outcome.problems)")
        }
        print("after the kill: \(left.filter { !$0.hasPrefix(".") }.count) packages in place, \(left.filter { $0.hasPrefix(".") }.count) half written")

        let finished = try run("towncenter", ["archive", "export", "--year", year, "--to", out.path, "--data", data])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("24 packages archived in \(year)"))
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names.filter { $0.hasPrefix(".") }.isEmpty, "half-written packages are cleared: \(names)")
        #expect(names.count == 26 && names.contains("2026-MZ-0024"))
        let verified = try run("towncenter", ["archive", "verify", out.appendingPathComponent("2026-MZ-0007").path, "--data", data])
        #expect(verified.status == 0 && verified.stdout.contains("verified"), "\(verified.stdout)")
        let csv = try Data(contentsOf: out.appendingPathComponent("index.csv"))
        #expect(csv.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "a byte-order mark for Excel")
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("档号,回执编号") && text.contains("2026-MZ-0001,\(receipts[0]),MZ-GG-01"), "\(text.prefix(300))")
        let read = try run(
            "/usr/bin/python3",
            ["-c", "import sys, openpyxl; s = openpyxl.load_workbook(sys.argv[1]).active; print(s.max_row, s['A2'].value, s['I2'].value.date())",
             out.appendingPathComponent("index.xlsx").path])
        #expect(read.stdout.hasPrefix("25 2026-MZ-0001 "), "\(read.stdout) \(read.stderr)")

        let file = out.appendingPathComponent("2026-MZ-0007/application-form.pdf")
        var bytes = try Data(contentsOf: file)
        bytes[100] ^= 0x20
        try bytes.write(to: file)
        let refused = try run("towncenter", ["archive", "verify", out.appendingPathComponent("2026-MZ-0007").path, "--data", data])
        #expect(refused.status == 1 && refused.stdout.contains("refused: application-form.pdf: changed"), "\(refused.stdout)")
    }
}
