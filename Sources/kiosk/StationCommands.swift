import ArgumentParser
import Foundation
import KioskConfig
import KioskCore
import KioskSecurity
import KioskReceipts
import KioskRuntime
import KioskStore

/// `kiosk init`: the data directory, the station key and the database.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the data directory, the station's signing key and the queue database.")
    @OptionGroup var options: KioskOptions

    func run() throws {
        let station = try options.loadStation()
        let files = StationFiles(dataDirectory: station.dataDirectory)
        let (identity, created) = try files.initialize()
        print(created ? "initialised station \(station.station.id) in \(files.dataDirectory)" : "station \(station.station.id) was already initialised in \(files.dataDirectory)")
        print("station public key (Ed25519): \(identity.publicKeyBase64)")
        print("fingerprint: \(identity.fingerprint)")
    }
}

/// `kiosk submit`: validate, seal, sign and queue one application.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate and queue an application; prints its receipt number and receipt QR text.",
        discussion: "Exit 65 for invalid answers (nothing is stored), 69 for a matter this kiosk may not take, 73 when it cannot be stored.")
    @OptionGroup var options: KioskOptions
    @Option(help: "The matter's code.") var matter: String
    @Option(help: "The answers file (JSON), or - for standard input.") var answers: String
    @Option(help: "The village assistant entering it on the resident's behalf.") var assistant: String?
    @Flag(name: .customLong("print"), help: "Print the receipt (and the A4 form when the matter needs a signature).")
    var printDocuments = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let configuration = try options.load()
        let matter = try configuration.matter(matter)
        let language = configuration.station.language
        let input = try readInput(self.answers)
        let answers: Answers
        do {
            answers = try AnswersJSON.decode(input)
        } catch {
            printError(error.message)
            throw ExitCode(65)
        }
        let submitter = try options.submitter(configuration)
        let submitted: SubmittedApplication
        do {
            submitted = try submitter.submit(
                matter: matter, answers: answers, channel: assistant.map { .assisted(assistantID: $0) } ?? .selfService)
        } catch {
            switch error {
            case .invalid(let issues):
                for issue in issues { printError("\(issue.path): \(issue.message.text(language))") }
                throw ExitCode(65)
            case .refused(let refusal):
                printError(refusal.message.text(language))
                throw ExitCode(69)
            case .store:
                printError("\(error.residentMessage)\n\(error)")
                throw ExitCode(73)
            default:
                printError("\(error)")
                throw ExitCode(78)
            }
        }
        let s = submitted.summary
        var printed: [String: String] = [:]
        if printDocuments {
            let service = PrintService(station: configuration.station, queue: submitter.queue)
            let (receipt, form) = await service.printNew(submitted, matter: matter)
            for (what, report) in [("receipt", receipt), ("form", form)] {
                guard let report else { continue }
                printed[what] = report.isPrinted ? "printed" : "failed"
                if !report.isPrinted { printError("\(what): \(report.residentMessage)\n\(report.assistantMessage)") }
            }
        }
        if json {
            var object: [String: String] = ["receipt": s.receipt, "uuid": s.uuid.uuidString, "qr": s.receiptQR, "matter": s.matter]
            object["state"] = s.state.rawValue
            for (what, state) in printed { object[what + "_print"] = state }
            try printJSON(object)
        } else {
            print("receipt \(s.receipt)")
            print("qr \(s.receiptQR)")
            for (what, state) in printed.sorted(by: { $0.key > $1.key }) { print("\(what) \(state)") }
        }
    }
}

extension KioskOptions {
    /// The station's queue, or exit 78 with what to do.
    func queue(_ station: StationConfig) throws -> SubmissionQueue {
        do {
            return try StationFiles(dataDirectory: station.dataDirectory).openQueue()
        } catch {
            printError("\(error)")
            throw ExitCode(78)
        }
    }

    /// A submitter for this station, or exit 78 saying what is missing.
    func submitter(_ configuration: KioskConfiguration) throws -> Submitter {
        do {
            return try submitterQuietly(configuration)
        } catch {
            throw error.report()
        }
    }

    /// A submitter for this station; what is missing is thrown, not printed.
    func submitterQuietly(_ configuration: KioskConfiguration) throws(CommandFailure) -> Submitter {
        let files = StationFiles(dataDirectory: configuration.station.dataDirectory)
        do {
            return Submitter(
                station: configuration.station.station, catalogVersion: configuration.catalog.version,
                identity: try files.identity(), centerKey: try files.centerKey(configuredPath: configuration.station.centerPublicKeyPath),
                queue: try files.openQueue())
        } catch {
            throw CommandFailure(message: "\(error.residentMessage)\n\(error)", exitCode: 78)
        }
    }
}
