import AsyncHTTPClient
import ArgumentParser
import Foundation
import KioskCore
import Logging
import ServiceLifecycle
import ServiceManager
import TownCenter
import TownDesk

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the center's database and keys, and publish the catalog.")

    @OptionGroup var options: CenterOptions

    @Option(name: .long, help: "The catalog folder to publish.")
    var catalog = "./kiosk-config/catalog"

    @Flag(name: .long, help: "Use the DEMO X25519 key pair from <catalog>/../demo-center (never in production).")
    var demoKeys = false

    func run() async throws {
        let catalogURL = URL(fileURLWithPath: catalog).standardizedFileURL
        let demoKey = demoKeys
            ? catalogURL.deletingLastPathComponent().appendingPathComponent("demo-center/DEMO-ONLY-center-x25519.key").path
            : nil
        let center = try await reporting { () async throws(CenterError) in
            try await Center.initialize(
                dataDirectory: options.data, keysDirectory: options.keys, catalogDirectory: catalogURL, demoAgreementKey: demoKey)
        }
        print("town center created in \(center.directory.url.path); its keys in \(center.directory.keys.path) (back them up offline)")
        print("center key id: \(center.keys.agreement.keyID)\(demoKeys ? " (DEMO key pair: never use in production)" : "")")
        print("center public key (X25519): \(center.keys.agreement.publicKey.base64)")
        print("center signing key (Ed25519): \(center.keys.signer.verifier.base64)")
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the sync API, and the town desk for staff on its own listener.")

    @OptionGroup var options: CenterOptions

    @Option(name: .long, help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to bind (0: any free port; the bound port is printed).")
    var port = 8630

    @Option(name: .long, help: "Address the town desk binds (no TLS yet: loopback unless --desk-insecure-lan).")
    var deskHost = "127.0.0.1"

    @Option(name: .long, help: "Port of the town desk (0: any free port; the bound port is printed).")
    var deskPort = 8631

    @Option(name: .long, help: "The desk's templates (default ./Resources/desk, then /usr/share/bianmin/desk).")
    var deskTemplates: String?

    @Flag(name: .long, help: "Allow the desk on a non-loopback address without TLS (insecure: passwords cross the LAN in clear).")
    var deskInsecureLan = false

    @Option(name: .long, help: "PEM certificate chain for the desk's HTTPS (with --tls-key; the stations' sync API is not affected).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .long, help: "The CUPS queue on which desk staff print application forms (with --authority; none: no print button).")
    var formPrinter: String?

    @Option(name: .long, help: "The CUPS queue on which desk staff print 80 mm receipts of walk-in applications and cases (with --authority and --county).")
    var receiptPrinter: String?

    @Option(name: .long, help: "The station code that numbers walk-in applications' receipts (SERIES-YYMMDD-NNNN-C); no station may hold it.")
    var windowSeries = "ZX"

    @Option(name: .long, help: "The accepting authority's full name printed on forms, e.g. XX县新河镇人民政府.")
    var authority: String?

    @Option(name: .long, help: "The county whose government hears reconsideration, e.g. XX县 (with --form-printer: staff print notices too).")
    var county: String?

    @Option(name: .long, help: "The town's short name that starts each notice series, e.g. 新河.")
    var town = ""

    @Option(name: .long, help: "Most connections one client address may hold open (at most half of all).")
    var maxConnectionsPerAddress = CenterConfiguration().maxConnectionsPerAddress

    @Option(name: .long, help: "Seconds to receive a request's head.")
    var headerTimeout = CenterConfiguration().headerTimeout

    @Option(name: .long, help: "Port of the /metrics (Prometheus) and /health listener (0: any free port; without this option: no listener).")
    var metricsPort: Int?

    @Option(name: .long, help: "Address the metrics listener binds.")
    var metricsHost = "127.0.0.1"

    @Option(name: .long, help: "Hours without a request after which a station counts as silent (in the metrics and the desk's stations page).")
    var silentAfterHours = 3

    @OptionGroup var calendar: CalendarCommand.CalendarOptions

    func validate() throws {
        guard (1...100_000).contains(maxConnectionsPerAddress) else { throw ValidationError("--max-connections-per-address must be 1–100000") }
        guard (1...3600).contains(headerTimeout) else { throw ValidationError("--header-timeout must be 1–3600 seconds") }
        guard metricsPort.map({ (0...65535).contains($0) }) ?? true else { throw ValidationError("--metrics-port must be 0–65535") }
        guard (1...24 * 365).contains(silentAfterHours) else { throw ValidationError("--silent-after-hours must be 1–8760") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard formPrinter == nil || authority != nil else { throw ValidationError("--form-printer needs --authority") }
        guard receiptPrinter == nil || (authority != nil && county != nil) else {
            throw ValidationError("--receipt-printer needs --authority and --county")
        }
        guard ReceiptNumber.isValidStationCode(windowSeries) else { throw ValidationError("--window-series must be 2-8 of A-Z and 0-9") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "towncenter")
        logger.logLevel = .info
        let center = try options.open()
        let (_, workingDays) = try calendar.load()
        let host = host
        var configuration = CenterConfiguration(
            host: host, port: port, headerTimeout: headerTimeout, maxConnectionsPerAddress: maxConnectionsPerAddress)
        configuration.metricsHost = metricsHost
        configuration.metricsPort = metricsPort
        configuration.silentAfter = silentAfterHours * 3600
        configuration.calendar = workingDays
        let metricsHost = metricsHost
        // Ready for systemd once the API, the desk and (when asked for) the metrics listen.
        let readiness = Readiness(parts: metricsPort == nil ? 2 : 3)
        let server = CenterServer(
            center: center, configuration: configuration, logger: logger,
            onListening: { port in
                printNow("listening on http://\(host):\(port)")
                readiness.partReady()
            },
            onMetricsListening: { port in
                printNow("metrics listening on http://\(metricsHost):\(port)/metrics")
                readiness.partReady()
            })
        let deskHost = deskHost
        let scheme = tlsCert == nil ? "http" : "https"
        let desk: DeskServer
        do {
            desk = try await DeskServer(
                center: center,
                configuration: DeskConfiguration(
                    host: deskHost, port: deskPort, templates: DeskConfiguration.templatesDirectory(explicit: deskTemplates),
                    insecureLAN: deskInsecureLan, silentAfter: Int64(silentAfterHours) * 3600,
                    tls: tlsCert.flatMap { certificate in tlsKey.map { (certificate, $0) } }, calendar: workingDays,
                    windowSeries: windowSeries),
                logger: logger,
                formPrinter: formPrinter.flatMap { queue in authority.map { CaseFormPrinter(center: center, destination: queue, authority: $0) } },
                noticeIssuer: county.flatMap { county in authority.map { NoticeIssuer(center: center, authority: $0, county: county, town: town) } },
                receiptPrinter: receiptPrinter.flatMap { queue in
                    authority.flatMap { authority in county.map { CaseReceiptPrinter(center: center, destination: queue, authority: authority, county: $0) } }
                },
                onListening: { port in
                    printNow("desk listening on \(scheme)://\(deskHost):\(port)")
                    readiness.partReady()
                })
        } catch {
            printError(error.description)
            throw ExitCode(78)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    server, desk, NotificationPusher(center: center, http: .shared, logger: logger),
                    // The watchdog is fed while the database answers, as /health reports.
                    SystemdNotifier(readiness: readiness, status: "serving on port \(port)") { await center.database.answers() },
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct StationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station", abstract: "Manage village stations.", subcommands: [Enroll.self, Revoke.self])

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enroll",
            abstract: "Print a one-time enrolment token for a station (give it to the kiosk's `kiosk enroll`).")

        @OptionGroup var options: CenterOptions

        @Option(name: .long, help: "The station's code (station.id in its kiosk.yaml).")
        var station: String

        @Option(name: .long, help: "Hours the token stays valid.")
        var validHours = 168

        @Flag(name: .long, help: "Print {\"token\": ...}.")
        var json = false

        func run() async throws {
            let center = try options.open()
            let token = try await reporting { () async throws(CenterError) in
                try await center.issueToken(station: station, validity: TimeInterval(validHours) * 3600)
            }
            if json {
                try printJSON(["token": token, "station": station])
            } else {
                print("enrolment token for station \(station) (single use, valid \(validHours) h): \(token)")
            }
        }
    }
}

extension StationCommand {
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Refuse a station's requests and USB bundles from now on (a lost or stolen terminal).",
            discussion: "What it delivered stays. Refused requests are counted (station_revoked). A new token from `station enroll` enrols it again, with a new key.")

        @OptionGroup var options: CenterOptions

        @Option(name: .long, help: "The station's code.")
        var station: String

        func run() async throws {
            let center = try options.open()
            try await reporting { () async throws(CenterError) in try await center.database.revoke(station: station, now: center.now) }
            print("station \(station) revoked; a running `towncenter serve` refuses it from its next request")
        }
    }
}

/// `towncenter keys`: the center's X25519 keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List and rotate the center's sealing keys.", subcommands: [List.self, Rotate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the key ids: the current one first, then the retired ones.")
        @OptionGroup var options: CenterOptions

        func run() async throws {
            let center = try options.open()
            print("\(center.keys.agreement.keyID) current")
            for key in center.keys.retired { print("\(key.keyID) retired (still opens what was sealed to it)") }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate", abstract: "Make a new sealing key current; the old one keeps opening what was sealed to it.",
            discussion: "Restart `towncenter serve` afterwards: from then on stations learn the new key in their next round and seal to it; submissions they sealed to the old key are still accepted and opened.")
        @OptionGroup var options: CenterOptions

        func run() async throws {
            let center = try options.open()
            let rotated = try await reporting { () async throws(CenterError) in try await center.rotateAgreementKey() }
            print("new current key \(rotated.keys.agreement.keyID); \(center.keys.agreement.keyID) retired. Restart `towncenter serve` to use it.")
        }
    }
}

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Publish catalogs to the stations.", subcommands: [Publish.self])

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Check, sign and publish a catalog folder; stations fetch it on their next round.")

        @OptionGroup var options: CenterOptions

        @Option(name: .long, help: "The catalog folder (catalog.yaml and matters/).")
        var catalog = "./kiosk-config/catalog"

        func run() async throws {
            let center = try options.open()
            let bundle = try await reporting { () async throws(CenterError) in
                try await center.publishCatalog(directory: URL(fileURLWithPath: catalog))
            }
            print("published catalog version \(bundle.version) (\(bundle.files.count) files)")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The center's hash-chained audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check that no audit entry was edited, deleted or reordered, that the trail matches its signed head, and that no station reported a shorter or different trail than before.")

        @OptionGroup var options: CenterOptions

        func run() async throws {
            let center = try options.open()
            let verdict = try await reporting { () async throws(CenterError) in try await center.database.verifyAudit() }
            print(verdict.description)
            let flags = try await reporting { () async throws(CenterError) in try await center.database.stationAuditFlags() }
            for flag in flags { print(flag.description) }
            if !verdict.isIntact || !flags.isEmpty { throw ExitCode(1) }
        }
    }
}
