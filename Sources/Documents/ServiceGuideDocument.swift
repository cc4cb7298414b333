import CPangoCairo
import Foundation

/// What the printed A4 service guide (办事指南) shows; texts are ready to print.
public struct ServiceGuideDocument: Sendable, Equatable {
    /// One titled element of the guide, e.g. 受理条件 with one paragraph per condition.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var paragraphs: [String]
        /// Creates a section.
        public init(title: String, paragraphs: [String]) {
            self.title = title
            self.paragraphs = paragraphs
        }
    }

    /// Name of the matter.
    public var matterName: String
    /// Code of the matter in the catalog.
    public var matterCode: String
    /// Who accepts applications for it (or where to go instead).
    public var authorityName: String
    /// The guide's elements, in order.
    public var sections: [Section]

    /// Creates a guide description.
    public init(matterName: String, matterCode: String, authorityName: String, sections: [Section]) {
        self.matterName = matterName
        self.matterCode = matterCode
        self.authorityName = authorityName
        self.sections = sections
    }
}

extension Documents {
    /// Renders the service guide on A4 pages: each section's heading kept with its first paragraph,
    /// paragraphs wrapped and never run off a page, the matter code and "第i页/共N页" in every footer.
    public static func serviceGuidePDF(_ guide: ServiceGuideDocument) throws(DocumentError) -> Data {
        let pages = try A4Pages(title: "\(guide.matterName)办事指南")
        pages.paragraph("办事指南", size: 17, bold: true, after: 6)
        pages.paragraph(guide.matterName, size: 14, bold: true, after: 6)
        pages.paragraph("事项编码:\(guide.matterCode)", size: 10, after: 2)
        pages.paragraph("受理机关:\(guide.authorityName)", size: 10, after: 16)
        for section in guide.sections {
            pages.heading("【\(section.title)】", size: 11)
            for paragraph in section.paragraphs {
                pages.paragraph(paragraph, indent: 12)
            }
            pages.append(.gap(8))
        }
        return try pages.finish(footer: "办事指南 \(guide.matterCode)")
    }
}
