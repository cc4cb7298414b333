import CPangoCairo
import Foundation

/// The town's statistics (信息汇总) as a printable A4 report: a summary, then per dimension a bar
/// chart and a table, then the overdue list.
public struct ReportDocument: Sendable, Equatable {
    /// A titled table, with a bar chart of one of its columns above it when `bars` is given.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var columns: [String]
        public var rows: [[String]]
        /// The chart's label and value per row (at most the first 20 rows are charted).
        public var bars: [Bar]?
        /// What the chart's bars count.
        public var barsCaption: String

        public init(title: String, columns: [String], rows: [[String]], bars: [Bar]? = nil, barsCaption: String = "") {
            self.title = title
            self.columns = columns
            self.rows = rows
            self.bars = bars
            self.barsCaption = barsCaption
        }
    }

    /// One bar: a label and a count.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int

        public init(label: String, value: Int) {
            self.label = label
            self.value = value
        }
    }

    /// E.g. 新河镇为民服务中心信息汇总.
    public var title: String
    /// Lines under the title: the period, when it was made, whether deadlines are estimates.
    public var subtitle: [String]
    /// The summary's label and value pairs.
    public var summary: [(label: String, value: String)]
    /// The sections in order.
    public var sections: [Section]
    /// In every footer.
    public var footer: String

    public init(title: String, subtitle: [String], summary: [(label: String, value: String)], sections: [Section], footer: String) {
        self.title = title
        self.subtitle = subtitle
        self.summary = summary
        self.sections = sections
        self.footer = footer
    }

    public static func == (lhs: ReportDocument, rhs: ReportDocument) -> Bool {
        lhs.title == rhs.title && lhs.subtitle == rhs.subtitle && lhs.summary.map(\.label) == rhs.summary.map(\.label)
            && lhs.summary.map(\.value) == rhs.summary.map(\.value) && lhs.sections == rhs.sections && lhs.footer == rhs.footer
    }
}

extension Documents {
    /// The most bars one chart draws.
    static let chartBars = 20

    /// Renders a report on A4: tables with their headers repeated after a page break, horizontal bar
    /// charts drawn with cairo, "第i页/共N页" in every footer.
    public static func reportPDF(_ report: ReportDocument) throws(DocumentError) -> Data {
        let pages = try A4Pages(title: report.title)
        let cr = pages.cr
        let width = pages.width
        pages.paragraph(report.title, size: 16, bold: true, after: 6)
        for line in report.subtitle { pages.paragraph(line, size: 10, after: 2) }
        pages.append(.gap(8))
        pages.table(
            columns: [width * 0.5, width * 0.5], header: nil, rows: report.summary.map { [.text($0.label), .text($0.value)] })
        for section in report.sections {
            pages.heading(section.title)
            if let bars = section.bars, !bars.isEmpty {
                chart(Array(bars.prefix(chartBars)), caption: section.barsCaption, on: pages, cr: cr)
            }
            let columnWidths = section.columns.enumerated().map { index, _ in
                index == 0 ? width * 0.3 : width * 0.7 / Double(max(section.columns.count - 1, 1))
            }
            pages.table(
                columns: columnWidths, header: section.columns,
                rows: section.rows.map { cells in (0..<section.columns.count).map { .text($0 < cells.count ? cells[$0] : "") } }, size: 8)
        }
        return try pages.finish(footer: report.footer)
    }

    /// A horizontal bar chart: each bar's label on the left, its length in proportion to the largest, its value at its end.
    private static func chart(_ bars: [ReportDocument.Bar], caption: String, on pages: A4Pages, cr: OpaquePointer) {
        let left = pages.left, width = pages.width
        let labelWidth = width * 0.3, barRoom = width * 0.6, rowHeight = 14.0
        let largest = max(bars.map(\.value).max() ?? 0, 1)
        let captionBlock = TextBlock(cr, caption, size: 8, width: width)
        let labels = bars.map { TextBlock(cr, $0.label, size: 8, width: labelWidth - 6) }
        let values = bars.map { TextBlock(cr, String($0.value), size: 8, width: 60) }
        pages.append(Block(height: captionBlock.height + Double(bars.count) * rowHeight + 10, keepWithNext: true) { y in
            captionBlock.draw(cr, x: left, y: y)
            var rowY = y + captionBlock.height + 4
            for (index, bar) in bars.enumerated() {
                labels[index].draw(cr, x: left, y: rowY)
                let length = barRoom * Double(bar.value) / Double(largest)
                cairo_set_source_rgb(cr, 0.55, 0.1, 0.1)
                cairo_rectangle(cr, left + labelWidth, rowY + 2, max(length, 0.5), rowHeight - 5)
                cairo_fill(cr)
                cairo_set_source_rgb(cr, 0, 0, 0)
                values[index].draw(cr, x: left + labelWidth + length + 4, y: rowY)
                rowY += rowHeight
            }
        })
    }
}
