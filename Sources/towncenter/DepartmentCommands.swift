import ArgumentParser
import Foundation
import KioskCore
import TownCenter

/// `towncenter department`: how the county departments receive their results.
struct DepartmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "department", abstract: "How the county departments receive their results (审批结果通报).",
        subcommands: [Endpoint.self])

    struct Endpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "endpoint",
            abstract: "Set (or --remove) the HTTPS address a department's results are pushed to by towncenter serve.",
            discussion: """
                Each result is POSTed as JSON with an Idempotency-Key header (the same on every try) and \\
                X-Bianmin-Signature: sha256=HMAC-SHA256(body, secret) in hex, and tried again with a doubling delay \\
                (1 s up to 5 minutes) until the department answers 2xx. Plain http is allowed to 127.0.0.1 only.
                """)

        @OptionGroup var options: CenterOptions
        @Option(help: "The county department, e.g. 民政局.") var department: String
        @Option(help: "The address to POST results to: https://…") var url: String?
        @Option(help: "A file holding the shared secret (16–1024 bytes; a trailing newline is dropped).") var secretFile: String?
        @Flag(help: "Remove the department's endpoint: its results wait to be signed for in the desk.") var remove = false

        func validate() throws {
            guard Department(rawValue: department) != nil else {
                throw ValidationError("--department must be one of \(Department.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard remove == (url == nil), remove == (secretFile == nil) else {
                throw ValidationError("give --url and --secret-file, or --remove alone")
            }
            if let url {
                guard let parsed = URL(string: url), let host = parsed.host, url.count <= 2048,
                      parsed.scheme == "https" || (parsed.scheme == "http" && (host == "127.0.0.1" || host == "localhost"))
                else { throw ValidationError("--url must be an https:// address (plain http only to 127.0.0.1)") }
            }
        }

        func run() async throws {
            let department = Department(rawValue: department)!  // checked in validate()
            var endpoint: DepartmentEndpoint?
            if let url, let secretFile {
                var secret: Data
                do {
                    secret = try Data(contentsOf: URL(fileURLWithPath: secretFile))
                } catch {
                    printError("\(secretFile): \(error.localizedDescription)")
                    throw ExitCode(66)
                }
                while let last = secret.last, last == 0x0A || last == 0x0D { secret.removeLast() }
                guard (16...1024).contains(secret.count) else {
                    printError("\(secretFile): the secret must be 16–1024 bytes, not \(secret.count)")
                    throw ExitCode(65)
                }
                endpoint = DepartmentEndpoint(department: department, url: url, secret: secret)
            }
            let center = try options.open()
            try await reporting { () async throws(CenterError) in try await center.database.setEndpoint(of: department, to: endpoint) }
            print(endpoint.map { "\(department.rawValue): results pushed to \($0.url)" } ?? "\(department.rawValue): no endpoint")
        }
    }
}
