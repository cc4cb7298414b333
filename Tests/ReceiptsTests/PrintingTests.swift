import Documents
import Foundation
import Printing
import Testing
import TestSupport

@Suite("Printing through a private cupsd", .needsRoot("a private cupsd needs root"))
struct PrintingTests {
    @Test("receipt and form print through file queues; the output keeps text and QR")
    func printsReceiptAndForm() async throws {
        let cups = try PrivateCups()
        let receipt = Printer(destination: "bianmin-receipt", server: cups.server)
        let outcome = try await receipt.print(
            pdf: Documents.receiptPDF(Samples.receipt()), title: "受理回执 \(Samples.receiptNumber)",
            media: .roll80mm, copies: 1, timeout: .seconds(60))
        #expect(outcome.destination == "bianmin-receipt" && outcome.jobID > 0)
        let printed = cups.output(of: "bianmin-receipt")
        let text = try pdfText(printed).replacingOccurrences(of: "\n", with: "")
        #expect(text.contains(Samples.receiptNumber))
        #expect(text.contains(Samples.matterName))
        #expect(try decodeQR(inPDF: printed) == [Samples.qrText])
        #expect(try abs(pdfPageSize(printed).width - 80 * 72 / 25.4) < 1, "80 mm roll media")

        let form = try Documents.applicationFormPDF(Samples.longForm())
        let formPath = cups.directory.file("form.pdf")
        try form.write(to: URL(fileURLWithPath: formPath))
        let a4 = Printer(destination: "bianmin-a4", server: cups.server)
        _ = try await a4.print(pdf: form, title: "申请表", media: .a4, copies: 2, timeout: .seconds(60))
        let printedForm = cups.output(of: "bianmin-a4")
        #expect(try pdfPages(printedForm) == 2 * pdfPages(formPath), "two copies")
        #expect(try abs(pdfPageSize(printedForm).width - 595.3) < 1, "A4")
        #expect(try occurrences(of: Samples.memberName(60), in: pdfText(printedForm)) == 2)
    }

    @Test("out of paper: the media-empty problem, no job left behind, prints once paper is loaded")
    func outOfPaper() async throws {
        let cups = try PrivateCups()
        let printer = Printer(destination: "bianmin-nopaper", server: cups.server)
        let error = await #expect(throws: PrintError.self) {
            try await printer.print(pdf: Documents.receiptPDF(Samples.receipt()), title: "回执",
                                    media: .roll80mm, copies: 1, timeout: .seconds(60))
        }
        guard case let .printerProblem(problem, destination, reasons) = error else {
            Issue.record("expected a printer problem, got \(String(describing: error))")
            return
        }
        #expect(problem == .mediaEmpty)
        #expect(destination == "bianmin-nopaper")
        #expect(reasons.contains("media-empty-error"))
        #expect(error?.summary == "打印机缺纸")
        #expect(error?.assistantMessage.contains("bianmin-nopaper") == true)
        #expect(error?.assistantMessage.contains("media-empty-error") == true)

        // The job was cancelled, so paper refilled later cannot print it behind the kiosk's back.
        #expect(try cups.admin("lpstat", ["-o", "bianmin-nopaper"]).output.isEmpty)

