import Dispatch
import Foundation
import GRDB
import KioskCore
import KioskSecurity

/// A member of the town's staff who signs in to the desk; the password hash never leaves the database.
public struct StaffAccount: Sendable, Hashable, Codable {
    /// The sign-in name (`[a-z0-9._-]`, 1–32 characters).
    public var id: String
    /// The person's name as shown on the desk.
    public var name: String
    /// What the account may do.
    public var role: StaffRole
    /// The department a `department` account belongs to.
    public var department: Department?
    /// Whether sign-in is refused.
    public var disabled: Bool
    /// Unix seconds the account was created.
    public var createdAt: Int64

    /// An account from its parts.
    public init(id: String, name: String, role: StaffRole, department: Department?, disabled: Bool, createdAt: Int64) {
        self.id = id
        self.name = name
        self.role = role
        self.department = department
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// Why a staff operation was refused; descriptions say what to do next.
public enum StaffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The id is not 1–32 characters of `a-z 0-9 . _ -`.
    case invalidID(String)
    /// The name is empty or longer than 64 characters.
    case invalidName
    /// A `department` account without a department, or another role with one.
    case departmentMismatch(StaffRole)
    /// The password breaks the policy.
    case weakPassword(PasswordWeakness)
    /// An account with this id exists.
    case exists(String)
    /// No account with this id.
    case unknown(String)
    /// Hashing the password failed.
    case hashing(PINHashError)
    /// The database failed.
    case center(CenterError)

    public var description: String {
        switch self {
        case .invalidID(let id): "'\(id)' is not a valid staff id (1-32 characters of a-z 0-9 . _ -)"
        case .invalidName: "the name must be 1-64 characters"
        case .departmentMismatch(let role):
            role == .department ? "a department account needs --department" : "only a department account has a department"
        case .weakPassword(let weakness): weakness.description
        case .exists(let id): "staff account \(id) already exists"
        case .unknown(let id): "no staff account \(id)"
        case .hashing(let error): error.description
        case .center(let error): error.description
        }
    }
}

/// How a password breaks the policy.
public enum PasswordWeakness: String, Sendable, Hashable {
    /// Shorter than `StaffPasswordPolicy.minimumLength`.
    case tooShort
    /// The same as the account id.
    case sameAsID
    /// In the list of common passwords.
    case common

    /// What to do instead.
    public var description: String {
        switch self {
        case .tooShort: "the password must have at least \(StaffPasswordPolicy.minimumLength) characters"
        case .sameAsID: "the password must not be the staff id"
        case .common: "this password is too common; choose another"
        }
    }
}

/// The rules a staff password must meet.
public enum StaffPasswordPolicy {
    /// The fewest characters a password may have.
    public static let minimumLength = 10

    /// Passwords that guessers try first (lower-cased).
    static let common: Set<String> = [
        "1234567890", "0123456789", "12345678910", "123456789a", "1234567890a", "a123456789", "qwertyuiop",
        "password12", "password123", "password1234", "passw0rd12", "iloveyou12", "abcdefghij", "abc1234567",
        "1qaz2wsx3edc", "qwerty1234", "qwerty123456", "admin12345", "admin123456", "administrator",
        "0000000000", "1111111111", "8888888888", "6666666666", "5201314520", "1314520520", "woaini1314",
        "aaaaaaaaaa", "zxcvbnm123", "bianmin123", "bianmin2026", "welcome123", "letmein123", "changeme12",
    ]

    /// The weakness of `password` for account `id`, or nil when it is acceptable.
    public static func weakness(of password: String, id: String) -> PasswordWeakness? {
        if password.count < minimumLength { return .tooShort }
        if password.lowercased() == id.lowercased() { return .sameAsID }
        if common.contains(password.lowercased()) { return .common }
        return nil
    }
}

/// The result of a sign-in attempt.
public enum SignInResult: Sendable, Equatable {
    /// The password matched.
    case signedIn(StaffAccount)
    /// Unknown id, disabled account or wrong password (not told apart to the person).
    case refused
    /// Too many failures; refused until `until` (Unix seconds).
    case locked(until: Int64)
}

/// Checks an enrolled account's one-time code against its TOTP `secret`: the time step the code
/// belongs to, or nil when it matches none allowed now.
public typealias SecondFactorCheck = @Sendable (_ secret: String) -> Int64?

/// Hashes and checks staff passwords with the project's scrypt, on a queue of their own: scrypt
/// blocks for tens of milliseconds and must not run on the cooperative pool.
public struct StaffPasswords: Sendable {
    private static let queue = DispatchQueue(label: "bianmin.staff-passwords", attributes: .concurrent)
    /// The hasher new hashes use.
    public let hasher: PINHasher

