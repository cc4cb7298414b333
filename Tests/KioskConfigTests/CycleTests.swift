import Testing

@testable import KioskConfig
import KioskCore

/// Calculations (and relevance) that depend on themselves are errors placed at the reference that
/// closes the circle, naming the circle.
@Suite struct CycleTests {
    /// The problems `kiosk catalog check` reports for a matter whose form has `fields` (YAML, indented as list items).
    func problems(_ fields: String) -> [String] {
        let text = """
            code: T-01
            name: {zh: 测试, en: Test}
            department: 民政局
            category: 公共服务
            delegated: true
            intake: village
            completing_unit: 县民政局
            legal_basis: [《社会救助暂行办法》]
            conditions: [本县户籍居民]
            materials: []
            time_limit_days: 5
            fee: 不收费
            visits: 0
            delivery: 短信通知
            phone: 0000-0000000
            complaint: 12345政务服务便民热线
            form:
              fields:

            """ + fields
        let diagnostics = Diagnostics()
        let matter = diagnostics.compose(text, path: "m.yaml").flatMap { MatterReader(path: "m.yaml", diagnostics: diagnostics).matter($0) }
        #expect((matter == nil) == !diagnostics.issues.isEmpty)
        return diagnostics.issues.map(\.description)
    }

    @Test func aCalculationOfItsOwnField() {
        #expect(problems("""
                - id: total
                  type: integer
                  label: {zh: 合计, en: Total}
                  calculate: ${total} + 1
            """) == ["m.yaml:22:18: calculation/relevance cycle: total -> total"])
    }

    @Test func twoCalculationsOfEachOther() {
        #expect(problems("""
                - id: a
                  type: integer
                  label: {zh: 甲, en: A}
                  calculate: "1 + ${b}"
                - id: b
                  type: integer
                  label: {zh: 乙, en: B}
                  calculate: ${a} * 2
            """) == ["m.yaml:22:23: calculation/relevance cycle: a -> b -> a"])
    }

    @Test func threeCalculationsInACircle() {
        #expect(problems("""
                - id: a
                  type: decimal
                  label: {zh: 甲, en: A}
                  calculate: ${c} div 2
                - id: b
                  type: decimal
                  label: {zh: 乙, en: B}
                  calculate: ${a} + 1
                - id: c
                  type: decimal
                  label: {zh: 丙, en: C}
                  calculate: round(${b}, 1)
            """) == ["m.yaml:22:18: calculation/relevance cycle: a -> c -> b -> a"])
    }

    @Test func aMemberOfAGroupCalculatedFromItself() {
        #expect(problems("""
                - id: members
                  type: repeat
                  label: {zh: 成员, en: Members}
                  fields:
                    - id: income
                      type: decimal
                      label: {zh: 收入, en: Income}
                      calculate: ${income} + count(${members})
            """) == ["m.yaml:26:22: calculation/relevance cycle: members.income -> members.income"])
    }

    @Test func chainsAndSharedInputsAreNoCycle() {
        #expect(problems("""
                - id: width
                  type: decimal
                  label: {zh: 宽, en: Width}
                - id: height
                  type: decimal
                  label: {zh: 高, en: Height}
                  relevant: ${width} > 0
                - id: area
                  type: decimal
                  label: {zh: 面积, en: Area}
                  calculate: ${width} * ${height}
                - id: doubled
                  type: decimal
                  label: {zh: 双倍, en: Doubled}
                  calculate: ${area} + ${area} + ${width}
                - id: members
                  type: repeat
                  label: {zh: 成员, en: Members}
                  relevant: ${doubled} > 1
                  fields:
                    - id: income
                      type: decimal
                      label: {zh: 收入, en: Income}
                    - id: share
                      type: decimal
                      label: {zh: 份额, en: Share}
                      calculate: ${income} div count(${members})
                - id: total
                  type: decimal
                  label: {zh: 合计, en: Total}
                  calculate: sum(${members.income}) + ${doubled}
            """) == [])
    }
}
