import CPangoCairo
import Foundation
import QRCode

/// Renders the resident's paper: the receipt, the application form and QR images.
public enum Documents {}

/// What the 80 mm receipt shows; every text is ready to print (already masked and worded).
public struct ReceiptDocument: Sendable, Equatable {
    /// Full name of the accepting authority.
    public var authorityName: String
    /// Name of the matter applied for.
    public var matterName: String
    /// Receipt number, printed large.
    public var receiptNumber: String
    /// Date and time of acceptance, formatted.
    public var issuedAt: String
    /// Applicant name as masked for print.
    public var maskedApplicant: String
    /// What happens next.
    public var nextSteps: String
    /// Statutory time limit in working days.
    public var timeLimitWorkingDays: Int
    /// Materials to bring to the town center; empty when none.
    public var materialsToBring: [String]
    /// How to check the status.
    public var statusCheck: String
    /// Consultation phone number.
    public var consultationPhone: String
    /// Appeal rights notice.
    public var appealRights: String
    /// Text of the QR code (ASCII; fits version 10-M).
    public var qrText: String
    /// Set when the application form could not be printed.
    public var formNotPrintedNote: String?

    /// Creates a receipt description.
    public init(
        authorityName: String, matterName: String, receiptNumber: String, issuedAt: String,
        maskedApplicant: String, nextSteps: String, timeLimitWorkingDays: Int, materialsToBring: [String],
        statusCheck: String, consultationPhone: String, appealRights: String, qrText: String,
        formNotPrintedNote: String? = nil
    ) {
        self.authorityName = authorityName
        self.matterName = matterName
        self.receiptNumber = receiptNumber
        self.issuedAt = issuedAt
        self.maskedApplicant = maskedApplicant
        self.nextSteps = nextSteps
        self.timeLimitWorkingDays = timeLimitWorkingDays
        self.materialsToBring = materialsToBring
        self.statusCheck = statusCheck
        self.consultationPhone = consultationPhone
        self.appealRights = appealRights
        self.qrText = qrText
        self.formNotPrintedNote = formNotPrintedNote
    }
}

extension Documents {
    private static let millimetre = 72.0 / 25.4

    /// Renders the receipt as a one-page PDF 80 mm wide, as tall as its content.
    public static func receiptPDF(_ receipt: ReceiptDocument) throws(DocumentError) -> Data {
        let matrix: QRMatrix
        do { matrix = try QRCode.encode(receipt.qrText) } catch { throw .qrCode(error) }
        let pageWidth = 80 * millimetre
        let margin = 4 * millimetre
        let width = pageWidth - 2 * margin
        // Laid out on the real surface first (layout does not draw), then the page is sized to fit.
        let canvas = try PDFCanvas(width: pageWidth, height: pageWidth, title: "受理回执 \(receipt.receiptNumber)")
        let cr = canvas.cr

        var blocks: [Block] = []
        func text(_ string: String, size: Double = 9, bold: Bool = false, center: Bool = false, after: Double = 3) {
            let block = TextBlock(cr, string, size: size, bold: bold, width: width,
                                  alignment: center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT)
            blocks.append(Block(height: block.height + after) { y in block.draw(cr, x: margin, y: y) })
        }
        func rule() {
            blocks.append(Block(height: 8) { y in
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_set_line_width(cr, 0.5)
                cairo_set_dash(cr, [2, 2], 2, 0)
                cairo_move_to(cr, margin, y + 4)
                cairo_line_to(cr, margin + width, y + 4)
                cairo_stroke(cr)
                cairo_set_dash(cr, nil, 0, 0)
            })
        }

        text(receipt.authorityName, size: 10, bold: true, center: true)
        text("受理回执", size: 14, bold: true, center: true, after: 4)
        rule()
        text("办理事项", size: 8)
        text(receipt.matterName, size: 11, bold: true, after: 5)
        text("受理编号", size: 8)
        text(receipt.receiptNumber, size: 18, bold: true, center: true, after: 5)
        text("受理时间:\(receipt.issuedAt)")
        text("申请人:\(receipt.maskedApplicant)")
        rule()
        text("下一步", size: 10, bold: true)
        text(receipt.nextSteps)
        text("办理时限:\(receipt.timeLimitWorkingDays)个工作日", bold: true, after: 5)
        if receipt.materialsToBring.isEmpty {
            text("无需另行携带材料。", after: 5)
        } else {
            text("请携带以下材料到镇便民服务中心:", bold: true)
            for (index, material) in receipt.materialsToBring.enumerated() {
                text("\(index + 1). \(material)", after: index == receipt.materialsToBring.count - 1 ? 5 : 2)
            }
        }
        text("查询办理进度", size: 10, bold: true)
        text(receipt.statusCheck)
        text("咨询电话:\(receipt.consultationPhone)", after: 5)
        text("权利告知", size: 10, bold: true)
        text(receipt.appealRights, size: 8, after: 6)

        let module = min(width / Double(matrix.size + 2 * quietZone), 0.8 * millimetre)
        let span = module * Double(matrix.size + 2 * quietZone)
        blocks.append(Block(height: span + 2) { y in drawQR(cr, matrix, x: margin + (width - span) / 2, y: y, module: module) })
        text("凭此码可在本站终端查询", size: 8, center: true)
        if let note = receipt.formNotPrintedNote {
            rule()
            text(note, size: 9, bold: true)
        }

        let height = margin + blocks.reduce(0) { $0 + $1.height } + margin
        cairo_pdf_surface_set_size(canvas.surface, pageWidth, height)
        var y = margin
        for block in blocks {
            block.draw(y)
            y += block.height
        }
        return try canvas.finish()
    }
}
