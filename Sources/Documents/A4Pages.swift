import CPangoCairo
import Foundation

/// An A4 document under construction: blocks measured on the PDF surface, then placed on pages with
/// "第i页/共N页" footers. The application form and the service guide are built on it.
final class A4Pages {
    static let pageWidth = 595.276
    static let pageHeight = 841.89
    static let margin = 42.0
    static let footerHeight = 24.0

    let canvas: PDFCanvas
    /// The blocks in reading order.
    private(set) var blocks: [Block] = []

    var cr: OpaquePointer { canvas.cr }
    /// Left edge of the text.
    var left: Double { Self.margin }
    /// Width between the margins.
    var width: Double { Self.pageWidth - 2 * Self.margin }
    /// Height available to blocks on one page.
    var bodyHeight: Double { Self.pageHeight - 2 * Self.margin - Self.footerHeight }

    init(title: String) throws(DocumentError) {
        canvas = try PDFCanvas(width: Self.pageWidth, height: Self.pageHeight, title: title)
    }

    func append(_ block: Block) { blocks.append(block) }

    /// A bold heading kept on the same page as what follows it.
    func heading(_ text: String, size: Double = 12) {
        let block = TextBlock(cr, text, size: size, bold: true, width: width)
        blocks.append(Block(height: block.height + 6, keepWithNext: true) { [cr, left] y in block.draw(cr, x: left, y: y) })
    }

    /// A wrapped paragraph, `indent` points in from the margin, followed by `after` points of space.
    /// A paragraph taller than a page is cut between its lines, so no text runs off a page.
    func paragraph(_ text: String, size: Double = 10, bold: Bool = false, indent: Double = 0, after: Double = 4) {
        let paragraphWidth = width - indent
        let block = TextBlock(cr, text, size: size, bold: bold, width: paragraphWidth)
        let pieces = block.height <= bodyHeight - after ? [block] : block.lineTexts().map {
            TextBlock(cr, $0, size: size, bold: bold, width: paragraphWidth)
        }
        for (index, piece) in pieces.enumerated() {
            let space = index == pieces.count - 1 ? after : 0
            blocks.append(Block(height: piece.height + space) { [cr, left] y in piece.draw(cr, x: left + indent, y: y) })
        }
    }

    /// A table cell: text, or a checkbox drawn as vector lines.
    enum Cell {
        case text(String)
        case checkbox(Bool)
    }

    static let cellPadding = 4.0

    /// A ruled table: rows never split, the header row (bold, kept with the first row) repeated after a page break.
    func table(columns widths: [Double], header: [String]?, rows: [[Cell]], size: Double = 10) {
        let headerBlock = header.map { row(widths: widths, cells: $0.map(Cell.text), header: true, size: size) }
        if let headerBlock { append(headerBlock) }
        for cells in rows {
            append(row(widths: widths, cells: cells, repeatedHeader: headerBlock, size: size))
        }
        append(.gap(14))
    }

    // A header row is bold (not shaded: text is drawn white under its outlines).
    private func row(widths: [Double], cells: [Cell], header: Bool = false, repeatedHeader: Block? = nil, size: Double) -> Block {
        let texts: [TextBlock?] = zip(widths, cells).map { columnWidth, cell in
            guard case let .text(string) = cell else { return nil }
            return TextBlock(cr, string, size: size, bold: header, width: columnWidth - 2 * Self.cellPadding)
        }
        let height = (texts.compactMap { $0?.height }.max() ?? 12) + 2 * Self.cellPadding
        return Block(height: height, keepWithNext: header, repeatedHeader: repeatedHeader) { [cr, left] y in
            var x = left
            for (index, columnWidth) in widths.enumerated() {
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_set_line_width(cr, header ? 1.2 : 0.6)
                cairo_rectangle(cr, x, y, columnWidth, height)
                cairo_stroke(cr)
                switch cells[index] {
                case .text: texts[index]?.draw(cr, x: x + Self.cellPadding, y: y + Self.cellPadding)
                case let .checkbox(checked): Self.drawCheckbox(cr, checked, x: x + (columnWidth - 10) / 2, y: y + (height - 10) / 2)
                }
                x += columnWidth
            }
        }
    }

    private static func drawCheckbox(_ cr: OpaquePointer, _ checked: Bool, x: Double, y: Double) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, 0.8)
        cairo_rectangle(cr, x, y, 10, 10)
        if checked {
            cairo_move_to(cr, x + 2, y + 5)
            cairo_line_to(cr, x + 4.5, y + 8)
            cairo_line_to(cr, x + 8.5, y + 2)
        }
        cairo_stroke(cr)
    }

    /// Places the blocks on pages, draws them with `footer` and the page number at the foot of every
    /// page, and returns the PDF.
    func finish(footer: String) throws(DocumentError) -> Data {
        let pages = Self.paginate(blocks, top: Self.margin, bottom: Self.margin + bodyHeight)
        for (index, page) in pages.enumerated() {
            if index > 0 { cairo_show_page(cr) }
            for (block, y) in page { block.draw(y) }
            let footerY = Self.pageHeight - Self.margin - Self.footerHeight + 8
            let footerText = TextBlock(cr, footer, size: 8, width: width / 2)
            let pageText = TextBlock(cr, "第\(index + 1)页/共\(pages.count)页", size: 8, width: width / 2, alignment: PANGO_ALIGN_RIGHT)
            footerText.draw(cr, x: left, y: footerY)
            pageText.draw(cr, x: left + width / 2, y: footerY)
        }
        return try canvas.finish()
    }

    /// Places blocks on pages: a block that does not fit (with the blocks it keeps with) starts a
    /// new page, preceded by its repeated header. A block taller than a page gets a page alone.
    static func paginate(_ blocks: [Block], top: Double, bottom: Double) -> [[(Block, Double)]] {
        var pages: [[(Block, Double)]] = [[]]
        var y = top
        for (index, block) in blocks.enumerated() {
            var needed = block.height
            var next = index
            while blocks[next].keepWithNext, next + 1 < blocks.count {
                next += 1
                needed += blocks[next].height
            }
            if y + needed > bottom, !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = top
                if let header = block.repeatedHeader {
                    pages[pages.count - 1].append((header, y))
                    y += header.height
                }
            }
            pages[pages.count - 1].append((block, y))
            y += block.height
        }
        return pages
    }
}
