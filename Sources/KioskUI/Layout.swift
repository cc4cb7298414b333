import Foundation
import KioskCore
import Terminal

/// Where the parts of every screen go and how lists and long texts are paged: the one set of
/// measurements the update (which turns pages) and the view (which draws them) share.
public struct Layout: Sendable, Hashable {
    /// Items on one page of a numbered list (1-7; 8 and 9 turn pages, 0 goes back).
    public static let listPageSize = 7

    /// Columns of the screen.
    public var width: Int
    /// Rows of the screen.
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Whether the screen is large enough to draw (80x24 at least); a smaller one shows only a message.
    public var fits: Bool { width >= 80 && height >= 24 }

    /// Left edge of the body; the body stays at most 100 cells wide, centred.
    public var bodyCol: Int { max(2, (width - 100) / 2) }
    /// Width of the body.
    public var bodyWidth: Int { width - 2 * bodyCol }
    /// The row of the screen's title.
    public var titleRow: Int { 2 }
    /// The first row of the body.
    public var bodyTop: Int { 4 }
    /// Rows available to the body.
    public var bodyRows: Int { max(1, height - 8) }
    /// The row of messages and errors.
    public var noticeRow: Int { height - 4 }
    /// The row of key hints.
    public var keysRow: Int { height - 2 }
    /// The last row: the idle countdown.
    public var statusRow: Int { height - 1 }

    /// Lines of paged text on one page (the last body row holds the page count).
    public var linesPerPage: Int { bodyRows - 1 }

    /// The number of pages `lines` lines of text take in the body.
    public func pageCount(lines: Int) -> Int {
        max(1, (lines + linesPerPage - 1) / linesPerPage)
    }

    /// The number of pages of a numbered list of `count` items.
    public static func listPageCount(_ count: Int) -> Int {
        max(1, (count + listPageSize - 1) / listPageSize)
    }

    /// Page `page` of a numbered list (the last one when past it), with its number and the page count.
    static func listPage<Item>(_ items: [Item], page: Int) -> (items: ArraySlice<Item>, page: Int, pages: Int) {
        let pages = listPageCount(items.count)
        let page = min(page, pages - 1)
        return (items.dropFirst(page * listPageSize).prefix(listPageSize), page, pages)
    }

    /// Page `page` of paged text (the last one when past it), with its number and the page count.
    func textPage(_ lines: [String], page: Int) -> (lines: ArraySlice<String>, page: Int, pages: Int) {
        let pages = pageCount(lines: lines.count)
        let page = min(page, pages - 1)
        return (lines.dropFirst(page * linesPerPage).prefix(linesPerPage), page, pages)
    }
}

extension KioskState {
    /// The review's lines: every answered, visible question numbered, with its answer (masked unless `revealed`).
    func reviewLines(_ application: Application, revealed: Bool) -> [String] {
        guard let matter = environment.catalog.matter(application.matterCode) else { return [] }
        let questions = reviewQuestions(application, matter)
        let digits = String(questions.count).count
        let indent = String(repeating: " ", count: digits + 2)
        let answers = FormValidator.validate(application.answers, form: matter.form, today: today).answers
        var lines: [String] = []
        for (index, field) in questions.enumerated() {
            let number = String(index + 1)
            let label = String(repeating: " ", count: digits - number.count) + number + ". " + field.label.text(language)
            var text = label + ": " + t("review.empty")
            if let value = answers[field.id] { text = label + ": " + display(value, field: field, masked: !revealed) }
            lines += text.wrapped(toWidth: layout.bodyWidth - indent.count).enumerated().map { $0.offset == 0 ? $0.element : indent + $0.element }
            if case .group(let entries)? = answers[field.id] {
                for (index, entry) in entries.enumerated() {
                    let line = t("review.entry", String(index + 1)) + entrySummary(entry, group: field, masked: !revealed)
                    lines += line.wrapped(toWidth: layout.bodyWidth - indent.count - 2).map { indent + "  " + $0 }
                }
            }
        }
        return lines
    }

    /// The service guide of `matter` as display lines as wide as the body, paged so that a heading
    /// starts a new page rather than stand without its first lines at the bottom of one.
    func guideLines(_ matter: Matter) -> [String] {
        let guide = ServiceGuide(matter, language: language)
        let perPage = layout.linesPerPage
        var lines: [String] = []
        for section in guide.sections {
            let body = section.lines.flatMap { $0.wrapped(toWidth: layout.bodyWidth - 2).map { "  " + $0 } }
            // The heading and its first two lines (or all, when fewer) stay on one page.
            let keep = 1 + min(2, body.count)
            let used = lines.count % perPage
            if used > 0, used + keep > perPage, keep <= perPage {
                lines += Array(repeating: "", count: perPage - used)
            }
            lines.append("【\(section.title)】")
            lines += body
        }
        return lines
    }

    /// What an entry of a repeat group holds, sensitive answers masked unless `masked` is false.
    func entrySummary(_ entry: Answers, group: Field, masked: Bool = true) -> String {
        group.fields.compactMap { member in
            entry[member.id].map { display($0, field: member, masked: masked) }
        }.joined(separator: "  ")
    }

    /// An answer as the review shows it: choice labels, personal data masked unless `masked` is false.
    func display(_ value: AnswerValue, field: Field, masked: Bool = true) -> String {
        let masked = masked && field.sensitive
        switch value {
        case .text(let text):
            if masked { return Masking.value(text, for: field) }
            return field.choiceLabel(text)?.text(language) ?? text
        case .number(let number):
            return masked ? Masking.generic(ExpressionValue.format(number)) : ExpressionValue.format(number)
        case .list(let values):
            return values.map { field.choiceLabel($0)?.text(language) ?? $0 }.joined(separator: language == .zhHans ? "、" : ", ")
        case .group(let entries):
            return t("review.entries", String(entries.count))
        }
    }
}
