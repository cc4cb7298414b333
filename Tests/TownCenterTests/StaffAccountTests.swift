import Foundation
import KioskCore
import KioskSecurity
import Testing
import TestSupport
import TownCenter

@Suite("Staff accounts")
struct StaffAccountTests {
    let passwords = StaffPasswords(parameters: .fastForTesting)

    /// A fresh center on a manual clock, with a window account `li.na` whose password is `good-password-1`.
    func centerWithClerk() async throws -> (Center, ManualClock, URL) {
        let directory = try temporaryDirectory()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_790_000_000))
        let center = try await Center.initialize(
            dataDirectory: directory.appendingPathComponent("data").path, catalogDirectory: demoCatalog, clock: clock)
        let account = StaffAccount(id: "li.na", name: "李娜", role: .window, department: nil, disabled: false, createdAt: center.now)
        try await center.database.addStaff(account, passwordHash: try await passwords.hash("good-password-1"))
        return (center, clock, directory)
    }

    @Test("the password policy refuses short, id-equal and common passwords")
    func policy() {
        #expect(StaffPasswordPolicy.weakness(of: "short1", id: "li.na") == .tooShort)
        #expect(StaffPasswordPolicy.weakness(of: "wang.xiaoming", id: "Wang.Xiaoming") == .sameAsID)
        #expect(StaffPasswordPolicy.weakness(of: "Password123", id: "li.na") == .common)
        #expect(StaffPasswordPolicy.weakness(of: "柳树湾-冬至-2042", id: "li.na") == nil)
    }

    @Test("sign-in succeeds, fails, locks after five failures until the clock passes five minutes; all audited without the password")
    func signInAndLockout() async throws {
        let (center, clock, directory) = try await centerWithClerk()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = center.database

        guard case .signedIn(let account) = try await db.signIn(id: "li.na", password: "good-password-1", passwords: passwords, now: center.now)
        else { Issue.record("right password refused"); return }
        #expect(account.role == .window)
        #expect(try await db.signIn(id: "nobody", password: "x", passwords: passwords, now: center.now) == .refused)

        for _ in 1...4 {
            #expect(try await db.signIn(id: "li.na", password: "wrong-password", passwords: passwords, now: center.now) == .refused)
        }
        let lockedAt = center.now
        #expect(try await db.signIn(id: "li.na", password: "wrong-password", passwords: passwords, now: center.now)
            == .locked(until: lockedAt + 300))
        // Locked: even the right password is refused.
        clock.advance(by: 299)
        #expect(try await db.signIn(id: "li.na", password: "good-password-1", passwords: passwords, now: center.now)
            == .locked(until: lockedAt + 300))
        clock.advance(by: 1)
        guard case .signedIn = try await db.signIn(id: "li.na", password: "good-password-1", passwords: passwords, now: center.now)
        else { Issue.record("not unlocked after five minutes"); return }

        let events = try await db.auditEvents().filter { $0.event.hasPrefix("staff_") }
        #expect(events.map(\.event) == ["staff_added", "staff_signed_in", "staff_sign_in_failed"]
            + Array(repeating: "staff_sign_in_failed", count: 5) + ["staff_locked", "staff_sign_in_locked", "staff_signed_in"])
        #expect(events.allSatisfy { $0.detail?.hasPrefix("li.na") == true || $0.detail == "unknown_account" })
        let trail = try await db.auditEvents().map { String(decoding: $0.body, as: UTF8.self) }.joined()
        #expect(!trail.contains("password") && !trail.contains("李娜") && !trail.contains("nobody"))
        guard case .intact = try await db.verifyAudit() else { Issue.record("audit trail broken"); return }
    }

    @Test("a disabled account is refused; a reset password works and clears the lock")
    func disableAndReset() async throws {
        let (center, _, directory) = try await centerWithClerk()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = center.database
        for _ in 1...5 { _ = try await db.signIn(id: "li.na", password: "wrong-password", passwords: passwords, now: center.now) }
        try await db.resetStaffPassword(id: "li.na", passwordHash: try await passwords.hash("new-password-22"), now: center.now)
        guard case .signedIn = try await db.signIn(id: "li.na", password: "new-password-22", passwords: passwords, now: center.now)
        else { Issue.record("reset password refused"); return }
        try await db.disableStaff(id: "li.na", now: center.now)
        #expect(try await db.signIn(id: "li.na", password: "new-password-22", passwords: passwords, now: center.now) == .refused)
        await #expect(throws: StaffError.unknown("ghost")) { try await db.disableStaff(id: "ghost", now: center.now) }
    }

    @Test("accounts are checked: id, department binding, duplicates")
    func accountChecks() async throws {
        let (center, _, directory) = try await centerWithClerk()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = center.database
        let hash = try await passwords.hash("good-password-1")
        func account(_ id: String, _ role: StaffRole, _ department: Department? = nil) -> StaffAccount {
            StaffAccount(id: id, name: "王芳", role: role, department: department, disabled: false, createdAt: center.now)
        }
        await #expect(throws: StaffError.invalidID("Li Na")) { try await db.addStaff(account("Li Na", .window), passwordHash: hash) }
        await #expect(throws: StaffError.departmentMismatch(.department)) {
            try await db.addStaff(account("mz", .department), passwordHash: hash)
        }
        await #expect(throws: StaffError.exists("li.na")) { try await db.addStaff(account("li.na", .auditor), passwordHash: hash) }
        try await db.addStaff(account("mz", .department, .civilAffairs), passwordHash: hash)
        #expect(try await db.staff().map(\.id) == ["li.na", "mz"])
        #expect(try await db.staff(id: "mz")?.department == .civilAffairs)
    }

    @Test("towncenter staff add|list|disable|reset-password with the password on standard input")
    func commands() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("center").path
        #expect(try run("towncenter", ["init", "--data", data, "--catalog", demoCatalog.path]).status == 0)
        let base = ["staff", "add", "--data", data, "--id", "zhao.lei", "--name", "赵磊"]

        let weak = try run("towncenter", base + ["--role", "window"], stdin: Data("zhao.lei\n".utf8))
        #expect(weak.status == 64)
        #expect(weak.stderr.contains("at least 10"))
        let common = try run("towncenter", base + ["--role", "window"], stdin: Data("1234567890\n".utf8))
        #expect(common.status == 64 && common.stderr.contains("too common"))
        let noDepartment = try run("towncenter", base + ["--role", "department"], stdin: Data("a-long-secret-9\n".utf8))
        #expect(noDepartment.status == 64)
        let added = try run("towncenter", base + ["--role", "department", "--department", "民政局"], stdin: Data("a-long-secret-9\n".utf8))
        #expect(added.status == 0, "\(added.stderr)")

        let list = try run("towncenter", ["staff", "list", "--data", data])
        #expect(list.stdout.contains("zhao.lei\tdepartment 民政局\t赵磊"))
        #expect(try run("towncenter", ["staff", "disable", "--data", data, "--id", "zhao.lei"]).status == 0)
        #expect(try run("towncenter", ["staff", "list", "--data", data]).stdout.contains("disabled"))
        let reset = try run("towncenter", ["staff", "reset-password", "--data", data, "--id", "zhao.lei"], stdin: Data("another-secret-7\n".utf8))
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(try run("towncenter", ["staff", "disable", "--data", data, "--id", "ghost"]).status == 66)

        let center = try Center.open(dataDirectory: data)
        let standard = StaffPasswords()
        // Disabled stays disabled after a reset; the new password is the one stored.
        #expect(try await center.database.signIn(id: "zhao.lei", password: "another-secret-7", passwords: standard, now: center.now) == .refused)
    }
}
