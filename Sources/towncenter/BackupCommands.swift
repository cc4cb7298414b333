import ArgumentParser
import Backups
import Foundation
import TownCenter

/// `towncenter backup`: the data directory copied while the center serves.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the center's database (online, while it serves) into a new or empty folder.",
        discussion: "The keys are not copied: back up the keys directory offline (docs/center-keys.md). Put the copy back with `towncenter restore`.")
    @OptionGroup var options: CenterOptions
    @Option(help: "The folder to write (created; must be empty).") var to: String

    func run() throws {
        let center = try options.open()
        do {
            let manifest = try center.backup(to: to)
            let bytes = manifest.entries.compactMap(\.size).reduce(0, +)
            print("backed up \(center.directory.url.path) to \(to): \(manifest.entries.count) files, \(bytes) bytes")
        } catch {
            printError(error.description)
            throw ExitCode(74)
        }
    }
}

/// `towncenter restore`: a backup put into a new or empty data directory, beside the keys.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a `towncenter backup` folder into the data directory, which must be new or empty.",
        discussion: """
            The keys directory (--keys, default DATA-keys) must hold the center's keys, restored from \
            their offline backup first. Every file is checked against the manifest, and the copy must \
            open with those keys and its audit links hold, before it is put in place. What the center \
            stored after the backup is not in it, and stations do not resend what was acknowledged: \
            back up often. Exit 74 when the backup is unfinished, damaged or refused.
            """)
    @OptionGroup var options: CenterOptions
    @Option(help: "The backup folder.") var from: String

    func run() throws {
        let directory = CenterDirectory(path: options.data, keys: options.keys)
        do {
            let manifest = try Center.restore(from: from, into: directory)
            print("restored \(manifest.entries.count) files into \(directory.url.path)")
        } catch {
            printError(error.description)
            throw ExitCode(74)
        }
    }
}
