import CPangoCairo
import Foundation

/// What a written notice (文书) shows: 受理通知书, 补正材料通知书, 不予受理决定书 and the rest; texts are
/// ready to print.
public struct NoticeDocument: Sendable, Equatable {
    /// The notice's title, e.g. 受理通知书.
    public var title: String
    /// Its number in its series, e.g. 新河便受〔2026〕第0001号.
    public var number: String
    /// The authority that issues it, printed over the seal.
    public var authorityName: String
    /// Whom it is addressed to, e.g. 李秀英.
    public var addressee: String
    /// The body, one paragraph each.
    public var paragraphs: [String]
    /// A numbered list after the body (every missing item of a supplement notice); may be empty.
    public var items: [String]
    /// Paragraphs after the list (what to do next, the right of appeal).
    public var closing: [String]
    /// The date of issue as printed, e.g. 2026年10月13日.
    public var date: String
    /// The receipt number of the case, in every footer.
    public var receiptNumber: String

    /// A notice from its parts.
    public init(
        title: String, number: String, authorityName: String, addressee: String, paragraphs: [String], items: [String] = [],
        closing: [String] = [], date: String, receiptNumber: String
    ) {
        self.title = title
        self.number = number
        self.authorityName = authorityName
        self.addressee = addressee
        self.paragraphs = paragraphs
        self.items = items
        self.closing = closing
        self.date = date
        self.receiptNumber = receiptNumber
    }
}

extension Documents {
    /// Renders a notice on A4: the title and number centred, the body, the numbered items, the
    /// closing paragraphs, and the authority and date beside a seal area kept on one page.
    public static func noticePDF(_ notice: NoticeDocument) throws(DocumentError) -> Data {
        let pages = try A4Pages(title: notice.title)
        pages.centered(notice.title, size: 18, bold: true, after: 8)
        pages.centered(notice.number, size: 11, after: 18)
        pages.paragraph("\(notice.addressee):", size: 12, bold: true, after: 8)
        for paragraph in notice.paragraphs { pages.paragraph("\u{3000}\u{3000}" + paragraph, size: 12, after: 6) }
        for (index, item) in notice.items.enumerated() { pages.paragraph("\(index + 1). \(item)", size: 12, indent: 24, after: 4) }
        if !notice.items.isEmpty { pages.append(.gap(6)) }
        for paragraph in notice.closing { pages.paragraph("\u{3000}\u{3000}" + paragraph, size: 12, after: 6) }
        pages.append(.gap(24))
        pages.sealArea(authority: notice.authorityName, date: notice.date)
        return try pages.finish(footer: "\(notice.title) \(notice.number) 回执 \(notice.receiptNumber)")
    }
}

extension A4Pages {
    /// A centred line (or lines) followed by `after` points of space.
    func centered(_ text: String, size: Double, bold: Bool = false, after: Double) {
        let block = TextBlock(cr, text, size: size, bold: bold, width: width, alignment: PANGO_ALIGN_CENTER)
        append(Block(height: block.height + after) { [cr, left] y in block.draw(cr, x: left, y: y) })
    }

    /// The authority's name and the date at the right, over a dashed circle where the seal goes.
    func sealArea(authority: String, date: String) {
        let name = TextBlock(cr, authority, size: 12, width: width / 2, alignment: PANGO_ALIGN_CENTER)
        let day = TextBlock(cr, date, size: 12, width: width / 2, alignment: PANGO_ALIGN_CENTER)
        let radius = 42.0
        let height = max(2 * radius, name.height + day.height + 8) + 8
        append(Block(height: height) { [cr, left, width] y in
            let x = left + width / 2
            cairo_save(cr)
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6)
            cairo_set_line_width(cr, 0.8)
            var dashes = [3.0, 3.0]
            cairo_set_dash(cr, &dashes, 2, 0)
            cairo_new_path(cr)
            cairo_arc(cr, x + width / 4, y + radius, radius, 0, 2 * Double.pi)
            cairo_stroke(cr)
            cairo_restore(cr)
            name.draw(cr, x: x, y: y + radius - name.height)
            day.draw(cr, x: x, y: y + radius + 8)
        })
    }
}
