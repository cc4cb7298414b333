import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
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
            try await Center.initialize(dataDirectory: options.data, catalogDirectory: catalogURL, demoAgreementKey: demoKey)
        }
        print("town center created in \(center.directory.url.path)")
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

    @Option(name: .long, help: "Most connections one client address may hold open (at most half of all).")
    var maxConnectionsPerAddress = CenterConfiguration().maxConnectionsPerAddress

    @Option(name: .long, help: "Seconds to receive a request's head.")
    var headerTimeout = CenterConfiguration().headerTimeout

    func validate() throws {
        guard (1...100_000).contains(maxConnectionsPerAddress) else { throw ValidationError("--max-connections-per-address must be 1–100000") }
        guard (1...3600).contains(headerTimeout) else { throw ValidationError("--header-timeout must be 1–3600 seconds") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "towncenter")
        logger.logLevel = .info
        let center = try options.open()
        let host = host
        let server = CenterServer(
            center: center,
            configuration: CenterConfiguration(
                host: host, port: port, headerTimeout: headerTimeout, maxConnectionsPerAddress: maxConnectionsPerAddress),
            logger: logger,
            onListening: { port in printNow("listening on http://\(host):\(port)") })
        let deskHost = deskHost
        let desk: DeskServer
        do {
            desk = try await DeskServer(
                center: center,
                configuration: DeskConfiguration(
                    host: deskHost, port: deskPort, templates: DeskConfiguration.templatesDirectory(explicit: deskTemplates),
                    insecureLAN: deskInsecureLan),
                logger: logger, onListening: { port in printNow("desk listening on http://\(deskHost):\(port)") })
        } catch {
            printError(error.description)
            throw ExitCode(78)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server, desk], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct StationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station", abstract: "Manage village stations.", subcommands: [Enroll.self])

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
