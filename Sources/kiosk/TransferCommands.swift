import ArgumentParser
import Foundation
import SyncClient

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk export`: the queue onto a USB stick.
struct ExportBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every unacknowledged submission (still sealed) into one signed bundle on a USB stick.",
        discussion: "The queue is not changed: submissions stay pending until `kiosk import` (or the network) acknowledges them.")
    @OptionGroup var options: KioskOptions
    @Option(help: "The folder on the stick.") var to: String
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let station = try options.loadStation()
        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        let report: ExportReport
        do {
            let transfer = try BundleTransfer.open(station: station.station.id, dataDirectory: station.dataDirectory)
            report = try transfer.export(to: to) { done, total in bar?.show(done, of: total) }
            bar?.finish()
        } catch {
            bar?.finish()
            throw transferFailure(error)
        }
        if json { return try printJSON(report) }
        print("已导出 \(report.items) 件申请 / exported \(report.items) submissions (\(report.bytes) bytes) to \(report.path)")
    }
}

/// `kiosk import`: the center's answers from a USB stick.
struct ImportBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply the town center's answer bundle(s): acknowledgements, decisions and a newer catalog.",
        discussion: "PATH is an answer bundle or a folder holding *.answer.bmb files. Importing again changes nothing.")
    @OptionGroup var options: KioskOptions
    @Argument(help: "An answer bundle, or the folder on the stick.") var path: String
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let station = try options.loadStation()
        let report: AnswerImportReport
        do {
            report = try BundleTransfer.open(station: station.station.id, dataDirectory: station.dataDirectory).importAnswers(from: path)
        } catch {
            throw transferFailure(error)
        }
        if json { return try printJSON(report) }
        print("新确认 \(report.acknowledged) 件 / acknowledged \(report.acknowledged) new, rejected \(report.rejected), decisions \(report.decisions) new"
            + (report.catalogApplied.map { ", catalog \($0) applied" } ?? "")
            + (report.catalogRefused.map { ", catalog refused: \($0)" } ?? ""))
    }
}

/// Prints a transfer error (Chinese for the assistant, then the detail) and returns its exit code.
private func transferFailure(_ error: TransferError) -> ExitCode {
    printError("\(words(error.reason))\n\(error)")
    switch error {
    case .stickFull: return ExitCode(73)
    case .stickMissing, .io, .noAnswers: return ExitCode(74)
    case .bundleRefused: return ExitCode(65)
    case .notEnrolled: return ExitCode(78)
    case .store: return ExitCode(1)
    }
}

/// A one-line progress bar on standard error (only shown on a terminal).
private final class ProgressBar {
    private var lastPercent = -1

    func show(_ done: Int, of total: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
            + "] \(percent)% \(done / 1024)/\(total / 1024) KiB"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if lastPercent >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
