import Foundation
import Testing
import TestSupport

/// A copy of the demo config, inside `data` (so it goes with it), whose printer for `role`
/// (`receipts` or `forms`) is the queue `queue`.
func configWithPrinter(_ role: String, _ queue: String, in data: KioskDataDir) throws -> String {
    let dir = data.path + "/config-\(role)-\(queue)"
    try FileManager.default.copyItem(atPath: packageRoot.path + "/kiosk-config", toPath: dir)
    let yaml = dir + "/kiosk.yaml"
    let demoQueue = ["receipts": "bianmin-receipt", "forms": "bianmin-a4"][role]!
    let text = try String(contentsOfFile: yaml, encoding: .utf8).replacingOccurrences(of: "\(role): \(demoQueue)", with: "\(role): \(queue)")
    try text.write(toFile: yaml, atomically: true, encoding: .utf8)
    return dir
}

func pdfText(_ path: String) throws -> String {
    try run("/usr/bin/pdftotext", [path, "-"]).stdout
}

/// Decodes the QR code on the first page of a PDF with pdftoppm and zbarimg.
func decodeQR(inPDF path: String) throws -> (text: String, png: String) {
    let prefix = path + "-page"
    #expect(try run("/usr/bin/pdftoppm", ["-r", "200", "-png", "-f", "1", "-l", "1", path, prefix]).status == 0)
    let png = try #require(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        .first { $0.hasPrefix((prefix as NSString).lastPathComponent) && $0.hasSuffix(".png") })
    let full = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(png)
    let decoded = try run("/usr/bin/zbarimg", ["-q", "--raw", full])
    return (decoded.stdout.trimmingCharacters(in: .whitespacesAndNewlines), full)
}

