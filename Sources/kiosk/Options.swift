import ArgumentParser
import Foundation
import KioskConfig
import KioskCore
import KioskUI
import SyncClient

/// Options every `kiosk` subcommand takes.
struct KioskOptions: ParsableArguments {
    @Option(name: .long, help: "The config directory (default: ./kiosk-config, then /etc/bianmin/kiosk).")
    var config: String?

    @Option(name: .long, help: "The data directory (overrides data_dir in kiosk.yaml).")
    var data: String?

    /// Loads the configuration, printing every problem and exiting 78 (EX_CONFIG) when it is broken.
    func load() throws -> KioskConfiguration {
        do {
            return try loadQuietly()
        } catch {
            throw error.report()
        }
    }

    /// Only `kiosk.yaml`, with `--data` applied; a broken one is printed and exits 78.
    func loadStation() throws -> StationConfig {
        do {
            return try loadStationQuietly()
        } catch {
            throw error.report()
        }
    }

    /// Only `kiosk.yaml`, with `--data` applied; a broken one is thrown, not printed.
    func loadStationQuietly() throws(CommandFailure) -> StationConfig {
        try loadStationQuietly(from: ConfigurationLoader.locate(config))
    }

    private func loadStationQuietly(from directory: URL) throws(CommandFailure) -> StationConfig {
        do {
            var station = try ConfigurationLoader.loadStation(directory: directory)
            if let data { station.dataDirectory = URL(fileURLWithPath: data).standardizedFileURL.path }
            return station
        } catch {
            throw CommandFailure(message: error.description, exitCode: 78)
        }
    }

    /// Loads the configuration; a broken one is thrown, not printed. A caller that has read
    /// `kiosk.yaml` already passes its `station`.
    func loadQuietly(station: StationConfig? = nil) throws(CommandFailure) -> KioskConfiguration {
        let directory = ConfigurationLoader.locate(config)
        let station = if let station { station } else { try loadStationQuietly(from: directory) }
        // A catalog applied from the town center (enrolment, `kiosk forward`) replaces the
        // configured one, which is then not read at all (`kiosk catalog check` still checks it).
        let applied = URL(fileURLWithPath: CatalogInstaller(dataDirectory: station.dataDirectory).currentPath)
        let hasApplied = FileManager.default.fileExists(atPath: applied.appendingPathComponent("catalog.yaml").path)
        do {
            return try ConfigurationLoader.load(directory: directory, station: station, catalogDirectory: hasApplied ? applied : nil)
        } catch {
            throw CommandFailure(message: error.description, exitCode: 78)
        }
    }
}

/// A command that cannot go on: the message for standard error and the exit status.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32

    /// Prints the message to standard error and returns the exit status to throw.
    func report() -> ExitCode {
        printError(message)
        return ExitCode(exitCode)
    }
}

/// The words of `reason` from the kiosk's string tables, in Chinese (the language of the assistants
/// who run these commands), inside the sentence `context` when given; keys when the tables are missing.
func words(_ reason: FailureReason, in context: String? = nil) -> String {
    let strings = (try? UIStrings.bundled()) ?? UIStrings(tables: [:])
    let text = strings.text(reason.key, .zhHans)
    return context.map { strings.text($0, .zhHans, [text]) } ?? text
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a value as pretty, sorted JSON.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Reads a file, or standard input for `-`.
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        printError("cannot read \(path): \((error as NSError).localizedDescription)")
        throw ExitCode(66)
    }
}

extension KioskConfiguration {
    /// The matter with `code`, or exit 64 with a clear message.
    func matter(_ code: String) throws -> Matter {
        guard let matter = catalog.matter(code) else {
            printError("no matter with code '\(code)' in the catalog (see `kiosk catalog list`)")
            throw ExitCode(64)
        }
        return matter
    }
}

/// The kiosk's word tables; a broken installation is printed and exits 78 (EX_CONFIG).
func kioskStrings() throws -> UIStrings {
    do {
        return try UIStrings.bundled()
    } catch {
        printError("\(error)")
        throw ExitCode(78)
    }
}
