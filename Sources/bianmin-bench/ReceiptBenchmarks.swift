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
        _ = try Documents.receiptPDF(document)  // warm-up: fonts loaded, caches filled
        var inProcess = Samples()
        for _ in 0..<count {
            try inProcess.time {
                _ = try QRCode.encode(document.qrText)
                _ = try Documents.receiptPDF(document)
            }
        }
        let text = [document.authorityName, document.matterName, document.receiptNumber, document.issuedAt, document.maskedApplicant,
                    document.nextSteps, document.statusCheck, document.appealRights].joined(separator: "\n")
        var tools = Samples()
        try withScratchDirectory("receipts", in: directory) { dir in
            try text.write(toFile: dir + "/receipt.txt", atomically: true, encoding: .utf8)
            for _ in 0..<max(count / 5, 5) {
                try tools.time {
                    try runTool("/usr/bin/qrencode", ["-o", dir + "/qr.png", "-l", "M", document.qrText])
                    try runTool("/usr/bin/pango-view", ["-q", "--font=Noto Sans CJK SC 9", "--width=640", "--output=" + dir + "/receipt.pdf", dir + "/receipt.txt"])
                }
            }
        }
        report("receipt PDF + QR median", inProcess.median, baseline: tools.median, baselineName: "qrencode + pango-view median", goal: "at least 5x faster (ratio <= 0.20)")
    }
}

/// A benchmark that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