@Suite(.serialized, .needsRoot("a private cupsd needs root")) struct ReceiptCLITests {
    @Test func receiptAndFormPrintThroughCupsAndTheQRVerifies() throws {
        let cups = try PrivateCups()
        defer { cups.stop() }
        let dir = try KioskDataDir(matter: "CG-XK-01")  // 城市建筑垃圾处置核准 needs a signed A4 form
        let env = ["CUPS_SERVER": cups.server]
        let submitted = try run("kiosk", ["submit", "--matter", "CG-XK-01", "--answers", dir.answers, "--data", dir.path, "--print"], environment: env)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("receipt printed\n") && submitted.stdout.contains("form printed\n"))
        let receipt = String(submitted.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))

        let receiptText = try pdfText(cups.output(of: "bianmin-receipt"))
        #expect(receiptText.contains(receipt))
        #expect(receiptText.contains("城市建筑垃圾处置核准"))
        #expect(receiptText.contains("XX县新河镇人民政府"))
        #expect(receiptText.contains("行政复议"))
        let formText = try pdfText(cups.output(of: "bianmin-a4"))
        #expect(formText.contains(receipt) && formText.contains("城市建筑垃圾处置核准申请表"))

        // The QR printed on paper decodes and verifies offline; a changed character is refused.
        let (qr, png) = try decodeQR(inPDF: cups.output(of: "bianmin-receipt"))
        #expect(qr.hasPrefix("BM1:"))
        let verified = try run("kiosk", ["receipt", "verify", qr, "--data", dir.path])
        #expect(verified.status == 0 && verified.stdout.contains("receipt: \(receipt)"), "\(verified.stdout)")
        let fromImage = try run("kiosk", ["receipt", "verify", "--image", png, "--data", dir.path])
        #expect(fromImage.status == 0 && fromImage.stdout.contains("matter:  CG-XK-01"))
        var tampered = Array(qr)
        tampered[40] = tampered[40] == "A" ? "B" : "A"
        let refused = try run("kiosk", ["receipt", "verify", String(tampered), "--data", dir.path])
        #expect(refused.status == 1 && refused.stdout.hasPrefix("refused:"))

        let shown = try run("kiosk", ["queue", "show", receipt, "--json", "--data", dir.path])
        #expect(shown.stdout.contains("\"receipt_print\" : \"printed\"") && shown.stdout.contains("\"form_print\" : \"printed\""))
    }

    @Test func outOfPaperKeepsTheSubmissionAndReprintsLater() throws {
        let cups = try PrivateCups()
        defer { cups.stop() }
        let dir = try KioskDataDir()
        let config = try configWithPrinter("receipts", "bianmin-nopaper", in: dir)
        let env = ["CUPS_SERVER": cups.server]
        let submitted = try run(
            "kiosk", ["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path, "--config", config, "--print"], environment: env)
        #expect(submitted.status == 0)
        #expect(submitted.stdout.contains("receipt failed\n"))
        #expect(submitted.stderr.contains("打印机缺纸。您的申请已保存,请联系代办员。"))
        let receipt = String(submitted.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))
        let shown = try run("kiosk", ["queue", "show", receipt, "--json", "--data", dir.path])
        #expect(shown.stdout.contains("\"receipt_print\" : \"failed\"") && shown.stdout.contains("\"state\" : \"queued\""))

        // Paper loaded, queue re-enabled: the receipt reprints from the clear metadata.
        #expect(FileManager.default.createFile(atPath: cups.directory.file("paper-loaded"), contents: nil))
        #expect(try cups.admin("cupsenable", ["bianmin-nopaper"]).status == 0)
        let reprinted = try run("kiosk", ["receipt", "print", receipt, "--data", dir.path, "--config", config], environment: env)
        #expect(reprinted.status == 0, "\(reprinted.stdout)\(reprinted.stderr)")
        let after = try run("kiosk", ["queue", "show", receipt, "--json", "--data", dir.path])
        #expect(after.stdout.contains("\"receipt_print\" : \"printed\""))
    }

    @Test func stoppedQueueAndDeadServerAreClearAndLoseNothing() throws {
        let cups = try PrivateCups()
        let dir = try KioskDataDir()
        let env = ["CUPS_SERVER": cups.server]
        let first = try run("kiosk", ["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path], environment: env)
        let receipt = String(first.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))

        #expect(try cups.admin("cupsdisable", ["bianmin-receipt"]).status == 0)
        let paused = try run("kiosk", ["receipt", "print", receipt, "--data", dir.path], environment: env)
        #expect(paused.status == 1)
        #expect(paused.stdout.contains("bianmin-receipt"), "\(paused.stdout)")
        #expect(paused.stderr.contains("您的申请已保存"))
        let status = try run("kiosk", ["printer", "status", "--data", dir.path], environment: env)
        #expect(status.status == 1 && status.stdout.contains("receipts bianmin-receipt: stopped"), "\(status.stdout)")

        // No CUPS server at all: the PDF goes to the spool folder and the command says so.
        cups.stop()
        let spooled = try run("kiosk", ["receipt", "print", receipt, "--data", dir.path], environment: env)
        #expect(spooled.status == 1)
        #expect(spooled.stdout.contains("PDF 已写入待打印目录"))
        let spool = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/spool")
        #expect(spool == ["\(receipt)-receipt.pdf"])
        #expect(try pdfText(dir.path + "/spool/\(receipt)-receipt.pdf").contains(receipt))
        let list = try run("kiosk", ["queue", "list", "--json", "--data", dir.path])
        #expect(list.stdout.contains(receipt))
    }

    @Test func guidePrintsOnTheA4QueueWithEveryElement() throws {
        let cups = try PrivateCups()
        defer { cups.stop() }
        let dir = try KioskDataDir()
        let env = ["CUPS_SERVER": cups.server]
        let printed = try run("kiosk", ["guide", "print", "mz-qr-01", "--data", dir.path], environment: env)
        #expect(printed.status == 0, "\(printed.stdout)\(printed.stderr)")
        #expect(printed.stdout.hasPrefix("已打印:队列 bianmin-a4,任务 "))
        let text = compact(try pdfText(cups.output(of: "bianmin-a4")))
        #expect(text.contains("受理机关:XX县新河镇人民政府"))
        // Every line of the guide `catalog show` prints (title, 【section】 and its lines) is on paper.
        let guide = try run("kiosk", ["catalog", "show", "MZ-QR-01"]).stdout.split(separator: "\n").filter { !$0.hasPrefix("====") }
        #expect(guide.count > 20 && guide[0] == "最低生活保障审核")
        for line in guide {
            #expect(text.contains(compact(String(line))), "\(line)")
        }

        // A matter not delegated to the town names where to go as its accepting authority.
        #expect(try run("kiosk", ["guide", "print", "MZ-QR-03", "--data", dir.path], environment: env).status == 0)
        #expect(compact(try pdfText(cups.output(of: "bianmin-a4"))).contains("受理机关:县民政局婚姻登记处"))
    }

    @Test func guidePrintFailuresAreClearAndSpoolWithoutCups() throws {
        let cups = try PrivateCups()
        defer { cups.stop() }
        let dir = try KioskDataDir()
        let env = ["CUPS_SERVER": cups.server]
        let noPaper = try run(
            "kiosk", ["guide", "print", "MZ-QR-01", "--data", dir.path, "--config", try configWithPrinter("forms", "bianmin-nopaper", in: dir)], environment: env)
        #expect(noPaper.status == 1)
        #expect(noPaper.stdout.contains("bianmin-nopaper") && noPaper.stdout.contains("media-empty-error"), "\(noPaper.stdout)")
        #expect(noPaper.stderr == "打印机缺纸。办事指南没有打印,请联系代办员。\n")

        let unknown = try run("kiosk", ["guide", "print", "NOPE-1", "--data", dir.path], environment: env)
        #expect(unknown.status == 64 && unknown.stderr.contains("no matter with code 'NOPE-1'"))

        cups.stop()
        let spooled = try run("kiosk", ["guide", "print", "MZ-QR-01", "--data", dir.path], environment: env)
        #expect(spooled.status == 1)
        #expect(spooled.stdout.contains("PDF 已写入待打印目录"))
        #expect(spooled.stderr == "打印机暂时不能使用。办事指南没有打印,请联系代办员。\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/spool") == ["MZ-QR-01-guide.pdf"])
        #expect(try pdfText(dir.path + "/spool/MZ-QR-01-guide.pdf").contains("最低生活保障审核"))
    }
}

/// Text without white space (pdftotext breaks lines and pages where the layout does).
func compact(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{0C}" }))
}