        // A retry meets the same problem (up front if the queue stopped meanwhile, else while printing).
        let retry = await #expect(throws: PrintError.self) {
            try await printer.print(pdf: Documents.receiptPDF(Samples.receipt()), title: "回执",
                                    media: .roll80mm, copies: 1, timeout: .seconds(60))
        }
        guard case .printerProblem(.mediaEmpty, _, _) = retry else {
            Issue.record("retry: expected media empty, got \(String(describing: retry))")
            return
        }

        // Paper loaded and the queue resumed: the same receipt prints, although CUPS may still
        // list the backend's last media-empty reason until the job runs.
        #expect(FileManager.default.createFile(atPath: cups.directory.file("paper-loaded"), contents: nil))
        #expect(try cups.admin("cupsenable", ["bianmin-nopaper"]).status == 0)
        let outcome = try await printer.print(
            pdf: Documents.receiptPDF(Samples.receipt()), title: "回执", media: .roll80mm, copies: 1,
            timeout: .seconds(60))
        #expect(outcome.destination == "bianmin-nopaper")
        #expect(try printer.status().problem == nil)
    }

    @Test("a disabled queue reports the paused problem")
    func disabledQueue() async throws {
        let cups = try PrivateCups()
        let printer = Printer(destination: "bianmin-a4", server: cups.server)
        #expect(try printer.status().problem == nil)
        #expect(try cups.admin("cupsdisable", ["bianmin-a4"]).status == 0)

        let status = try printer.status()
        #expect(status.state == .stopped)
        #expect(status.reasons.contains("paused"))
        await #expect(throws: PrintError.printerProblem(.paused, destination: "bianmin-a4", reasons: status.reasons)) {
            try await printer.print(pdf: Documents.receiptPDF(Samples.receipt()), title: "回执",
                                    media: .a4, copies: 1, timeout: .seconds(30))
        }
        #expect(PrinterProblem.paused.summary == "打印机已暂停")
    }

    @Test("an unknown queue and a dead scheduler give their own errors")
    func unknownAndDead() async throws {
        let cups = try PrivateCups()
        #expect(throws: PrintError.unknownDestination("no-such-queue", server: cups.server)) {
            try Printer(destination: "no-such-queue", server: cups.server).status()
        }
        cups.stop()
        let printer = Printer(destination: "bianmin-a4", server: cups.server)
        await #expect(throws: PrintError.noServer(server: cups.server)) {
            try await printer.print(pdf: Data("%PDF-1.4".utf8), title: "x", media: .a4, copies: 1, timeout: .seconds(10))
        }
        #expect(throws: PrintError.noServer(server: "127.0.0.1:1")) {
            try Printer(destination: "bianmin-a4", server: "127.0.0.1:1").status()
        }
    }
}

@Suite("Printer problems and spooling")
struct PrinterProblemTests {
    @Test("state reasons map by prefix, most specific first", arguments: [
        (["media-empty-error", "paused"], PrinterState.stopped, PrinterProblem.mediaEmpty),
        (["media-needed"], .processing, .mediaEmpty),
        (["media-jam-error"], .processing, .mediaJam),
        (["door-open-error"], .idle, .coverOpen),
        (["offline-report"], .processing, .offline),
        (["marker-supply-empty-error"], .idle, .markerSupplyEmpty),
        (["toner-empty-error"], .idle, .markerSupplyEmpty),
        (["fuser-over-temp-error"], .idle, .other("fuser-over-temp-error")),
        (["paused"], .stopped, .paused),
        ([], .stopped, .paused),
    ])
    func mapping(reasons: [String], state: PrinterState, expected: PrinterProblem) {
        #expect(PrinterProblem.from(reasons: reasons, state: state) == expected)
    }

    @Test("warnings and reports do not stop a print", arguments: [
        ["media-low-warning"], ["toner-low-report"], ["media-empty-warning"], [],
    ])
    func notProblems(reasons: [String]) {
        #expect(PrinterProblem.from(reasons: reasons, state: .idle) == nil)
    }

    @Test("a queue that rejects jobs is a problem")
    func rejecting() {
        #expect(PrinterProblem.from(reasons: [], state: .idle, acceptingJobs: false) == .rejectingJobs)
    }

    @Test("the spool writer stores the PDF atomically under a safe name")
    func spool() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pdf = try Documents.receiptPDF(Samples.receipt())
        let writer = SpoolWriter(directory: directory.file("spool"))
        let path = try writer.write(pdf, name: "receipt \(Samples.receiptNumber)/../x")
        #expect(path == directory.file("spool/receipt_BM-20261127-0042____x.pdf"))
        #expect(FileManager.default.contents(atPath: path) == pdf)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("spool")) == [
            "receipt_BM-20261127-0042____x.pdf",
        ])
        #expect(try pdfText(path).contains(Samples.receiptNumber))
    }
}
