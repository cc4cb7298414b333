import Foundation
import Testing
import TestSupport

@Suite struct CatalogCLITests {
    @Test func demoCatalogChecksClean() throws {
        let result = try run("kiosk", ["catalog", "check"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "catalog 2026.11.1: 31 delegated matters from 9 departments (公共服务 10, 行政许可 13, 行政确认 2, 行政征收 1, 行政其他 4, 其他 1), 4 not delegated; 44 search keywords on 18 matters\n")
    }

    @Test func brokenCatalogExitsOneWithPositions() throws {
        let result = try run("kiosk", ["catalog", "check", "--config", "Tests/KioskConfigTests/Fixtures/broken"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 14)
        #expect(lines.first == "Tests/KioskConfigTests/Fixtures/broken/kiosk.yaml:11:1: unknown key 'printer' (expected one of: station, data_dir, town_center, printers, locale, idle_timeout_seconds, retention_days, voice)")
        #expect(lines.contains("Tests/KioskConfigTests/Fixtures/broken/catalog/matters/A-04.yaml:22:18: calculation/relevance cycle: a -> b -> a"))
        #expect(lines.contains("Tests/KioskConfigTests/Fixtures/broken/catalog/matters/A-08.yaml:22:25: calculation/relevance cycle: area -> area"))
        #expect(lines.last == "13 problem(s) found")
    }

    @Test func listJSONCarriesTheSummaryFields() throws {
        let result = try run("kiosk", ["catalog", "list", "--json"])
        #expect(result.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 35)
        for item in items {
            for key in ["code", "name", "department", "category", "delegated"] { #expect(item[key] != nil, "\(key)") }
        }
        #expect(items.filter { $0["delegated"] as? Bool == true }.count == 31)
    }

    @Test func showPrintsTheServiceGuide() throws {
        try snapshot("catalog-show-MZ-QR-01.txt", try run("kiosk", ["catalog", "show", "MZ-QR-01"]).stdout)
        try snapshot("catalog-show-MZ-QR-03.txt", try run("kiosk", ["catalog", "show", "mz-qr-03"]).stdout)
    }

    @Test func anAppliedCatalogReplacesTheConfiguredOneWhichIsNotRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("config")
        let data = directory.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
        // What enrolment or `kiosk forward` leaves: the center's catalog at data/catalog.
        let applied = data.appendingPathComponent("catalog")
        try FileManager.default.copyItem(at: config.appendingPathComponent("catalog"), to: applied)
        let header = applied.appendingPathComponent("catalog.yaml")
        try (try String(contentsOf: header, encoding: .utf8)).replacingOccurrences(of: "2026.11.1", with: "2026.12.1")
            .write(to: header, atomically: true, encoding: .utf8)
        try "matters: [".write(to: config.appendingPathComponent("catalog/catalog.yaml"), atomically: true, encoding: .utf8)

        let list = try run("kiosk", ["catalog", "list", "--json", "--config", config.path, "--data", data.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("MZ-QR-01"))
        let check = try run("kiosk", ["catalog", "check", "--config", config.path])
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix(config.path + "/catalog/catalog.yaml:"), "\(check.stdout)")
    }

    @Test func unknownMatterIsAClearError() throws {
        let result = try run("kiosk", ["catalog", "show", "NOPE-1"])
        #expect(result.status == 64)
        #expect(result.stderr == "no matter with code 'NOPE-1' in the catalog (see `kiosk catalog list`)\n")
    }
}

@Suite struct AnswersCLITests {
    @Test func exampleAnswersPassCheckForEveryDemoMatter() throws {
        let list = try run("kiosk", ["catalog", "list", "--json"])
        let codes = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]).compactMap { $0["code"] as? String }
        #expect(codes.count == 35)
        for code in codes {
            let example = try run("kiosk", ["answers", "example", "--matter", code])
            #expect(example.status == 0)
            let check = try run("kiosk", ["answers", "check", "--matter", code, "--answers", "-"], stdin: Data(example.stdout.utf8))
            #expect(check.status == 0, "\(code): \(check.stderr)")
        }
    }

    @Test func invalidAnswersExit65WithPerFieldErrors() throws {
        let answers = #"{"name": "张三", "id_number": "110101199003071234", "phone": "12345", "bogus": 1}"#
        let result = try run("kiosk", ["answers", "check", "--matter", "RS-GG-01", "--answers", "-"], stdin: Data(answers.utf8))
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("bogus: 表单中没有这一项"))
        #expect(lines.contains("id_number: 身份证号码最后一位(校验码)不对,请逐位核对"))
        #expect(lines.contains("phone: 电话号码不对:手机11位,座机请加区号"))
    }

    @Test func malformedJSONIsAClearError() throws {
        let result = try run("kiosk", ["answers", "check", "--matter", "RS-GG-01", "--answers", "-"], stdin: Data(#"{"name": "张三",,}"#.utf8))
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("malformed answers JSON"))
    }
}
