import KioskCore
import Testing

@Suite struct ResidentIDTests {
    let today = CalendarDate(year: 2026, month: 11, day: 27)!

    @Test(arguments: [
        ("11010519491231002X", 1949, 12, 31, ResidentID.Sex.female),  // the GB 11643 example, check character X
        ("440524188001010014", 1880, 1, 1, .male),  // the GB 11643-1999 appendix example
        ("110101199003074477", 1990, 3, 7, .male),
    ])
    func validNumbers(_ text: String, _ year: Int, _ month: Int, _ day: Int, _ sex: ResidentID.Sex) throws {
        let id = try ResidentID(text, today: today)
        #expect(id.birthDate == CalendarDate(year: year, month: month, day: day))
        #expect(id.sex == sex)
    }

    @Test func lowerCaseXIsNormalised() throws {
        #expect(try ResidentID("11010519491231002x", today: today).value == "11010519491231002X")
    }

    @Test func ageFromBirthDate() throws {
        let id = try ResidentID("110101199003074477", today: today)
        #expect(id.age(on: today) == 36)
        #expect(id.age(on: CalendarDate(year: 2026, month: 3, day: 6)!) == 35)
    }

    @Test(arguments: [
        ("110101199003071234", ResidentID.Problem.checkCharacter(expected: "3")),
        ("11010119900230123X", .birthDate),  // 30 February
        ("110101190002291236", .birthDate),  // 1900 was not a leap year
        ("110101179901011234", .birthDate),  // before 1800
        ("110101203001011234", .futureBirthDate),
        ("1101011990030712", .length(16)),
        ("11010119900307123A", .characters),
        ("1101011990030712X4", .characters),
        ("11010119900307123４", .characters),  // a full-width digit: 18 characters, but not ASCII
        ("11010119900307１2", .length(16)),
        ("990101199003071234", .region),
    ])
    func invalidNumbers(_ text: String, _ problem: ResidentID.Problem) {
        #expect(throws: problem) { try ResidentID(text, today: today) }
    }

    @Test func everySingleDigitTypoIsCaught() throws {
        let good = Array("110101199003074477")
        for i in 0..<17 {
            var typo = good
            typo[i] = typo[i] == "9" ? "8" : Character(String((typo[i].wholeNumberValue! + 1) % 10))
            #expect(throws: ResidentID.Problem.self) { try ResidentID(String(typo), today: today) }
        }
    }
}

@Suite struct DomainValidatorTests {
    @Test(arguments: ["91350100M000100Y43", "914403001922038216", "91440300708461136T", "91330100716105852F", "91110108551385082q"])
    func realCreditCodes(_ code: String) {
        #expect(CreditCode.isValid(code))
    }

    @Test(arguments: ["911100001000013934", "91350100M000100Y4", "91350100M000100I43", "91350100M000100Y44"])
    func badCreditCodes(_ code: String) {
        #expect(!CreditCode.isValid(code))
    }

    @Test(arguments: ["4111111111111111", "6228480402564890018", "6228 4804 0256 4890 018"])
    func luhnValid(_ card: String) {
        #expect(BankCard.isValid(card))
    }

    @Test(arguments: ["4111111111111112", "6228480402564890017", "79927398713", "62284804025648900181234", "6228a80402564890018"])
    func luhnInvalidOrWrongLength(_ card: String) {
        // 79927398713 passes Luhn but is too short for a bank card.
        #expect(!BankCard.isValid(card))
    }

    @Test func luhnCheckDigitCompletesANumber() {
        let body = "622848040256489001"
        #expect(BankCard.checkDigit(for: body) == 8)
    }

    @Test(arguments: [
        ("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"), ("0571-87654321", "0571-87654321"),
        ("010-12345678-123", "010-12345678-123"), ("057187654321", "057187654321"),
    ])
    func phones(_ input: String, _ normalized: String) {
        #expect(PhoneNumber.normalized(input) == normalized)
    }

    @Test(arguments: ["12800138000", "1380013800", "138001380000", "0571-0765432", "571-87654321", "phone"])
    func badPhones(_ input: String) {
        #expect(PhoneNumber.normalized(input) == nil)
    }

    @Test func masking() {
        #expect(Masking.name("张三") == "张*")
        #expect(Masking.name("欧阳娜娜") == "欧***")
        #expect(Masking.idNumber("11010519491231002X") == "1101**********002X")
        #expect(Masking.phone("13800138000") == "138****8000")
    }

    @Test func nameFieldsAreFoundByTheirChineseLabel() {
        func field(_ label: String, _ type: FieldType = .text) -> Field {
            Field(id: "f", type: type, label: LocalizedText(zh: label, en: "Name"), sensitive: true)
        }
        for label in ["姓名", "申请人姓名", "家庭成员姓名(与户口簿一致)"] { #expect(field(label).asksForName, "\(label)") }
        for label in ["", "姓", "名姓", "住址", "姓 名"] { #expect(!field(label).asksForName, "\(label)") }
        #expect(!field("姓名", .idNumber).asksForName)
        #expect(Masking.value("欧阳娜娜", for: field("申请人姓名")) == "欧***")
        #expect(Masking.value("欧阳娜娜", for: field("住址")) == "欧阳娜娜".map { _ in "*" }.joined())
    }
}

@Suite struct CalendarDateTests {
    @Test func arithmeticRoundTrips() {
        let d = CalendarDate(year: 2024, month: 2, day: 28)!
        #expect(d.adding(days: 1) == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(d.adding(days: 2) == CalendarDate(year: 2024, month: 3, day: 1))
        #expect(d.adding(days: 366).adding(days: -366) == d)
        #expect(CalendarDate(year: 2024, month: 2, day: 29)!.adding(years: 1) == CalendarDate(year: 2025, month: 2, day: 28))
        #expect(CalendarDate(iso: "2023-02-29") == nil)
        #expect(CalendarDate(iso: "2024-2-01") == nil)
    }
}