    /// Passwords hashed with `parameters`.
    public init(parameters: PINHasher.Parameters = .standard) {
        hasher = PINHasher(parameters: parameters)
    }

    /// The encoded hash of `password`.
    public func hash(_ password: String) async throws(StaffError) -> String {
        let hasher = hasher
        let result: Result<String, PINHashError> = await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: Result { () throws(PINHashError) in try hasher.hash(pin: password) }) }
        }
        do { return try result.get() } catch { throw .hashing(error) }
    }

    /// Whether `password` matches `encoded`; a malformed hash never matches.
    public func verify(_ password: String, encoded: String) async -> Bool {
        await withCheckedContinuation { continuation in
            Self.queue.async { continuation.resume(returning: (try? PINHasher.verify(pin: password, encoded: encoded)) ?? false) }
        }
    }
}

extension CenterDatabase {
    /// Failures in a row that lock an account.
    public static let signInAttempts = 5
    /// Seconds a locked account waits.
    public static let lockSeconds: Int64 = 300

    private static let staffColumns = "id, name, role, department, disabled, created_at"

    private static func account(_ row: Row) throws -> StaffAccount {
        let roleText: String = row["role"]
        guard let role = StaffRole(rawValue: roleText) else { throw CenterError.database("staff role '\(roleText)' is unknown") }
        let departmentText: String? = row["department"]
        return StaffAccount(
            id: row["id"], name: row["name"], role: role, department: departmentText.flatMap(Department.init(rawValue:)),
            disabled: row["disabled"], createdAt: row["created_at"])
    }

