import Documents
import Foundation
import Testing
import TestSupport

@Suite("notices")
struct NoticeTests {
    static let supplement = NoticeDocument(
        title: "补正材料通知书", number: "新河便补〔2026〕第0007号", authorityName: "XX县新河镇人民政府", addressee: "李秀英",
        paragraphs: ["你于2026年9月30日提出的城乡居民最低生活保障申请(回执 XH03-260930-0001-7),材料不齐全。请一次性补正以下材料:"],
        items: ["户口簿复印件", "家庭成员收入证明", "银行卡(折)复印件"],
        closing: ["请在补正后到新河镇为民服务中心或村便民服务站提交。补正材料齐全后,本机关依法受理。"],
        date: "2026年10月9日", receiptNumber: "XH03-260930-0001-7")

    @Test("a supplement notice: title, number, addressee, every item, the authority and date, on A4")
    func supplementNotice() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("notice.pdf")
        try Documents.noticePDF(Self.supplement).write(to: URL(fileURLWithPath: path))
        #expect(try abs(pdfPageSize(path).width - 595.3) < 1, "A4")
        #expect(try pdfPages(path) == 1)
        let text = compact(try pdfText(path))
        for expected in ["补正材料通知书", "新河便补〔2026〕第0007号", "李秀英:", "XX县新河镇人民政府", "2026年10月9日",
                         "1.户口簿复印件", "2.家庭成员收入证明", "3.银行卡(折)复印件", "XH03-260930-0001-7"] {
            #expect(text.contains(compact(expected)), "\(expected)")
        }
        #expect(try inkPixels(inPDF: path) > 0)
    }

    @Test("a long notice runs onto a second page with the seal area kept whole")
    func longNotice() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("long.pdf")
        var notice = Self.supplement
        notice.items = (1...45).map { "第\($0)项补正材料" }
        try Documents.noticePDF(notice).write(to: URL(fileURLWithPath: path))
        let pages = try pdfPages(path)
        #expect(pages == 2)
        let last = compact(try pdfText(path, page: pages))
        #expect(last.contains("45.第45项补正材料"))
        #expect(last.contains("XX县新河镇人民政府2026年10月9日"))
        #expect(last.contains("第2页/共2页"))
    }
}
