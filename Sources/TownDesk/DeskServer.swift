import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdTLS
import KioskCore
import Logging
import Mustache
import ServiceLifecycle
import TownCenter

/// The desk's listener settings.
public struct DeskConfiguration: Sendable {
    /// Address to bind.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// The folder with the desk's templates, stylesheet and string tables.
    public var templates: String
    /// Whether listening on a non-loopback address without TLS is allowed.
    public var insecureLAN: Bool
    /// Seconds without contact after which the stations page flags a station as silent.
    public var silentAfter: Int64
    /// The PEM certificate chain and private key files to serve HTTPS with; nil serves plain HTTP.
    public var tls: (certificate: String, key: String)?
    /// The working-day calendar deadlines on the desk's pages count with.
    public var calendar: WorkingDayCalendar
    /// The station code that numbers walk-in applications' receipts (no station may hold it).
    public var windowSeries: String
    /// How archive numbers (档号) are suggested: `{prefix}` is the matter's department code.
    public var archiveNumberFormat = NoticeNumberFormat(validating: "{year}-{prefix}-{seq:4}")!

    /// Settings; the default address is 127.0.0.1:8631, a station is silent after 3 hours,
    /// working days are counted on weekends alone unless a holiday calendar is given, and walk-in
    /// receipts are numbered `ZX-…`.
    public init(
        host: String = "127.0.0.1", port: Int = 8631, templates: String, insecureLAN: Bool = false, silentAfter: Int64 = 3 * 3600,
        tls: (certificate: String, key: String)? = nil, calendar: WorkingDayCalendar = WorkingDayCalendar(schedules: []),
        windowSeries: String = "ZX"
    ) {
        self.host = host
        self.port = port
        self.templates = templates
        self.insecureLAN = insecureLAN
        self.silentAfter = silentAfter
        self.tls = tls
        self.calendar = calendar
        self.windowSeries = windowSeries
    }

    /// The templates folder: `explicit`, else `./Resources/desk`, else `/usr/share/bianmin/desk`.
    public static func templatesDirectory(explicit: String?) -> String {
        if let explicit { return explicit }
        let local = FileManager.default.currentDirectoryPath + "/Resources/desk"
        return FileManager.default.fileExists(atPath: local + "/login.mustache") ? local : "/usr/share/bianmin/desk"
    }

    /// Throws unless the address is loopback, TLS is configured, or the insecure LAN flag is set,
    /// and unless the window series is a station code.
    public func check() throws(DeskError) {
        guard ReceiptNumber.isValidStationCode(windowSeries) else { throw .windowSeries(windowSeries) }
        let loopback = host == "127.0.0.1" || host == "::1" || host == "localhost"
        if !loopback && tls == nil && !insecureLAN { throw .insecureAddress(host) }
    }

    /// The server's TLS settings read from the certificate and key files, or nil without TLS.
    func tlsConfiguration() throws(DeskError) -> TLSConfiguration? {
        guard let tls else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            guard !chain.isEmpty else { throw DeskError.tls(detail: "\(tls.certificate) holds no certificate") }
            let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        } catch let error as DeskError {
            throw error
        } catch {
            throw .tls(detail: "\(tls.certificate), \(tls.key): \(error)")
        }
    }
}

/// Why the desk could not start.
public enum DeskError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A non-loopback address without `--desk-insecure-lan`.
    case insecureAddress(String)
    /// The templates could not be read.
    case templates(path: String, detail: String)
    /// The published catalog could not be read.
    case center(CenterError)
    /// The TLS certificate or key could not be read.
    case tls(detail: String)
    /// The window's receipt series is not a station code.
    case windowSeries(String)

    public var description: String {
        switch self {
        case .insecureAddress(let host):
            "refusing to serve the desk on \(host) in clear: give --tls-cert and --tls-key, use 127.0.0.1, or pass --desk-insecure-lan"
        case .templates(let path, let detail): "desk templates in \(path): \(detail); pass --desk-templates DIR"
        case .center(let error): error.description
        case .tls(let detail): "the desk's TLS certificate or key cannot be used: \(detail)"
        case .windowSeries(let series): "--window-series \(series) is not a station code (2-8 of A-Z and 0-9)"
        }
    }
}

/// The town desk's web server, as a ServiceLifecycle service.
public struct DeskServer: Service {
    let routes: DeskRoutes
    let configuration: DeskConfiguration
    let tls: TLSConfiguration?
    let logger: Logger
    let onListening: @Sendable (_ port: Int) async -> Void

