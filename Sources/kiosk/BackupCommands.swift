import ArgumentParser
import Backups
import Foundation
import KioskStore

/// `kiosk backup`: the data directory copied for a replacement terminal, while the kiosk runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the station's queue, keys, signed audit head and catalogs into a new or empty folder.",
        discussion: """
            Safe while the kiosk runs: the queue database is copied online (a consistent snapshot). \
            The folder holds the station's private key: keep it like the terminal itself. \
            Put it on a replacement terminal with `kiosk restore --from DIR`. Exit 74 when it cannot be written.
            """)
    @OptionGroup var options: KioskOptions
    @Option(help: "The folder to write (created; must be empty).") var to: String

    func run() throws {
        let files = StationFiles(dataDirectory: try options.loadStation().dataDirectory)
        do {
            let manifest = try files.backup(to: to, now: Date())
            let bytes = manifest.entries.compactMap(\.size).reduce(0, +)
            print("backed up \(files.dataDirectory) to \(to): \(manifest.entries.count) files, \(bytes) bytes")
        } catch {
            printError(String(describing: error))
            throw ExitCode(74)
        }
    }
}

/// `kiosk restore`: a backup put into an empty data directory on a replacement terminal.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a `kiosk backup` folder into the data directory, which must be new or empty.",
        discussion: """
            Every file is checked against the backup's manifest and the audit trail against its signed \
            head before anything is put in place. The restored station keeps its key, its queue and its \
            receipt numbering as they were in the backup; what it had already forwarded is acknowledged \
            again by the center, not stored twice. A backup taken before the terminal's last submissions \
            lacks them, and their receipt numbers may be issued again that day (the center keeps such a \
            second use as a conflict): take the backup from the broken terminal's disk when it can be read. \
            Exit 74 when the backup is unfinished, damaged or refused.
            """)
    @OptionGroup var options: KioskOptions
    @Option(help: "The backup folder.") var from: String

    func run() throws {
        let files = StationFiles(dataDirectory: try options.loadStation().dataDirectory)
        do {
            let manifest = try files.restore(from: from)
            print("restored \(manifest.entries.count) files into \(files.dataDirectory) (backup of \(Date(timeIntervalSince1970: TimeInterval(manifest.takenAt))))")
        } catch {
            printError(error.description)
            throw ExitCode(74)
        }
    }
}
