import ArgumentParser
import Foundation
import KioskCore
import KioskReceipts
import KioskRuntime
import KioskSecurity
import KioskStore
import Printing

/// `kiosk receipt`: verify a receipt's QR text, or reprint a receipt.
struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Verify a receipt QR code offline, or reprint a receipt.", subcommands: [Verify.self, Print.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify a receipt's QR text (or a PNG of it, read with zbarimg) against a station key.",
            discussion: "Without --station-key the key of this kiosk's own station is used. Exit 1 when the receipt is refused.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The QR text (BM1:…).") var text: String?
        @Option(help: "A PNG image of the QR code.") var image: String?
        @Option(help: "The station's Ed25519 public key (base64), or a file holding it.") var stationKey: String?
        @Option(help: "The station id the key belongs to (default: the id in the receipt).") var station: String?

        func validate() throws {
            guard (text == nil) != (image == nil) else { throw ValidationError("give either the QR TEXT or --image PNG") }
        }

        func run() throws {
            let qr = try text ?? decodeImage(image!)
            let receipt: SignedReceipt
            do {
                receipt = try SignedReceipt(qrText: qr)
            } catch {
                print("refused: \(error)")
                throw ExitCode(1)
            }
            let key = try publicKey(for: station ?? receipt.record.stationID)
            do {
                let record = try receipt.verify(with: key)
                print("valid receipt")
                print("receipt: \(record.receiptNumber)")
                print("station: \(record.stationID)")
                print("matter:  \(record.matterCode)")
                print("created: \(record.createdDate.formatted(.iso8601))")
                print("payload: \(record.payloadDigest.map { String(format: "%02x", $0) }.joined())")
            } catch {
                print("refused: \(error)")
                throw ExitCode(1)
            }
        }

        func publicKey(for stationID: String) throws -> StationPublicKey {
            if let stationKey {
                let text = FileManager.default.fileExists(atPath: stationKey)
                    ? (try String(contentsOfFile: stationKey, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines) : stationKey
                guard let key = StationPublicKey(stationID: stationID, base64: text) else {
                    printError("--station-key is not a base64 Ed25519 public key")
                    throw ExitCode(64)
                }
                return key
            }
            let station = try options.loadStation()
            let identity: StationIdentity
            do {
                identity = try StationFiles(dataDirectory: station.dataDirectory).identity()
            } catch {
                printError("\(error)")
                throw ExitCode(78)
            }
            return StationPublicKey(stationID: station.station.id, key: identity.publicKey)
        }

        /// Reads the QR code in a PNG with zbarimg (from zbar-tools).
        func decodeImage(_ path: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
            process.arguments = ["-q", "--raw", "-Sdisable", "-Sqrcode.enable", path]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                printError("cannot run zbarimg to read \(path) (install zbar-tools): \(error.localizedDescription)")
                throw ExitCode(69)
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard process.terminationStatus == 0, !text.isEmpty else {
                printError("no QR code found in \(path)")
                throw ExitCode(65)
            }
            return text.split(separator: "\n").first.map(String.init) ?? text
        }
    }

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Reprint a receipt from the queue's clear metadata (the A4 form cannot be reprinted: its answers are sealed).")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The receipt number.") var receipt: String

        func run() async throws {
            let configuration = try options.load()
            let queue = try options.queue(configuration.station)
            guard let summary = try queue.find(receipt: receipt) else {
                printError("no submission with receipt \(receipt) at this station")
                throw ExitCode(66)
            }
            let matter = try configuration.matter(summary.matter)
            let report = await PrintService(station: configuration.station, queue: queue).printReceipt(summary, matter: matter)
            try finish(report)
        }
    }
}

/// `kiosk printer`: help the assistant with the printers.
struct PrinterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printer", abstract: "Check the printers or print a test receipt.", subcommands: [Status.self, Test.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the state of the forms and receipts printers.")
        @OptionGroup var options: KioskOptions

        func run() throws {
            let station = try options.loadStation()
            var healthy = true
            for (role, destination) in [("receipts", station.receiptsPrinter), ("forms", station.formsPrinter)] {
                switch Result(catching: { () throws(PrintError) in try Printer(destination: destination).status() }) {
                case .success(let status):
                    let problem = status.problem
                    healthy = healthy && problem == nil
                    print("\(role) \(destination): \(status.state) \(status.acceptingJobs ? "accepting" : "not accepting") reasons=\(status.reasons.joined(separator: ","))")
                    if let problem { print("  \(problem.assistantMessage(destination: destination, reasons: status.reasons))") }
                case .failure(let error):
                    healthy = false
                    print("\(role) \(destination): \(error.assistantMessage)")
                }
            }
            if !healthy { throw ExitCode(1) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "Print a test receipt on the receipts printer.")
        @OptionGroup var options: KioskOptions

        func run() async throws {
            let configuration = try options.load()
            let matter = configuration.catalog.matters.first { $0.acceptsAtVillage }!
            let report = await DocumentPrinter(station: configuration.station).printTestReceipt(matter: matter, at: Date())
            try finish(report)
        }
    }
}

/// `kiosk guide`: print a matter's service guide for a resident.
struct GuideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guide", abstract: "Print a matter's service guide (办事指南).", subcommands: [Print.self])

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Print a matter's service guide on the A4 (forms) printer; `kiosk catalog show` shows it on screen.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The matter code, e.g. MZ-QR-01.") var code: String

        func run() async throws {
            let configuration = try options.load()
            let matter = try configuration.matter(code)
            let report = await DocumentPrinter(station: configuration.station).printGuide(matter)
            try finish(report, residentMessage: report.guideMessage)
        }
    }
}

/// Prints how a print went; exit 1 when no paper came out, with `residentMessage` (default: the application's) on stderr.
func finish(_ report: PrintReport, residentMessage: String? = nil) throws {
    print(report.assistantMessage)
    if !report.isPrinted {
        printError(residentMessage ?? report.residentMessage)
        throw ExitCode(1)
    }
}
