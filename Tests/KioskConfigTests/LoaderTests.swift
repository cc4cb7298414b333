import Foundation
import Testing

@testable import KioskConfig
@testable import KioskCore
import TestSupport


@Suite struct DemoCatalogTests {
    let configuration: KioskConfiguration

    init() throws {
        configuration = try ConfigurationLoader.load(directory: packageRoot.appendingPathComponent("kiosk-config"))
    }

    @Test func followsTheImplementationPlan() {
        let catalog = configuration.catalog
        let expected: [MatterCategory: Int] = [
            .publicService: 10, .licensing: 13, .confirmation: 2, .levy: 1, .otherAdministrative: 4, .other: 1,
        ]
        for category in MatterCategory.allCases {
            #expect(catalog.delegatedCount(by: category) == expected[category], "\(category.rawValue)")
        }
        let delegated = catalog.matters.filter(\.delegated)
        #expect(delegated.count == 31)
        #expect(Set(delegated.map(\.department)) == Set(Department.allCases))
        let refused = catalog.matters.filter { !$0.delegated }
        #expect(refused.count >= 3)
        #expect(refused.allSatisfy { $0.refusal?.message.zh.hasPrefix("不予受理") == true })
        #expect(CatalogSummary(catalog).line.contains("31 delegated matters from 9 departments (公共服务 10, 行政许可 13, 行政确认 2, 行政征收 1, 行政其他 4, 其他 1)"))
        // #17 item 16: everyday words residents search for.
        #expect(catalog.matter("MZ-QR-02")?.keywords.contains("五保") == true)
        #expect(CatalogSummary(catalog).line.hasSuffix("; 44 search keywords on 18 matters"))
    }

    @Test func everyMatterHasItsGuideElements() {
        for matter in configuration.catalog.matters {
            #expect(matter.name.en?.isEmpty == false, "\(matter.code)")
            #expect(!matter.legalBasis.isEmpty && !matter.conditions.isEmpty, "\(matter.code)")
            if matter.acceptsAtVillage { #expect(matter.form.fields.count >= 4, "\(matter.code)") }
        }
    }

    @Test func exampleAnswersValidateForEveryMatter() {
        let today = CalendarDate(year: 2026, month: 11, day: 27)!
        for matter in configuration.catalog.matters {
            let example = ExampleAnswers.generate(for: matter.form, today: today)
            let result = FormValidator.validate(example, form: matter.form, today: today)
            #expect(result.issues == [], "\(matter.code)")
        }
    }

    @Test func stationConfig() {
        let station = configuration.station
        #expect(station.station.id == "XH03")
        #expect(station.station.authority == "XX县新河镇人民政府")
        #expect(station.language == .zhHans)
        #expect(station.centerPublicKeyPath?.hasSuffix("kiosk-config/demo-center/center-x25519.pub") == true)
    }
}

@Suite struct BrokenConfigTests {
    @Test func everyProblemIsReportedWithItsPosition() throws {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("broken")
        let issues: [ConfigIssue]
        do {
            _ = try ConfigurationLoader.load(directory: root)
            Issue.record("the broken config loaded")
            return
        } catch {
            issues = error.issues
        }
        // Paths are shown relative to the working directory; compare them relative to the fixture.
        let prefix = try #require(issues.first?.path.replacingOccurrences(of: "kiosk.yaml", with: ""))
        let lines = issues.map { $0.description.replacingOccurrences(of: prefix, with: "") }
        #expect(lines == [
            "kiosk.yaml:11:1: unknown key 'printer' (expected one of: station, data_dir, town_center, printers, locale, idle_timeout_seconds, retention_days, voice)",
            "catalog/matters/A-01.yaml:3:1: unknown key 'titel' (expected one of: code, name, department, category, delegated, intake, refer_to, completing_unit, legal_basis, conditions, materials, time_limit_days, fee, visits, delivery, phone, complaint, signature, form, keywords, retention_years)",
            "catalog/matters/A-01.yaml:4:13: department '公安局' is not one of: 人社局, 行政审批局, 住建局, 城管局, 水务局, 民政局, 宣传部(新闻出版局), 卫健委, 医保局",
            "catalog/matters/A-02.yaml:3:11: YAML syntax error: did not find expected ',' or '}'",
            "catalog/matters/A-03.yaml:26:45: bad expression: unexpected '>'",
            "catalog/matters/A-03.yaml:32:19: duplicate choice value 'x' in field 'c'",
            "catalog/matters/A-04.yaml:22:18: calculation/relevance cycle: a -> b -> a",
            "catalog/matters/A-05.yaml:1:7: duplicate matter code 'A-01' (also in catalog/matters/A-01.yaml:1)",
            "catalog/matters/A-06.yaml:1:1: missing required key 'name'",
            "catalog/matters/A-06.yaml:3:11: category '便民服务' is not one of: 公共服务, 行政许可, 行政确认, 行政征收, 行政其他, 其他",
            "catalog/matters/A-06.yaml:1:1: missing required key 'refer_to' (where to go instead) for a matter the village cannot take",
            "catalog/matters/A-07.yaml:22:36: relevant of 'age' refers to unknown field 'nope'",
            "catalog/matters/A-08.yaml:22:25: calculation/relevance cycle: area -> area",
        ])
    }

    @Test func missingDirectoryIsAClearError() {
        #expect {
            _ = try ConfigurationLoader.load(directory: URL(fileURLWithPath: "/nonexistent/bianmin"))
        } throws: { error in
            (error as? ConfigErrors)?.issues.first?.message.hasPrefix("cannot read the file") == true
        }
    }
}

