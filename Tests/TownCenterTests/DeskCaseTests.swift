import Foundation
import GRDB
import KioskCore
import SyncProtocol
import Testing
import TestSupport
import TownCenter

/// A minimum-living-allowance answer set (MZ-QR-01) with a household of two.
let allowanceAnswers = #"""
    {"name":"赵六","id_number":"110101199003071234","phone":"13800138000","address":"柳树湾村3组",
     "members":[{"member_name":"赵六","member_id_number":"110101199003071234","relationship":"self","income":800},
                {"member_name":"钱七","member_id_number":"110101199205061234","relationship":"spouse","income":0}],
     "household_size":2,"per_capita_income":400,"reason":"illness"}
    """#

@Suite("Town desk case page over HTTP")
struct DeskCaseTests {
    @Test("answers under the catalog's labels with repeat groups as a table, in full for window staff and masked for a department; the receipt verified")
    func layout() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-QR-01", answers: allowanceAnswers)
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.status == 200)
            #expect(page.body.contains(#"<th scope="row">申请人姓名</th><td>赵六</td>"#))
            #expect(page.body.contains(#"<th scope="row">申请人公民身份号码</th><td>110101199003071234</td>"#))
            #expect(!page.body.contains(">id_number<") && !page.body.contains(">member_name<"))
            #expect(page.body.contains("<th>姓名</th><th>公民身份号码</th><th>与申请人关系</th>"))
            #expect(page.body.contains("<tr><td>钱七</td><td>110101199205061234</td><td>配偶</td>"))
            #expect(page.body.contains(#"<dd class="verified">签名有效"#))

            let (department, _) = try await desk.signIn("mz.wang")
            let masked = try await desk.request("GET", "/desk/cases/\(receipt)", browser: department)
            #expect(masked.status == 200)
            #expect(masked.body.contains(#"<th scope="row">申请人姓名</th><td>赵*</td>"#))
            #expect(masked.body.contains("<tr><td>钱*</td><td>1101**********1234</td><td>配偶</td>"))
            #expect(!masked.body.contains("钱七") && !masked.body.contains("110101199003071234") && !masked.body.contains("13800138000"))
            #expect(!masked.body.contains("/materials") && !masked.body.contains("/step"))
            let openings = try await desk.center.database.auditEvents().filter { $0.event == "opened" }.compactMap(\.detail)
            #expect(openings == ["li.na", "mz.wang"])
        }
    }

    @Test("a receipt signed for another case shows as not matching")
    func receiptDiffers() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let first = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let second = try await feeder.store("MZ-GG-01", answers: elderAnswers("李四"))
            try await desk.center.database.writer.write { db in
                try db.execute(
                    sql: "UPDATE submission SET receipt_qr = (SELECT receipt_qr FROM submission WHERE receipt = ?) WHERE receipt = ?",
                    arguments: [second, first])
            }
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(first)", browser: window)
            #expect(page.body.contains(#"<dd class="unverified">签名有效，但与收到的申请不一致"#))
        }
    }

    @Test("the materials checklist is saved by window staff (CSRF checked, department refused) and the history lists receipt, viewing, materials and decision")
    func materialsAndHistory() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let path = "/desk/cases/\(receipt)/materials"
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(page.body.contains(#"<input type="checkbox" name="m0" value="1"> 老年人居民身份证（原件）"#))
            #expect(try await desk.request("POST", path, form: ["m0": "1"], browser: window).status == 403)
            let saved = try await desk.request("POST", path, form: ["csrf": page.csrf ?? "", "m0": "1", "m2": "1", "m9": "1"], browser: window)
            #expect(saved.status == 303)
            let stored = try await desk.center.database.submission(receipt: receipt)
            #expect(try await desk.center.database.receivedMaterials(uuid: stored.summary.uuid) == [0, 2])
            let ticked = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window)
            #expect(ticked.body.contains(#"name="m0" value="1" checked>"#) && ticked.body.contains(#"name="m2" value="1" checked>"#))
            #expect(ticked.body.contains(#"name="m1" value="1">"#))

            let (department, _) = try await desk.signIn("mz.wang")
            let readOnly = try await desk.request("GET", "/desk/cases/\(receipt)", browser: department)
            #expect(readOnly.body.contains("<li>已收 老年人居民身份证（原件）</li>"))
            #expect(try await desk.request("POST", path, form: ["csrf": readOnly.csrf ?? "", "m1": "1"], browser: department).status == 403)

            _ = try await desk.request(
                "POST", "/desk/cases/\(receipt)/step", form: ["csrf": page.csrf ?? "", "action": "accept"], browser: window)
            let history = try await desk.request("GET", "/desk/cases/\(receipt)", browser: window).body
            let events = history.matches(of: /<tr><td>[0-9: -]+<\/td><td>([^<]+)<\/td><td>([^<]*)<\/td><\/tr>/).map { "\($0.1) \($0.2)" }
            #expect(events == [
                "收到申请 ", "查看申请内容 li.na", "核对材料 2/4 li.na", "查看申请内容 li.na", "查看申请内容 mz.wang",
                "办理 受理 li.na", "查看申请内容 li.na",
            ])
        }
    }

    @Test("the print view lays the form out without the desk's controls, sends no-store, and is closed without a session")
    func printView() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-QR-01", answers: allowanceAnswers)
            let (window, _) = try await desk.signIn("li.na")
            let page = try await desk.request("GET", "/desk/cases/\(receipt)/print", browser: window)
            #expect(page.status == 200)
            #expect(page.headers["cache-control"] == "no-store")
            #expect(page.body.contains("最低生活保障") && page.body.contains("申请表"))
            #expect(page.body.contains(#"<th scope="row">申请人姓名</th><td>赵六</td>"#))
            #expect(page.body.contains("申请人签名"))
            #expect(!page.body.contains("<form"))
            #expect(try await desk.request("GET", "/desk/cases/\(receipt)/print", browser: RunningDesk.Browser()).status == 303)
        }
    }

    @Test("the receipt check opens the case of a scanned BM1 text or a typed receipt number, and says why not for a forged, unknown or not yet received receipt")
    func receiptCheck() async throws {
        try await withRunningDesk { desk in
            var feeder = try await CaseFeeder(center: desk.center, station: TestStation("XH03"))
            let receipt = try await feeder.store("MZ-GG-01", answers: elderAnswers("张三"))
            let qr = try await desk.center.database.submission(receipt: receipt).receiptQR
            let (window, _) = try await desk.signIn("li.na")
            func check(_ code: String) async throws -> RunningDesk.Page {
                let query = code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                return try await desk.request("GET", "/desk/check?code=\(query)", browser: window)
            }
            let inbox = try await desk.request("GET", "/desk/inbox", browser: window)
            #expect(inbox.body.contains(#"<form method="get" action="/desk/check""#))
            for code in [qr, qr + "\r\n", receipt, receipt.lowercased()] {
                let opened = try await check(code)
                #expect(opened.status == 303 && opened.headers["location"] == "/desk/cases/\(receipt)", "\(code)")
            }
            var forged = Array(qr)
            forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
            let refused = try await check(String(forged))
            #expect(refused.status == 422)
            #expect(refused.body.contains("回执签名不符") || refused.body.contains("回执内容已损坏"))
            #expect(try await check("XH03-261127-9999-X").body.contains("没有这个回执编号的申请"))
            let unsent = try feeder.station.item(to: desk.center.keys.agreement.publicKey, sequence: 77)
            #expect(try await check(unsent.receipt).body.contains("本中心还没有收到这份申请"))
            #expect(try await check("").body.contains("请扫描回执上的二维码"))
            let (admin, _) = try await desk.signIn("root.admin")
            #expect(try await desk.request("GET", "/desk/check?code=\(receipt)", browser: admin).status == 403)
            #expect(try await desk.request("GET", "/desk/check?code=\(receipt)", browser: RunningDesk.Browser()).status == 303)
        }
    }
}
