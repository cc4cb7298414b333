import Foundation
import Testing
import TestSupport

@Suite("Printing at the town center", .serialized, .needsRoot("a private cupsd needs root"))
struct CenterPrintTests {
    @Test("a form not printed at the village prints at the center from the opened answers")
    func printFormAtCenter() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let cups = try PrivateCups()

        let (directory, center, kiosk) = (rig.directory, rig.center, rig.kiosk)
        let answers = try run("kiosk", ["answers", "example", "--matter", "CG-XK-01"]).stdout
        let answersFile = directory.appendingPathComponent("answers.json").path
        try answers.write(toFile: answersFile, atomically: true, encoding: .utf8)
        // No CUPS at the village: the form is spooled, so the submission says it was not printed.
        let submitted = try run(
            "kiosk", ["submit", "--matter", "CG-XK-01", "--answers", answersFile, "--data", kiosk.dataDirectory, "--print"],
            environment: ["CUPS_SERVER": "/nonexistent/cups.sock"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("form failed"))
        let receipt = String(submitted.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))
        #expect(try await kiosk.forwarder().round().acknowledged == 1)
        let shown = try run("towncenter", ["submissions", "show", receipt, "--data", center.data])
        #expect(shown.stdout.contains("form printed at the village: no"))

        let printed = try run(
            "towncenter", ["submissions", "print", receipt, "--data", center.data, "--authority", "XX县新河镇人民政府"],
            environment: ["CUPS_SERVER": cups.server])
        #expect(printed.status == 0, "\(printed.stderr)")
        let text = try run("/usr/bin/pdftotext", [cups.output(of: "bianmin-a4"), "-"]).stdout
        #expect(text.contains(receipt) && text.contains("城市建筑垃圾处置核准申请表") && text.contains("XX县新河镇人民政府"))
        #expect(text.contains("张三"))
    }
}
