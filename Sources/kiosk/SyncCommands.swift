import ArgumentParser
import Foundation
import KioskStore
import Logging
import ServiceLifecycle
import ServiceManager
import SyncClient

/// `kiosk enroll`: register the station's key at the town center.
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enrol this station at the town center with a one-time token from `towncenter station enroll`.",
        discussion: """
            The token never leaves the station: it proves knowledge of it, and accepts the answer only when the \
            center proves the same and, if kiosk.yaml names the center's key (town_center.public_key), holds that key. \
            Exits 77 when refused (by the center, or the answer does not prove itself), 69 when the center cannot be reached.
            """)
    @OptionGroup var options: KioskOptions
    @Option(help: "The town center's URL, e.g. http://10.0.0.5:8630.") var center: String
    @Option(help: "The one-time enrolment token.") var token: String

    func run() async throws {
        let station = try options.loadStation()
        do {
            let enrolled = try await StationEnrolment.enroll(
                centerURL: center, token: token, station: station.station.id, dataDirectory: station.dataDirectory,
                configuredCenterKeyPath: station.centerPublicKeyPath)
            print("station \(enrolled.station) enrolled at \(center)")
            print("center key id: \(enrolled.keyID); catalog \(enrolled.catalog.version) applied")
        } catch {
            printError("\(words(error.reason))\n\(error)")
            throw ExitCode(error.isRefusal ? 77 : 69)
        }
    }
}

/// `kiosk forward`: the store-and-forward service.
struct ForwardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Forward queued submissions to the town center and pull decisions and catalog updates back.",
        discussion: "Runs until SIGTERM/SIGINT, backing off while the center is away; --once does one full round and exits (69 if it failed).")
    @OptionGroup var options: KioskOptions
    @Flag(help: "Do one full round and exit.") var once = false
    @Option(help: "Items per batch.") var batch = 100
    @Option(help: "Seconds between rounds while all goes well.") var interval: Double = 30
    @Flag(help: "Print the round's report as JSON (with --once).") var json = false
    @Option(help: "Seconds after which a round still running counts as hung: systemd's watchdog is no longer fed (30–86400).")
    var hungAfter: Double = 600
    @Flag(help: .hidden) var testHangAfterFirstRound = false

    func validate() throws {
        guard (30...86_400).contains(hungAfter) || (testHangAfterFirstRound && hungAfter > 0) else {
            throw ValidationError("--hung-after must be 30–86400 seconds")
        }
    }

    func run() async throws {
        let station = try options.loadStation()
        var forwarder: Forwarder
        do {
            forwarder = try Forwarder.open(
                station: station.station.id, dataDirectory: station.dataDirectory, fallbackURL: station.townCenterURL,
                batchSize: batch)
            forwarder.printers = printerHealth(of: station)
        } catch {
            printError("\(words(error.reason))\n\(error)")
            throw ExitCode(78)
        }
        guard once else {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "kiosk-forward")
            let service = ForwarderService(
                forwarder: forwarder, schedule: SyncSchedule(pollInterval: interval), logger: logger,
                hangsAfterFirstRound: testHangAfterFirstRound)
            let readiness = Readiness(parts: 1)
            readiness.partReady()
            // The watchdog is fed while no round has been running for longer than --hung-after.
            let hungAfter = hungAfter
            let notifier = SystemdNotifier(readiness: readiness, status: "forwarding for station \(station.station.id)") {
                service.isAnswering(at: Date(), limit: hungAfter)
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [service, notifier], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            return
        }
        let outcome: Result<RoundReport, SyncError>
        do {
            outcome = .success(try await forwarder.round())
        } catch {
            outcome = .failure(error)
        }
        let failures = (try? SyncStatus.load(from: forwarder.queue).consecutiveFailures) ?? 0
        try? SyncStatus.record(
            outcome, failures: (try? outcome.get()) == nil ? failures + 1 : 0, nextAttempt: nil, at: Date(), in: forwarder.queue)
        switch outcome {
        case .success(let report):
            if json { return try printJSON(report) }
            print("sent \(report.sent), acknowledged \(report.acknowledged), set aside \(report.setAside), decisions \(report.decisions)"
                + (report.catalogApplied.map { ", catalog \($0) applied" } ?? "")
                + (report.catalogRefused.map { ", catalog refused: \($0)" } ?? ""))
        case .failure(let error):
            printError("\(words(error.reason))\n\(error)")
            throw ExitCode(69)
        }
    }
}

extension SyncError {
    /// Whether the center answered with a refusal (as opposed to being unreachable).
    var isRefusal: Bool {
        switch self {
        case .refused, .centerUnproven, .centerKeyMismatch: true
        default: false
        }
    }
}
