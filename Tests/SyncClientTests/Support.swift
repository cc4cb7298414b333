import Foundation
import Glibc
import Hummingbird
import KioskCore
import KioskSecurity
import KioskStore
import Logging
import SyncClient
import SyncProtocol
import Testing
import TownCenter
import TestSupport

/// Submissions per fault test (2,000, as the issue asks; `scripts/sync-fault-soak.sh` sets 10,000).
let faultCount = ProcessInfo.processInfo.environment["BIANMIN_SYNC_COUNT"].flatMap(Int.init) ?? 2000

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sync-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A `towncenter serve` process that tests can SIGKILL and restart on the same port.
final class CenterProcess: Sendable {
    let data: String
    private let served: ServedCenter

    /// Creates a center in `data` (demo catalog; the demo key pair that the demo kiosk.yaml names,
    /// unless `demoKeys` is false) and starts serving on a free port, with `serveArguments` added and
    /// `environment` in the server's.
    init(data: String, demoKeys: Bool = true, serveArguments: [String] = [], environment: [String: String] = [:]) throws {
        self.data = data
        let created = try run(
            "towncenter",
            ["init", "--data", data, "--catalog", packageRoot.appendingPathComponent("kiosk-config/catalog").path] + (demoKeys ? ["--demo-keys"] : []))
        guard created.status == 0 else { throw Failure("towncenter init failed: \(created.stderr)") }
        served = try ServedCenter(data: data, extraArguments: serveArguments, environment: environment)
    }

    var url: String { served.url }

    /// The town desk's base URL.
    var deskURL: String { "http://127.0.0.1:\(served.deskPort)" }

    /// Starts serving again, on the same port, after a kill.
    func start() throws { try served.start() }

    /// Kills the server at once (power cut).
    func kill() { served.kill() }

    /// A one-time token for `station`.
    func token(for station: String) throws -> String {
        let result = try run("towncenter", ["station", "enroll", "--data", data, "--station", station, "--json"])
        let object = try JSONDecoder().decode([String: String].self, from: Data(result.stdout.utf8))
        guard let token = object["token"] else { throw Failure("no token: \(result.stderr)") }
        return token
    }

    /// The center's database, opened beside the running server.
    func open() throws -> Center { try Center.open(dataDirectory: data) }
}

/// A center process and a kiosk in `directory` (the repository's demo config) enrolled with it, which
/// submitted one example 80岁以上老年人高龄津贴 application (MZ-GG-01) and forwarded it: the center, the
/// kiosk commands' common arguments and the receipt number.
func forwardedCase(
    in directory: URL, serveArguments: [String] = [], environment: [String: String] = [:]
) throws -> (center: CenterProcess, common: [String], receipt: String) {
    let center = try CenterProcess(data: directory.appendingPathComponent("center").path, serveArguments: serveArguments, environment: environment)
    let config = directory.appendingPathComponent("kiosk-config")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
    let common = ["--config", config.path, "--data", directory.appendingPathComponent("kiosk").path]
    guard try run("kiosk", ["init"] + common).status == 0 else { throw Failure("kiosk init failed") }
    let enrolled = try run("kiosk", ["enroll", "--center", center.url, "--token", try center.token(for: "XH03")] + common)
    guard enrolled.status == 0 else { throw Failure("kiosk enroll failed: \(enrolled.stderr)") }
    let example = try run("kiosk", ["answers", "example", "--matter", "MZ-GG-01"] + common)
    let answers = directory.appendingPathComponent("answers.json")
    try Data(example.stdout.utf8).write(to: answers)
    let submitted = try run("kiosk", ["submit", "--matter", "MZ-GG-01", "--answers", answers.path] + common)
    guard submitted.status == 0 else { throw Failure("kiosk submit failed: \(submitted.stderr)") }
    let receipt = String(submitted.stdout.split(separator: "\n")[0].dropFirst("receipt ".count))
    guard try run("kiosk", ["forward", "--once"] + common).status == 0 else { throw Failure("kiosk forward failed") }
    return (center, common, receipt)
}

/// A test failure with a message.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A kiosk data directory with an initialised station and its queue.
struct KioskFixture {
    let station = "XH03"
    let dataDirectory: String
    let identity: StationIdentity
    let queue: SubmissionQueue

