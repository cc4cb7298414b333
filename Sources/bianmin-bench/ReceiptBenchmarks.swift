import Documents
import Foundation
import KioskConfig
import KioskCore
import KioskReceipts
import QRCode

/// Receipt PDF + QR rendering in process, beside `qrencode -o` + `pango-view --output` of the same text.
enum ReceiptBenchmarks {
    static func run(configuration: KioskConfiguration, directory: String, count: Int) throws {
        print("== receipts: receipt PDF + QR per receipt (warm, in process), \(count) receipts")
        let matter = configuration.catalog.matter("MZ-QR-01")!
        let qr = "BM1:" + String(repeating: "460A7B9465W5D%6*96+/6646746VW5WO0U59EK6", count: 6).prefix(230)
        let summary = SubmissionSummary(
            uuid: UUID(), receipt: "XH03-261127-0001-L", station: "XH03", matter: matter.code, catalogVersion: "2026.11.1",
            channel: "self", assistantID: nil, createdAt: Date(), state: .queued, decision: nil, decisionReason: nil, decidedAt: nil,
            receiptPrint: .pending, formPrint: .notRequired, applicantMasked: "张* 1101**********002X 138****8000", receiptQR: String(qr),
            forwardAttempts: 0, lastError: nil, acknowledgedAt: nil, purgedAt: nil)
        let document = DocumentComposer.receipt(for: summary, matter: matter, station: configuration.station.station)
        let warmUp = try Documents.receiptPDF(document)  // fonts loaded, caches filled
        if warmUp.range(of: Data("BianminSans".utf8)) == nil {
            print("  note: Bianmin Sans is not installed (scripts/install-deps.sh builds it); the receipt falls back to the full Noto font")
        }
        var inProcess = Samples()
        for _ in 0..<count {
            try inProcess.time {
                _ = try QRCode.encode(document.qrText)
                _ = try Documents.receiptPDF(document)
            }
        }
        let text = [document.authorityName, document.matterName, document.receiptNumber, document.issuedAt, document.maskedApplicant,
                    document.nextSteps, document.statusCheck, document.appealRights].joined(separator: "\n")
        // The tools twice: with the documents' own font (same text, same font: the fair baseline),
        // and with the distribution's full Noto Sans CJK SC, as they would run out of the box.
        var sameFont = Samples()
        var stockFont = Samples()
        try withScratchDirectory("receipts", in: directory) { dir in
            try text.write(toFile: dir + "/receipt.txt", atomically: true, encoding: .utf8)
            for _ in 0..<max(count / 5, 5) {
                try sameFont.time { try tools(font: "Bianmin Sans 9", text: dir + "/receipt.txt", in: dir, qrText: document.qrText) }
                try stockFont.time { try tools(font: "Noto Sans CJK SC 9", text: dir + "/receipt.txt", in: dir, qrText: document.qrText) }
            }
        }
        report("receipt PDF + QR median", inProcess.median, baseline: sameFont.median,
               baselineName: "qrencode + pango-view with Bianmin Sans, median", goal: "at least 5x faster (ratio <= 0.20)")
        print(String(format: "  beside the tools with the full Noto Sans CJK SC (as installed): %@   ratio %.2fx",
                     ms(stockFont.median), inProcess.median / stockFont.median))
    }

    /// `qrencode -o` of the QR text, then `pango-view --output` of the text in `font`.
    private static func tools(font: String, text: String, in dir: String, qrText: String) throws {
        try runTool("/usr/bin/qrencode", ["-o", dir + "/qr.png", "-l", "M", qrText])
        try runTool("/usr/bin/pango-view", ["-q", "--font=" + font, "--language=zh-cn", "--width=640", "--output=" + dir + "/receipt.pdf", text])
    }
}

/// A benchmark that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
