@testable import Documents
import Foundation
import QRCode
import Testing
import TestSupport

@Suite("PDF documents")
struct DocumentsTests {
    @Test("receipt PDF has the number, the Chinese matter name and Bianmin Sans embedded")
    func receiptText() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("receipt.pdf")
        try Documents.receiptPDF(Samples.receipt(formNotPrinted: true)).write(to: URL(fileURLWithPath: path))

        let text = try pdfText(path).replacingOccurrences(of: "\n", with: "")
        #expect(text.contains(Samples.receiptNumber))
        #expect(text.contains(Samples.matterName))
        #expect(text.contains("60日内向县人民政府申请行政复议"))
        #expect(text.contains("申请表未能打印"))
        #expect(try pdfPages(path) == 1)

        // Every character of the receipt is in Bianmin Sans (install-deps builds it): no fallback.
        let fonts = try embeddedFonts(path)
        #expect(Set(fonts) == ["BianminSans-Regular", "BianminSans-Bold"], "\(fonts)")
    }

    @Test("a character outside Bianmin Sans falls back to Noto Sans CJK SC, drawn and searchable")
    func fallbackCharacter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func render(applicant: String) throws -> (ink: Int, text: String, fonts: [String]) {
            var receipt = Samples.receipt()
            receipt.maskedApplicant = applicant
            let path = directory.file("fallback.pdf")
            try Documents.receiptPDF(receipt).write(to: URL(fileURLWithPath: path))
            return (try inkPixels(inPDF: path), try pdfText(path), try embeddedFonts(path))
        }
        let blank = try render(applicant: "")
        let reference = try render(applicant: "如如好好").ink - blank.ink
        // 䶮 and 㐂 (CJK Extension A) are not in Bianmin Sans; 如 beside them is.
        let fallback = try render(applicant: "䶮㐂如如")
        #expect(reference > 0)
        #expect(Double(fallback.ink - blank.ink) > 0.5 * Double(reference), "drew \(fallback.ink - blank.ink) dark pixels, reference \(reference)")
        #expect(fallback.text.contains("䶮㐂如如"))
        #expect(fallback.fonts.contains("NotoSansCJKsc-Regular"), "\(fallback.fonts)")
        // Rare characters of names in the Unified Ideographs block (堃, 喆: not in GB 2312) need no fallback.
        let rare = try render(applicant: "堃喆")
        #expect(rare.text.contains("堃喆"))
        #expect(!rare.fonts.contains { $0.hasPrefix("NotoSansCJK") }, "\(rare.fonts)")
    }

    @Test("text is shaped as Simplified Chinese whatever the locale: the dash and a name's middle dot are full width")
    func simplifiedChineseForms() throws {
        let canvas = try PDFCanvas(width: 200, height: 100, title: "forms")
        // Nine full-width characters at 10 pt take 90 pt; in an unknown language (C.UTF-8) the
        // dashes and the dot take their narrower Latin forms.
        let block = TextBlock(canvas.cr, "艾力·买买提——办", size: 10, width: 200)
        #expect(abs(block.width - 90) < 0.5, "\(block.width)")
    }

    /// The base names of the fonts embedded in a PDF (without the subset tag), each checked embedded.
    func embeddedFonts(_ path: String) throws -> [String] {
        try runTool("pdffonts", [path]).output.split(separator: "\n").dropFirst(2).map { line in
            // Columns: name type encoding emb sub uni object ID; emb must be "yes".
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes", "embedded: \(line)")
            return String(columns[0].split(separator: "+").last ?? "")
        }
    }

    @Test("receipt page is 80 mm wide and grows with its content")
    func receiptSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func size(_ receipt: ReceiptDocument) throws -> (width: Double, height: Double) {
            let path = directory.file("r.pdf")
            try Documents.receiptPDF(receipt).write(to: URL(fileURLWithPath: path))
            return try pdfPageSize(path)
        }
        let short = try size(Samples.receipt())
        var longer = Samples.receipt()
        longer.materialsToBring += (1...8).map { "补充材料\($0):村委会出具的证明材料原件" }
        let long = try size(longer)
        #expect(abs(short.width - 80 * 72 / 25.4) < 0.5)
        #expect(long.height > short.height)
    }

    @Test("every glyph is drawn: 如 renders (cairo's CFF subsetting blanks it in small subsets)")
    func glyphsHaveInk() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func ink(applicant: String) throws -> Int {
            var receipt = Samples.receipt()
            receipt.maskedApplicant = applicant
            receipt.appealRights = "依法享有申请行政复议或提起行政诉讼的权利。"
            let path = directory.file("ink.pdf")
            try Documents.receiptPDF(receipt).write(to: URL(fileURLWithPath: path))
            return try inkPixels(inPDF: path)
        }
        let blank = try ink(applicant: "")
        let reference = try ink(applicant: "好好好好") - blank
        let tested = try ink(applicant: "如如如如") - blank
        #expect(reference > 0)
        #expect(Double(tested) > 0.5 * Double(reference), "如 drew \(tested) dark pixels, 好 \(reference)")
    }

    @Test("the QR code in the receipt PDF decodes after rasterising at 200 dpi")
    func receiptQR() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("receipt.pdf")
        try Documents.receiptPDF(Samples.receipt()).write(to: URL(fileURLWithPath: path))
        #expect(try decodeQR(inPDF: path) == [Samples.qrText])
    }

    @Test("a receipt whose QR text is too long is refused")
    func receiptTooLong() {
        var receipt = Samples.receipt()
        receipt.qrText = alphanumericText(length: 400)
        let error = #expect(throws: DocumentError.self) { try Documents.receiptPDF(receipt) }
        guard case let .qrCode(.tooLong(bytes, needed?, maxVersion)) = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(bytes == 400 && maxVersion == 10 && needed > 10)
    }

    @Test("a 60-row table spans pages: every row once, on one page, header repeated, pages numbered")
    func longForm() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("form.pdf")
        try Documents.applicationFormPDF(Samples.longForm()).write(to: URL(fileURLWithPath: path))

        let pages = try pdfPages(path)
        #expect(pages >= 3)
        let pageTexts = try (1...pages).map { try pdfText(path, page: $0) }
        let all = pageTexts.joined()
        for index in 1...60 {
            let name = Samples.memberName(index)
            #expect(occurrences(of: name, in: all) == 1, "\(name) once")
            // A row is never split: its long note sits on the same page as its name.
            if index % 10 == 0 {
                let page = try #require(pageTexts.first { $0.contains(name) })
                #expect(page.replacingOccurrences(of: "\n", with: "").contains("由申请人代为办理相关手续"))
            }
        }
        let tablePages = pageTexts.filter { $0.contains("家庭成员0") || $0.contains("家庭成员1") }
        #expect(tablePages.count >= 2)
        for page in tablePages {
            #expect(page.contains("与申请人关系"), "table header on every page with rows")
        }
        for (index, page) in pageTexts.enumerated() {
            #expect(page.contains("第\(index + 1)页/共\(pages)页"))
        }
        #expect(pageTexts.last!.contains("申请人签名"))
        #expect(pageTexts.last!.contains("代办员 李四(编号 DB-017)签名"))
        #expect(all.contains("材料清单"))
        #expect(try decodeQR(inPDF: path) == [Samples.qrText])
    }

    @Test("a long service guide: every element's text, headings on the page of their text, numbered pages")
    func longGuide() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("guide.pdf")
        let guide = Samples.longGuide()
        try Documents.serviceGuidePDF(guide).write(to: URL(fileURLWithPath: path))

        let pages = try pdfPages(path)
        #expect(pages >= 3)
        #expect(try abs(pdfPageSize(path).width - 595.3) < 1, "A4")
        let pageTexts = try (1...pages).map { try pdfText(path, page: $0) }
        for (index, page) in pageTexts.enumerated() {
            #expect(page.contains("第\(index + 1)页/共\(pages)页"))
            #expect(page.contains("办事指南 \(Samples.guideCode)"))
        }
        // Without the footers, the pages read as one text: nothing is lost at a page break, not even
        // inside the conditions paragraph, which is taller than a page.
        let body = compact(pageTexts.map {
            $0.replacingOccurrences(of: "办事指南 \(Samples.guideCode)", with: "")
                .replacingOccurrences(of: #"第\d+页/共\d+页"#, with: "", options: .regularExpression)
        }.joined())
        #expect(body.hasPrefix("办事指南" + compact(Samples.matterName) + "事项编码:\(Samples.guideCode)受理机关:XX县新河镇人民政府"))
        for section in guide.sections {
            #expect(body.contains("【\(section.title)】"), "\(section.title)")
            for paragraph in section.paragraphs {
                #expect(body.contains(compact(paragraph)), "\(section.title): \(paragraph.prefix(20))")
            }
            // A heading never ends a page: its first paragraph starts on the same page.
            let page = try #require(pageTexts.first { compact($0).contains("【\(section.title)】") })
            #expect(compact(page).contains(compact(String(section.paragraphs[0].prefix(10)))), "\(section.title)")
        }
        let first = try #require(pageTexts.firstIndex { compact($0).contains(compact(Samples.condition(1))) })
        let last = try #require(pageTexts.firstIndex { compact($0).contains(compact(Samples.condition(90))) })
        #expect(last > first, "the long paragraph continues on the next page")
        #expect(try inkPixels(inPDF: path) > 0)
    }
}
