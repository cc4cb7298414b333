import Foundation
import HummingbirdOTP
import Testing
import TestSupport
import TownCenter
import TownDesk

@Suite("Town desk TOTP second factor over HTTP")
struct DeskSecondFactorTests {
    /// The secret an `otpauth://` URI carries (base32 decoded).
    static func secret(of uri: String) throws -> String {
        let components = try #require(URLComponents(string: uri))
        let base32 = try #require(components.queryItems?.first { $0.name == "secret" }?.value)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in base32 {
            let index = try #require(alphabet.firstIndex(of: character))
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((value >> bits) & 0xFF))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Posts the sign-in form of a fresh browser with `code`.
    static func signIn(_ desk: RunningDesk, code: String?) async throws -> RunningDesk.Page {
        let browser = RunningDesk.Browser()
        let login = try await desk.request("GET", "/desk/login", browser: browser)
        var form = ["csrf": login.csrf ?? "", "username": "li.na", "password": "good-password-1"]
        form["code"] = code
        return try await desk.request("POST", "/desk/login", form: form, browser: browser)
    }

    @Test("the RFC 6238 test vector: secret 12345678901234567890 at 59 s gives …287082 in step 1, and only within a step of it")
    func rfcVector() {
        #expect(StaffSecondFactor.matchingStep(code: "287082", secret: "12345678901234567890", now: 59) == 1)
        #expect(StaffSecondFactor.matchingStep(code: "287082", secret: "12345678901234567890", now: 89) == 1)
        #expect(StaffSecondFactor.matchingStep(code: "287082", secret: "12345678901234567890", now: 120) == nil)
        for hostile in ["", "28708", "2870820", "２８７０８２", "-87082", "28708a", " 287082 x"] {
            #expect(StaffSecondFactor.matchingStep(code: hostile, secret: "12345678901234567890", now: 59) == nil, "\(hostile)")
        }
    }

    @Test("enrolled with `towncenter staff totp`, sign-in needs the code of the center's clock: none or a wrong one is refused and audited, the right one opens the inbox once")
    func enrolAndSignIn() async throws {
        try await withRunningDesk { desk in
            // Before enrolment the password alone signs in.
            #expect(try await Self.signIn(desk, code: nil).status == 303)
            let enrolled = try towncenter(["staff", "totp", "--id", "li.na", "--data", desk.center.directory.url.path])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            let uri = enrolled.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(uri.hasPrefix("otpauth://totp/Bianmin:li.na?secret=") && uri.contains("issuer=Bianmin"))
            let totp = TOTP(secret: try Self.secret(of: uri))
            let code = { (date: Date) in String(format: "%06d", totp.compute(date: date)) }

            #expect(try await Self.signIn(desk, code: nil).status == 401)
            let right = code(desk.clock.now())
            let wrong = String(format: "%06d", (Int(right)! + 1) % 1_000_000)
            let refused = try await Self.signIn(desk, code: wrong)
            #expect(refused.status == 401)
            #expect(refused.body.contains("动态验证码不对"))
            // A code of ten minutes ago is refused too.
            #expect(try await Self.signIn(desk, code: code(desk.clock.now().addingTimeInterval(-600))).status == 401)
            let events = try await desk.center.database.auditEvents()
            #expect(events.contains { $0.event == "staff_totp_enrolled" && $0.detail == "li.na" })
            #expect(events.filter { $0.event == "staff_sign_in_failed" && $0.detail == "li.na second_factor" }.count == 3)

            let signedIn = try await Self.signIn(desk, code: right)
            #expect(signedIn.status == 303 && signedIn.headers["location"] == "/desk/inbox")
            // The same code is not accepted twice; the next step's code is.
            #expect(try await Self.signIn(desk, code: right).status == 401)
            desk.clock.advance(by: 30)
            #expect(try await Self.signIn(desk, code: code(desk.clock.now())).status == 303)
            // Wrong codes count towards the lock like wrong passwords.
            for attempt in 1...5 {
                #expect(try await Self.signIn(desk, code: wrong).status == (attempt < 5 ? 401 : 429))
            }
            desk.clock.advance(by: 30)
            #expect(try await Self.signIn(desk, code: code(desk.clock.now())).status == 429)
        }
    }
}