/// #17 catalog content: cross-field rules a caseworker expects (age from the ID number against the
/// category, dates against each other).
@Suite struct CrossFieldRuleTests {
    let configuration: KioskConfiguration
    let today = CalendarDate(year: 2026, month: 11, day: 27)!

    init() throws {
        configuration = try ConfigurationLoader.load(directory: packageRoot.appendingPathComponent("kiosk-config"))
    }

    func id(born birth: String) -> String {
        let first17 = "110101" + birth + "001"
        return first17 + String(ResidentID.checkCharacter(for: Array(first17))!)
    }

    /// The fields with problems when `changes` replace answers of the matter's example answers.
    func issues(_ code: String, _ changes: Answers) throws -> [String] {
        let form = try #require(configuration.catalog.matter(code)).form
        var answers = ExampleAnswers.generate(for: form, today: today)
        for (key, value) in changes { answers[key] = value }
        return FormValidator.validate(answers, form: form, today: today).issues.map(\.path)
    }

    @Test func aCategoryMustAgreeWithTheAgeInTheIDNumber() throws {
        let old = AnswerValue.text(id(born: "19490301"))
        let child = AnswerValue.text(id(born: "20150301"))
        #expect(try issues("MZ-QR-02", ["id_number": old, "person_type": .text("minor")]) == ["person_type"])
        #expect(try issues("MZ-QR-02", ["id_number": old, "person_type": .text("elderly")]) == [])
        #expect(try issues("MZ-QR-02", ["id_number": child, "person_type": .text("elderly")]) == ["person_type"])
        #expect(try issues("MZ-QR-02", ["id_number": child, "person_type": .text("minor")]) == [])
    }

    @Test func datesAgreeWithEachOther() throws {
        #expect(try issues("YB-GG-02", ["admission_date": .text("2026-10-10"), "discharge_date": .text("2026-10-01")]) == ["discharge_date"])
        #expect(try issues("YB-GG-02", ["admission_date": .text("2026-10-01"), "discharge_date": .text("2026-10-10")]) == [])
        let mother = AnswerValue.text(id(born: "19950301"))
        #expect(try issues("WJ-GG-01", ["id_number": mother, "status": .text("born"), "birth_date": .text("1990-05-01")]) == ["birth_date"])
        #expect(try issues("WJ-GG-01", ["id_number": mother, "status": .text("born"), "birth_date": .text("2026-05-01")]) == [])
    }
}