    /// A desk for `center`: loads the templates and the published matters, and checks the address;
    /// with `formPrinter`, window and approver staff print application forms from the case page, and
    /// with `noticeIssuer` too, the case's notices on the same queue; with `receiptPrinter`, walk-in
    /// applications' receipts and any case's receipt again.
    public init(
        center: Center, configuration: DeskConfiguration, logger: Logger, formPrinter: CaseFormPrinter? = nil,
        noticeIssuer: NoticeIssuer? = nil, receiptPrinter: CaseReceiptPrinter? = nil,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) async throws(DeskError) {
        try configuration.check()
        tls = try configuration.tlsConfiguration()
        let pages = try await DeskPages.load(directory: configuration.templates)
        var matters: [String: Matter] = [:]
        do throws(CenterError) {
            let catalog = try await center.publishedCatalog()
            for code in try await center.database.knownCatalogs().matters {
                guard let matter = catalog.matter(code) else { throw .catalog("matter \(code) is not in catalog \(catalog.version)") }
                matters[code] = matter
            }
        } catch {
            throw .center(error)
        }
        routes = DeskRoutes(
            center: center, pages: pages, matters: matters, throttle: AddressThrottle(), silentAfter: configuration.silentAfter,
            secureCookies: configuration.tls != nil, formPrinter: formPrinter, calendar: configuration.calendar,
            noticeIssuer: formPrinter == nil ? nil : noticeIssuer, receiptPrinter: receiptPrinter, windowSeries: configuration.windowSeries,
            archiver: ArchivePackager(center: center, authority: formPrinter?.authority ?? noticeIssuer?.authority ?? ""),
            archiveNumberFormat: configuration.archiveNumberFormat)
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let onListening = onListening
        let application = Application(
            router: routes.router(),
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "bianmin-desk"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }
}

/// The templates, stylesheet and string tables of the desk.
struct DeskPages: Sendable {
    /// The folder the templates and string tables came from.
    let directory: String
    let library: MustacheLibrary
    let stylesheet: String
    /// The little script that redraws the walk-in form when an answer others depend on changes.
    let script: String
    /// The words of the pages, by language; every table has the same keys.
    let strings: [KioskLanguage: [String: String]]

    static func load(directory: String) async throws(DeskError) -> DeskPages {
        do {
            let library = try await MustacheLibrary(directory: directory)
            let stylesheet = try String(contentsOfFile: directory + "/desk.css", encoding: .utf8)
            let script = try String(contentsOfFile: directory + "/desk.js", encoding: .utf8)
            var strings: [KioskLanguage: [String: String]] = [:]
            for language in KioskLanguage.allCases {
                strings[language] = try loadWords(directory: directory, language: language)
            }
            let keys = strings.values.map { Set($0.keys) }
            if let first = keys.first, let other = keys.first(where: { $0 != first }) {
                throw DeskError.templates(
                    path: directory, detail: "the string tables differ in \(first.symmetricDifference(other).sorted().joined(separator: ", "))")
            }
            guard library.getTemplate(named: "login") != nil, library.getTemplate(named: "inbox") != nil else {
                throw DeskError.templates(path: directory, detail: "login.mustache or inbox.mustache is missing")
            }
            return DeskPages(directory: directory, library: library, stylesheet: stylesheet, script: script, strings: strings)
        } catch let error as DeskError {
            throw error
        } catch {
            throw .templates(path: directory, detail: String(describing: error))
        }
    }

    /// The string table of `language` in `directory`.
    static func loadWords(directory: String, language: KioskLanguage) throws(DeskError) -> [String: String] {
        let path = directory + "/strings.\(language.rawValue).json"
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .templates(path: path, detail: String(describing: error))
        }
    }

    /// The string table of `language`.
    func words(_ language: KioskLanguage) -> [String: String] { strings[language] ?? [:] }

    /// The page `name` rendered with `values`, the string table of `language` as `t` and the
    /// language's code as `lang`.
    func render(_ name: String, _ values: [String: Any], language: KioskLanguage) -> String {
        var values = values
        values["t"] = words(language)
        values["lang"] = language.rawValue
        return library.render(values, withTemplate: name) ?? ""
    }
}

/// The session a desk cookie names.
public struct DeskSession: Codable, Sendable {
    /// The signed-in staff id; nil before sign-in.
    var staff: String?
    /// The signed-in account's role.
    var role: StaffRole?
    /// The department of a department account.
    var department: Department?
    /// The token every form carries.
    var csrf: String
    /// Unix seconds the session began.
    var createdAt: Int64
    /// Unix seconds of the last request.
    var lastSeen: Int64
    /// The language the pages speak (Chinese unless switched).
    var language: KioskLanguage = .zhHans
    /// A message for the next page shown (e.g. the receipt number of a walk-in just stored).
    var flash: String?
}

/// The request context of the desk: sessions and the client's address.
public struct DeskContext: SessionRequestContext, RequestContext {
    /// Hummingbird's core context.
    public var coreContext: CoreRequestContextStorage
    /// The request's session.
    public let sessions: SessionContext<DeskSession>
    /// The client's address (for throttling; never logged).
    public let remoteAddress: String?

    /// A context for a request from `source`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