    init(in directory: URL) throws {
        dataDirectory = directory.appendingPathComponent("kiosk").path
        identity = try StationFiles(dataDirectory: dataDirectory).initialize().identity
        queue = try StationFiles(dataDirectory: dataDirectory).openQueue()
    }

    /// Enrols at `center`, through `url` (a proxy) when given.
    func enroll(at center: CenterProcess, through url: String? = nil, configuredCenterKeyPath: String? = nil) async throws -> EnrollResponse {
        try await StationEnrolment.enroll(
            centerURL: url ?? center.url, token: try center.token(for: station), station: station, dataDirectory: dataDirectory,
            configuredCenterKeyPath: configuredCenterKeyPath)
    }

    /// Queues `count` submissions sealed to the enrolled center key, as `kiosk submit` would.
    @discardableResult
    func queueSubmissions(
        _ count: Int, matter: String = "MZ-GG-01", start: Date = Date(timeIntervalSince1970: 1_795_000_000),
        answers: (Int) -> String = { #"{"applicant_name":"张三","n":\#($0)}"# }
    ) throws -> [SubmissionSummary] {
        let centerKey = try StationFiles(dataDirectory: dataDirectory).centerKey(configuredPath: nil)
        let signer = ReceiptSigner(identity: identity, stationID: station)
        return try (0..<count).map { index in
            let uuid = UUID()
            // Ten seconds apart: a day holds 8,640, within the 9,999 receipt numbers of a day.
            let created = start.addingTimeInterval(TimeInterval(index * 10))
            let sealed = try PayloadSealer.seal(
                Data(answers(index).utf8), to: centerKey,
                associated: SealContext(uuid: uuid, station: station, matter: matter))
            let new = NewSubmission(
                uuid: uuid, station: station, matter: matter, catalogVersion: "2026.11.1", channel: .assisted(assistantID: "A01"),
                createdAt: created, applicantMasked: "张*", formPrint: .printed, sealedKeyID: sealed.keyID,
                sealed: sealed.serialized(), payloadDigest: sealed.digest)
            return try queue.store(new) { number in
                try signer.sign(
                    try ReceiptRecord(
                        receiptNumber: number, matterCode: matter, createdAt: UInt64(created.timeIntervalSince1970),
                        payloadDigest: sealed.digest)
                ).qrText
            }
        }
    }

    /// How many submissions are in `state`.
    func count(_ state: SubmissionState) throws -> Int { try queue.stats().byState[state.rawValue] ?? 0 }

    /// The forwarder of this station.
    func forwarder(batchSize: Int = 50) throws -> Forwarder {
        try Forwarder.open(station: station, dataDirectory: dataDirectory, fallbackURL: "http://127.0.0.1:1", batchSize: batchSize)
    }
}

/// A fresh directory with a center serving from `center/` and a kiosk station in `kiosk/`, enrolled with it.
struct SyncRig {
    let directory: URL
    let center: CenterProcess
    let kiosk: KioskFixture
    /// What the center answered to the enrolment.
    let enrolment: EnrollResponse

    init() async throws {
        directory = try temporaryDirectory()
        center = try CenterProcess(data: directory.appendingPathComponent("center").path)
        kiosk = try KioskFixture(in: directory)
        enrolment = try await kiosk.enroll(at: center)
    }

    /// Removes the directory (the center stops when its process object goes).
    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Center-side counts: audit "stored" events (one per first store) and conflicts.
func centerCounts(_ center: CenterProcess) async throws -> (stored: Int, storedEvents: Int, conflicts: Int) {
    let opened = try center.open()
    let events = try await opened.database.auditEvents()
    return (
        try await opened.database.submissionCount(), events.filter { $0.event == "stored" }.count,
        events.filter { $0.event == "conflict" }.count
    )
}

/// Runs `body` with the base URL of `router` served on 127.0.0.1 at a free port (on a thread of its own,
/// away from the cooperative pool), and stops serving when it returns.
func serving(_ router: Router<BasicRequestContext>, named name: String, _ body: (String) async throws -> Void) async throws {
    var logger = Logger(label: name)
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await offThePool("test-\(name)") { try await app.run() } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)")
        group.cancelAll()
    }
}
