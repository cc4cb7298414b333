import Foundation
import KioskCore
import KioskSecurity
import Testing
import TestSupport
import TownCenter

/// A center made in-process (station enrolled, `count` MZ-GG-01 cases of 李秀英 stored, staff `win`,
/// `boss`, `mz`) whose data directory the `towncenter` commands then work on.
func commandCenter(_ count: Int) async throws -> (data: String, receipts: [String], directory: URL) {
    let directory = try temporaryDirectory()
    let data = directory.appendingPathComponent("center").path
    let center = try await Center.initialize(dataDirectory: data, catalogDirectory: demoCatalog)
    let station = TestStation()
    let items = try (1...count).map {
        try station.item(to: center.keys.agreement.publicKey, sequence: $0, answers: #"{"name":"李秀英","phone":"13800138000"}"#)
    }
    try await enrolAndStore(items, from: station, at: center)
    for (id, role, department) in [("win", StaffRole.window, Department?.none), ("boss", .approver, nil), ("mz", .department, .civilAffairs)] {
        try await center.database.addStaff(
            StaffAccount(id: id, name: id, role: role, department: department, disabled: false, createdAt: center.now),
            passwordHash: "not-a-password")
    }
    return (data, try items.map { try SignedReceipt(qrText: $0.receipt).record.receiptNumber.description }, directory)
}

/// The shipped holiday calendar.
let shippedCalendar = packageRoot.appendingPathComponent("center-config/calendar").path

/// Text of a PDF without white space (pdftotext breaks lines where the layout does).
func noticeText(_ path: String) throws -> String {
    let text = try runTool("pdftotext", [path, "-"]).output
    return String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{0C}" }))
}

@Suite("case workflow commands", .serialized)
struct WorkflowCLITests {
    @Test("supplement → resubmit → accept → county → approve → deliver → archive through the commands, with notices read back by pdftotext")
    func commandsAndNotices() async throws {
        let (data, receipts, directory) = try await commandCenter(2)
        defer { try? FileManager.default.removeItem(at: directory) }
        let receipt = receipts[0]
        func step(_ arguments: [String], staff: String = "win") throws -> CommandResult {
            try towncenter(["submissions"] + arguments + ["--data", data, "--calendar", shippedCalendar, "--staff", staff])
        }
        func notice(_ kind: String, _ staff: String = "win", receipt: String = receipts[0]) throws -> (CommandResult, String) {
            let out = directory.appendingPathComponent("\(kind)-\(UUID().uuidString).pdf").path
            let result = try towncenter([
                "submissions", "notice", receipt, "--kind", kind, "--out", out, "--staff", staff, "--data", data,
                "--calendar", shippedCalendar, "--authority", "XX县新河镇人民政府", "--county", "XX县", "--town", "新河",
            ])
            return (result, result.status == 0 ? try noticeText(out) : "")
        }

        let asked = try step(["supplement", receipt, "--item", "户口簿复印件", "--item", "收入证明"])
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.contains("received -> needs_supplement"))
        let (printed, text) = try notice("supplement")
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout == "新河便补〔2026〕第0001号\n")
        for expected in ["补正材料通知书", "新河便补〔2026〕第0001号", "李秀英:", "1.户口簿复印件", "2.收入证明", receipt, "XX县新河镇人民政府"] {
            #expect(text.contains(expected), "\(expected)")
        }
        let status = try towncenter(["submissions", "status", receipt, "--data", data, "--calendar", shippedCalendar, "--json"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(shown["state"] as? String == "needs_supplement")
        #expect(shown["missing"] as? [String] == ["户口簿复印件", "收入证明"])

        // Nothing to give notice of yet, and steps that do not apply, are refused with the reason.
        let early = try notice("acceptance")
        #expect(early.0.status == 65 && early.0.stderr.contains("no acceptance to give notice of"))
        let archived = try step(["archive", receipt, "--number", "A-1"])
        #expect(archived.status == 65 && archived.stderr.contains("'archive' does not apply to a case that is needs_supplement"))

        #expect(try step(["resubmit", receipt]).status == 0)
        #expect(try step(["accept", receipt]).stdout.contains("received -> accepted"))
        let (accepted, acceptance) = try notice("acceptance")
        #expect(accepted.stdout == "新河便受〔2026〕第0001号\n")
        #expect(acceptance.contains("受理通知书") && acceptance.contains("李秀英") && acceptance.contains("20个工作日内"))
        let windowExtends = try step(["extend", receipt, "--working-days", "5", "--reason", "调查"])
        #expect(windowExtends.status == 65 && windowExtends.stderr.contains("the window role may not 'extend'"))
        let forwarded = try step(["forward-county", receipt])
        #expect(forwarded.stdout.contains("accepted -> with_county") && forwarded.stdout.contains("县民政局"), "\(forwarded.stderr)")
        let needsStaff = try towncenter(["submissions", "decide", receipt, "--data", data, "--approve"])
        #expect(needsStaff.status == 64)
        let decided = try towncenter([
            "submissions", "decide", receipt, "--data", data, "--calendar", shippedCalendar, "--approve", "--staff", "mz", "--json",
        ])
        #expect(decided.status == 0, "\(decided.stderr)")
        #expect(decided.stdout.contains(#""to" : "approved""#))
        let (_, decision) = try notice("decision")
        #expect(decision.contains("办结通知书") && decision.contains("新河便决〔2026〕第0001号"))
        #expect(try step(["deliver", receipt, "--method", "village_station", "--recipient", "李秀英"]).status == 0)
        let (_, delivery) = try notice("delivery")
        #expect(delivery.contains("送达回证") && delivery.contains("村便民服务站打印送达") && delivery.contains("受送达人:李秀英"))
        #expect(try step(["archive", receipt, "--number", "2026-MZ-0001"]).status == 0)
        let final = try towncenter(["submissions", "status", receipt, "--data", data, "--calendar", shippedCalendar])
        #expect(final.stdout.hasPrefix("state:     archived"))
        #expect(final.stdout.components(separatedBy: "  win").count - 1 == 6, "\(final.stdout)")
        #expect(final.stdout.contains("decide  with_county -> approved  mz"), "\(final.stdout)")

        // A refusal names the reason, where to go and the right of appeal.
        #expect(try step(["refuse", receipts[1], "--reason", "不属于本镇受理范围", "--go-to", "县民政局"]).status == 0)
        let (_, refusal) = try notice("refusal", receipt: receipts[1])
        for expected in ["不予受理决定书", "新河便不受〔2026〕第0001号", "不属于本镇受理范围", "请向县民政局提出申请", "60日内", "6个月内"] {
            #expect(refusal.contains(expected), "\(expected)")
        }
    }

    @Test("notice numbers never repeat when several prints run at once")
    func concurrentPrints() async throws {
        let (data, receipts, directory) = try await commandCenter(1)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try towncenter(["submissions", "accept", receipts[0], "--data", data, "--calendar", shippedCalendar, "--staff", "win"]).status == 0)
        let count = 6
        let numbers = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<count {
                group.addTask {
                    let result = try towncenter([
                        "submissions", "notice", receipts[0], "--kind", "acceptance", "--out", directory.appendingPathComponent("\(index).pdf").path,
                        "--staff", "win", "--data", data, "--calendar", shippedCalendar, "--authority", "XX县新河镇人民政府", "--county", "XX县",
                        "--town", "新河",
                    ])
                    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + (result.status == 0 ? "" : " failed: \(result.stderr)")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(numbers.sorted() == (1...count).map { "新河便受〔2026〕第000\($0)号" })
        for index in 0..<count {
            let text = try noticeText(directory.appendingPathComponent("\(index).pdf").path)
            #expect(numbers.contains { text.contains($0) })
        }
    }
}
