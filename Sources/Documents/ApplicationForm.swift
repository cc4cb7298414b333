import CPangoCairo
import Foundation
import QRCode

/// What the A4 application form shows, in the matter's order; texts are ready to print.
public struct ApplicationFormDocument: Sendable, Equatable {
    /// One answer: a label and its value.
    public struct Row: Sendable, Equatable {
        public var label: String
        public var value: String
        /// Creates a row.
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// A part of the form: a titled list of answers, or a repeat group as a table.
    public enum Part: Sendable, Equatable {
        /// Answers as label/value rows.
        case section(title: String, rows: [Row])
        /// A repeat group: a caption, column headers, and one row of cells per entry.
        case table(caption: String, columns: [String], rows: [[String]])
    }

    /// One item of the materials checklist.
    public struct Material: Sendable, Equatable {
        public var name: String
        /// Kind, e.g. "原件" or "复印件1份".
        public var kind: String
        /// Whether it was handed in (ticked box).
        public var checked: Bool
        /// Creates a checklist item.
        public init(name: String, kind: String, checked: Bool) {
            self.name = name
            self.kind = kind
            self.checked = checked
        }
    }

    /// The village assistant who helped, shown with a signature line.
    public struct Assistant: Sendable, Equatable {
        public var name: String
        public var id: String
        /// Creates an assistant line.
        public init(name: String, id: String) {
            self.name = name
            self.id = id
        }
    }

    /// Form title, e.g. the matter name plus "申请表".
    public var title: String
    /// Full name of the accepting authority.
    public var authorityName: String
    /// Receipt number (also in every page footer).
    public var receiptNumber: String
    /// Text of the QR code (ASCII; fits version 10-M).
    public var qrText: String
    /// Sections and tables, in order.
    public var parts: [Part]
    /// Materials checklist; omitted when empty.
    public var materials: [Material]
    /// Set when an assistant helped: adds their signature line.
    public var assistant: Assistant?

    /// Creates a form description.
    public init(
        title: String, authorityName: String, receiptNumber: String, qrText: String, parts: [Part],
        materials: [Material], assistant: Assistant? = nil
    ) {
        self.title = title
        self.authorityName = authorityName
        self.receiptNumber = receiptNumber
        self.qrText = qrText
        self.parts = parts
        self.materials = materials
        self.assistant = assistant
    }
}

extension Documents {

    /// Renders the form on A4 pages: rows never split, table headers repeated after a page break,
    /// "第i页/共N页" and the receipt number in every footer.
    public static func applicationFormPDF(_ form: ApplicationFormDocument) throws(DocumentError) -> Data {
        let matrix: QRMatrix
        do { matrix = try QRCode.encode(form.qrText) } catch { throw .qrCode(error) }
        let pages = try A4Pages(title: form.title)
        let cr = pages.cr
        let margin = pages.left
        let width = pages.width

        // Header: title, authority and receipt number on the left, QR on the right.
        let qrSpan = 110.0
        let textWidth = width - qrSpan - 12
        let title = TextBlock(cr, form.title, size: 17, bold: true, width: textWidth)
        let authority = TextBlock(cr, "受理机关:\(form.authorityName)", size: 10, width: textWidth)
        let number = TextBlock(cr, "受理编号:\(form.receiptNumber)", size: 12, bold: true, width: textWidth)
        let headerText = title.height + 8 + authority.height + 4 + number.height
        pages.append(Block(height: max(headerText, qrSpan) + 14) { y in
            title.draw(cr, x: margin, y: y)
            authority.draw(cr, x: margin, y: y + title.height + 8)
            number.draw(cr, x: margin, y: y + title.height + 8 + authority.height + 4)
            let module = qrSpan / Double(matrix.size + 2 * quietZone)
            drawQR(cr, matrix, x: margin + width - qrSpan, y: y, module: module)
        })

        func signatureLine(_ label: String) {
            let labelBlock = TextBlock(cr, label, size: 11, width: width * 0.6)
            let dateBlock = TextBlock(cr, "日期:", size: 11, width: width)
            pages.append(Block(height: labelBlock.height + 22) { y in
                let baseline = y + 14 + labelBlock.height
                labelBlock.draw(cr, x: margin, y: y + 14)
                let lineStart = margin + labelBlock.width + 4
                let dateX = margin + width * 0.68
                dateBlock.draw(cr, x: dateX, y: y + 14)
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_set_line_width(cr, 0.6)
                cairo_move_to(cr, lineStart, baseline)
                cairo_line_to(cr, dateX - 12, baseline)
                cairo_move_to(cr, dateX + dateBlock.width + 4, baseline)
                cairo_line_to(cr, margin + width, baseline)
                cairo_stroke(cr)
            })
        }

        for part in form.parts {
            switch part {
            case let .section(title, rows):
                pages.heading(title)
                pages.table(columns: [width * 0.3, width * 0.7], header: nil,
                      rows: rows.map { [.text($0.label), .text($0.value)] })
            case let .table(caption, columns, rows):
                pages.heading(caption)
                let columnWidth = width / Double(max(columns.count, 1))
                pages.table(columns: Array(repeating: columnWidth, count: columns.count), header: columns,
                      rows: rows.map { cells in
                          (0..<columns.count).map { .text($0 < cells.count ? cells[$0] : "") }
                      })
            }
        }
        if !form.materials.isEmpty {
            pages.heading("材料清单")
            pages.table(columns: [width * 0.1, width * 0.6, width * 0.3], header: ["已收", "材料名称", "要求"],
                  rows: form.materials.map { [.checkbox($0.checked), .text($0.name), .text($0.kind)] })
        }
        signatureLine("申请人签名:")
        if let assistant = form.assistant {
            signatureLine("代办员 \(assistant.name)(编号 \(assistant.id))签名:")
        }

        return try pages.finish(footer: "受理编号 \(form.receiptNumber)")
    }
}
