import ArgumentParser
import Foundation
import KioskCore
import TownCenter

/// Options every `towncenter` subcommand takes.
struct CenterOptions: ParsableArguments {
    @Option(name: .long, help: "The center's data directory (its database; back it up).")
    var data: String

    @Option(name: .long, help: "The center's keys directory (root-only; default DATA-keys; back it up offline, never with the data).")
    var keys: String?

    /// Opens the center, or exits with a clear message.
    func open() throws -> Center {
        do {
            return try Center.open(dataDirectory: data, keysDirectory: keys)
        } catch {
            throw fail(error)
        }
    }
}

/// Prints `error` to standard error and returns the exit code to throw.
func fail(_ error: CenterError) -> ExitCode {
    printError(error.description)
    switch error {
    case .notInitialized, .key, .keysMissing, .keysDirectoryOpen, .keysInDataDirectory: return ExitCode(78)
    case .unknownReceipt: return ExitCode(66)
    case .decisionNeedsReason, .invalidStation: return ExitCode(64)
    case .bundleRefused: return ExitCode(65)
    case .unknownStation, .stationRevoked, .unknownStaff: return ExitCode(77)
    case .workflow, .followsWorkflow: return ExitCode(65)
    default: return ExitCode(1)
    }
}

/// Runs `body`, turning a `CenterError` into a message and an exit code.
func reporting<T>(_ body: () async throws(CenterError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw fail(error)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes a line to standard output at once (tests read it while the process runs).
func printNow(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Prints a value as pretty, sorted JSON.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Unix seconds as `YYYY-MM-DD HH:MM` in China Standard Time.
func formatTime(_ seconds: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = .china
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
}

/// Answers as text: pretty JSON when they are JSON, else as they are.
func answersText(_ answers: Data) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: answers),
          let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return String(decoding: answers, as: UTF8.self) }
    return String(decoding: pretty, as: UTF8.self)
}

/// Answers as a JSON value to embed in JSON output (a string when they are not JSON).
func answersJSONObject(_ answers: Data) -> Any {
    (try? JSONSerialization.jsonObject(with: answers)) ?? String(decoding: answers, as: UTF8.self)
}
