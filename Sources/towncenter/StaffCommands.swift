import ArgumentParser
import Foundation
import KioskCore
import TownCenter
import TownDesk

extension StaffRole: ExpressibleByArgument {}

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Manage the staff accounts that sign in to the town desk.",
        subcommands: [AddStaff.self, ListStaff.self, DisableStaff.self, ResetStaffPassword.self, EnrolStaffTOTP.self])
}

/// Runs `body`, turning a `StaffError` into a message and an exit code (64 for refused input).
func reportingStaff<T>(_ body: () async throws(StaffError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        switch error {
        case .center(let error): throw fail(error)
        case .unknown: printError(error.description); throw ExitCode(66)
        default: printError(error.description); throw ExitCode(64)
        }
    }
}

/// The password on standard input's first line, hashed once it meets the policy for `id`.
func readPasswordHash(for id: String) async throws -> String {
    let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    let password = String(input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    return try await reportingStaff { () async throws(StaffError) in
        if let weakness = StaffPasswordPolicy.weakness(of: password, id: id) { throw .weakPassword(weakness) }
        return try await StaffPasswords().hash(password)
    }
}

struct AddStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a staff account; the password is read from standard input.")

    @OptionGroup var options: CenterOptions
    @Option(name: .long, help: "The sign-in id (a-z 0-9 . _ -, up to 32 characters).") var id: String
    @Option(name: .long, help: "The person's name.") var name: String
    @Option(name: .long, help: "window, approver, department, admin or auditor.") var role: StaffRole
    @Option(name: .long, help: "The department of a department account (e.g. 民政局).") var department: String?

    func run() async throws {
        let center = try options.open()
        var parsedDepartment: Department?
        if let department {
            guard let value = Department(rawValue: department) else {
                printError("unknown department '\(department)'; one of: \(Department.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(64)
            }
            parsedDepartment = value
        }
        let hash = try await readPasswordHash(for: id)
        let account = StaffAccount(
            id: id, name: name, role: role, department: parsedDepartment, disabled: false, createdAt: center.now)
        try await reportingStaff { () async throws(StaffError) in try await center.database.addStaff(account, passwordHash: hash) }
        print("staff account \(id) added (\(role.rawValue))")
    }
}

struct ListStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the staff accounts.")

    @OptionGroup var options: CenterOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let center = try options.open()
        let accounts = try await reporting { () async throws(CenterError) in try await center.database.staff() }
        if json { return try printJSON(accounts) }
        for account in accounts {
            let department = account.department.map { " \($0.rawValue)" } ?? ""
            print("\(account.id)\t\(account.role.rawValue)\(department)\t\(account.name)\(account.disabled ? "\tdisabled" : "")")
        }
    }
}

struct DisableStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a staff account.")

    @OptionGroup var options: CenterOptions
    @Option(name: .long, help: "The account's id.") var id: String

    func run() async throws {
        let center = try options.open()
        try await reportingStaff { () async throws(StaffError) in try await center.database.disableStaff(id: id, now: center.now) }
        print("staff account \(id) disabled")
    }
}

struct ResetStaffPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password", abstract: "Set a staff account's password (read from standard input) and unlock it.")

    @OptionGroup var options: CenterOptions
    @Option(name: .long, help: "The account's id.") var id: String

    func run() async throws {
        let center = try options.open()
        let hash = try await readPasswordHash(for: id)
        try await reportingStaff { () async throws(StaffError) in
            try await center.database.resetStaffPassword(id: id, passwordHash: hash, now: center.now)
        }
        print("password of staff account \(id) reset")
    }
}

struct EnrolStaffTOTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totp",
        abstract: "Enrol a staff account in the TOTP second factor (replacing an earlier secret); prints the otpauth:// URI for its authenticator app.",
        discussion: "From then on the desk's sign-in needs the app's six-digit code as well as the password.")

    @OptionGroup var options: CenterOptions
    @Option(name: .long, help: "The account's id.") var id: String

    func run() async throws {
        let center = try options.open()
        let secret = StaffSecondFactor.newSecret()
        try await reportingStaff { () async throws(StaffError) in
            try await center.database.enrolSecondFactor(id: id, secret: secret, now: center.now)
        }
        print(StaffSecondFactor.enrolmentURI(secret: secret, staff: id))
    }
}