    /// Adds an account; `passwordHash` comes from `StaffPasswords.hash`.
    public func addStaff(_ account: StaffAccount, passwordHash: String) async throws(StaffError) {
        guard account.id.count <= 32, !account.id.isEmpty,
              account.id.unicodeScalars.allSatisfy({ "abcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars.contains($0) })
        else { throw .invalidID(account.id) }
        let name = account.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...64).contains(name.count) else { throw .invalidName }
        guard (account.role == .department) == (account.department != nil) else { throw .departmentMismatch(account.role) }
        let inserted: Bool
        do {
            inserted = try await write { db in
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO staff (id, name, role, department, password_hash, disabled, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [account.id, name, account.role.rawValue, account.department?.rawValue, passwordHash,
                                account.disabled, account.createdAt])
                guard db.changesCount == 1 else { return false }
                try Self.appendAudit(AuditEvent(at: account.createdAt, event: "staff_added", detail: account.id), in: db)
                return true
            }
        } catch {
            throw .center(error)
        }
        if !inserted { throw .exists(account.id) }
    }

    /// Every account, by id.
    public func staff() async throws(CenterError) -> [StaffAccount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.staffColumns) FROM staff ORDER BY id").map(Self.account)
        }
    }

    /// The account `id`, if any.
    public func staff(id: String) async throws(CenterError) -> StaffAccount? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.staffColumns) FROM staff WHERE id = ?", arguments: [id]).map(Self.account)
        }
    }

    /// Disables account `id` (its sign-ins are refused from now on).
    public func disableStaff(id: String, now: Int64) async throws(StaffError) {
        try await updateStaff(id: id, sql: "UPDATE staff SET disabled = 1 WHERE id = ?", arguments: [id],
                              event: AuditEvent(at: now, event: "staff_disabled", detail: id))
    }

    /// Replaces account `id`'s password hash and clears its failures and lock.
    public func resetStaffPassword(id: String, passwordHash: String, now: Int64) async throws(StaffError) {
        try await updateStaff(
            id: id, sql: "UPDATE staff SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
            arguments: [passwordHash, id], event: AuditEvent(at: now, event: "staff_password_reset", detail: id))
    }

    private func updateStaff(id: String, sql: String, arguments: StatementArguments, event: AuditEvent) async throws(StaffError) {
        let changed: Bool
        do {
            changed = try await write { db in
                try db.execute(sql: sql, arguments: arguments)
                guard db.changesCount == 1 else { return false }
                try Self.appendAudit(event, in: db)
                return true
            }
        } catch {
            throw .center(error)
        }
        if !changed { throw .unknown(id) }
    }

    /// Enrols account `id` in the TOTP second factor with `secret` (replacing an earlier one): its
    /// sign-ins need a code from then on.
    public func enrolSecondFactor(id: String, secret: String, now: Int64) async throws(StaffError) {
        try await updateStaff(
            id: id, sql: "UPDATE staff SET totp_secret = ?, totp_last_step = NULL WHERE id = ?", arguments: [secret, id],
            event: AuditEvent(at: now, event: "staff_totp_enrolled", detail: id))
    }

    /// Checks `password` for account `id` at `now` and, when the account is enrolled in the second
    /// factor, its code through `secondFactor` (a code's time step is accepted once), counting
    /// failures: the fifth failure in a row locks the account for `lockSeconds`. Every outcome goes
    /// to the audit trail with the staff id (never the password, never an id that is not an account's).
    public func signIn(
        id: String, password: String, passwords: StaffPasswords, now: Int64, secondFactor: SecondFactorCheck = { _ in nil }
    ) async throws(CenterError) -> SignInResult {
        let stored = try await read { db -> (account: StaffAccount, hash: String, lockedUntil: Int64?, totp: String?)? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.staffColumns), password_hash, locked_until, totp_secret FROM staff WHERE id = ?",
                arguments: [id])
            else { return nil }
            return (try Self.account(row), row["password_hash"], row["locked_until"], row["totp_secret"])
        }
        guard let (account, passwordHash, lockedUntil, totpSecret) = stored else {
            try await audit(AuditEvent(at: now, event: "staff_sign_in_failed", detail: "unknown_account"))
            return .refused
        }
        if let lockedUntil, lockedUntil > now {
            try await audit(AuditEvent(at: now, event: "staff_sign_in_locked", detail: id))
            return .locked(until: lockedUntil)
        }
        if account.disabled {
            try await audit(AuditEvent(at: now, event: "staff_sign_in_failed", detail: "\(id) disabled"))
            return .refused
        }
        let matches = await passwords.verify(password, encoded: passwordHash)
        let step = matches ? totpSecret.flatMap(secondFactor) : nil
        return try await write { db in
            // A code is checked only after the password matched, and its step must be newer than the last one used.
            let lastStep = try Int64?.fetchOne(db, sql: "SELECT totp_last_step FROM staff WHERE id = ?", arguments: [id]) ?? nil
            let secondFactorHolds = totpSecret == nil || (step.map { $0 > (lastStep ?? .min) } ?? false)
            if matches && secondFactorHolds {
                try db.execute(
                    sql: "UPDATE staff SET failed_attempts = 0, locked_until = NULL, totp_last_step = coalesce(?, totp_last_step) WHERE id = ?",
                    arguments: [step, id])
                try Self.appendAudit(AuditEvent(at: now, event: "staff_signed_in", detail: id), in: db)
                return .signedIn(account)
            }
            let failed = AuditEvent(at: now, event: "staff_sign_in_failed", detail: matches ? "\(id) second_factor" : id)
            let failures = (try Int.fetchOne(db, sql: "SELECT failed_attempts FROM staff WHERE id = ?", arguments: [id]) ?? 0) + 1
            if failures >= Self.signInAttempts {
                let until = now + Self.lockSeconds
                try db.execute(
                    sql: "UPDATE staff SET failed_attempts = 0, locked_until = ? WHERE id = ?", arguments: [until, id])
                try Self.appendAudit([failed, AuditEvent(at: now, event: "staff_locked", detail: id)], in: db)
                return .locked(until: until)
            }
            try db.execute(sql: "UPDATE staff SET failed_attempts = ? WHERE id = ?", arguments: [failures, id])
            try Self.appendAudit(failed, in: db)
            return .refused
        }
    }
}
