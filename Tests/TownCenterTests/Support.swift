import AsyncHTTPClient
@preconcurrency import Crypto
import Foundation
import KioskCore
import KioskSecurity
import Logging
import SyncProtocol
import Testing
import TownCenter
import TestSupport


/// The demo catalog folder.
let demoCatalog = packageRoot.appendingPathComponent("kiosk-config/catalog")

/// A fresh temporary directory, removed by the caller's `defer`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("towncenter-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A center initialised by `towncenter init` in a new temporary directory and served by a
/// `towncenter serve` process (under `wrapper`, with `extraArguments`); the caller kills it and
/// removes the directory.
func servedTemporaryCenter(wrapper: [String] = [], extraArguments: [String] = []) throws -> (served: ServedCenter, data: String, directory: URL) {
    let directory = try temporaryDirectory()
    let data = directory.appendingPathComponent("center").path
    let created = try towncenter(["init", "--data", data, "--catalog", demoCatalog.path])
    try #require(created.status == 0, "\(created.stderr)")
    return (try ServedCenter(data: data, wrapper: wrapper, extraArguments: extraArguments), data, directory)
}

/// Enrols `station` at `center` and stores `items` as if forwarded, without HTTP; returns the results.
@discardableResult
func enrolAndStore(_ items: [SubmissionItem], from station: TestStation, at center: Center) async throws -> [ItemResult] {
    try await center.enrolDirectly(station)
    let checker = try await center.submissionChecker(for: station.publicKey)
    return try await center.database.ingest(
        station: station.id, nonce: RequestSignature.makeNonce(), nonceExpiresAt: center.now + 600,
        items: items.map(checker.check), now: center.now)
}

/// A center created in a temporary directory.
func makeCenter() async throws -> (center: Center, directory: URL) {
    let directory = try temporaryDirectory()
    let center = try await Center.initialize(
        dataDirectory: directory.appendingPathComponent("data").path, catalogDirectory: demoCatalog)
    return (center, directory)
}

/// A center served on 127.0.0.1 at a free port, with an HTTP client of its own (a shared
/// pool could reuse a connection to an earlier test's server on the same port).
struct RunningCenter {
    let center: Center
    let port: Int
    let http: HTTPClient
    /// The `/metrics` listener's port, when the configuration asked for one.
    var metricsPort: Int?
    var verifier: CenterVerifier { center.keys.signer.verifier }
}

/// Runs `body` with an HTTP client that is shut down afterwards.
func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// Runs `body` against a real server on 127.0.0.1 (port 0), stopped afterwards. Its timeouts are
/// long: an in-process server shares the test process's threads with every busy suite running beside
/// it (the timeouts themselves are tested against a `towncenter serve` process).
func withRunningCenter(
    configuration: CenterConfiguration = CenterConfiguration(port: 0, idleTimeout: 600, headerTimeout: 300),
    _ body: @Sendable (RunningCenter) async throws -> Void
) async throws {
    let (center, directory) = try await makeCenter()
    defer { try? FileManager.default.removeItem(at: directory) }
    var logger = Logger(label: "towncenter-test")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let (metricsPorts, metricsContinuation) = AsyncStream.makeStream(of: Int.self)
    var configuration = configuration
    configuration.port = 0
    let server = CenterServer(
        center: center, configuration: configuration, logger: logger, onListening: { continuation.yield($0) },
        onMetricsListening: { metricsContinuation.yield($0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await offThePool("test-center") { try await server.run() } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        var metricsIterator = metricsPorts.makeAsyncIterator()
        let metricsPort = configuration.metricsPort == nil ? nil : await metricsIterator.next()
        try await withHTTPClient { http in
            try await body(RunningCenter(center: center, port: port, http: http, metricsPort: metricsPort))
        }
        group.cancelAll()
    }
}

/// A village station with its own key, making signed, sealed submissions.
struct TestStation: Sendable {
    let id: String
    let identity: StationIdentity

    init(_ id: String = "XH03", identity: StationIdentity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())) {
        self.id = id
        self.identity = identity
    }

    var publicKey: StationPublicKey { StationPublicKey(stationID: id, key: identity.publicKey) }

    /// A sealed, signed submission item; `receiptStation` and `signer` override the receipt's
    /// station and signing key to build bad items.
    func item(
        to center: CenterPublicKey, sequence: Int, matter: String = "MZ-GG-01",
        answers: String = #"{"applicant_name":"张三","phone":"13800138000"}"#, uuid: UUID = UUID(),
        receiptStation: String? = nil, signer: StationIdentity? = nil
    ) throws -> SubmissionItem {
        let station = receiptStation ?? id
        let created = Date(timeIntervalSince1970: 1_795_000_000)
        let sealed = try PayloadSealer.seal(
            Data(answers.utf8), to: center, associated: SealContext(uuid: uuid, station: station, matter: matter))
        let record = try ReceiptRecord(
            receiptNumber: try ReceiptNumber(station: station, date: created, timeZone: .china, sequence: sequence),
            matterCode: matter, createdAt: UInt64(created.timeIntervalSince1970), payloadDigest: sealed.digest)
        let receipt = try ReceiptSigner(identity: signer ?? identity, stationID: station).sign(record)
        return SubmissionItem(
            uuid: uuid, receipt: receipt.qrText, sealedPayload: sealed.serialized().base64EncodedString(), matter: matter,
            catalogVersion: "2026.11.1", channel: .assisted, assistant: "A01", createdAt: Int64(record.createdAt),
            formPrinted: true)
    }
}

/// An HTTP answer as received.
struct Answer: Sendable {
    let status: Int
    let body: Data
    let centerSignature: String?

    /// The JSON error code of a refusal.
    var errorCode: String? { (try? JSONDecoder().decode(APIErrorBody.self, from: body))?.error }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }
}

/// A request as a station would send it; tests alter its parts to build attacks.
struct SignedRequest: Sendable {
    var method: String
    var target: String
    var body: Data
    var headers: [(name: String, value: String)]
    var contentEncoding: String?

    /// A request signed by `station` (or by `key` when given) at `date`.
    init(
        _ method: String, _ target: String, body: Data = Data(), station: TestStation, date: Date = Date(),
        gzip: Bool = false, signWith key: StationIdentity? = nil, nonce: String = RequestSignature.makeNonce()
    ) throws {
        self.method = method
        self.target = target
        self.body = gzip ? try Gzip.compress(body) : body
        contentEncoding = gzip ? "gzip" : nil
        headers = try RequestSigner(identity: key ?? station.identity, station: station.id)
            .headers(method: method, target: target, body: self.body, date: date, nonce: nonce)
    }

    var nonce: String { headers.first { $0.name == SyncHeader.nonce }!.value }

    /// Sends the request to `center`.
    func send(to center: RunningCenter) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(center.port)\(target)")
        request.method = .init(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let contentEncoding { request.headers.add(name: "Content-Encoding", value: contentEncoding) }
        request.headers.add(name: "Content-Type", value: "application/json")
        if !body.isEmpty { request.body = .bytes(body) }
        let response = try await center.http.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code), body: Data(buffer.readableBytesView),
            centerSignature: response.headers.first(name: SyncHeader.centerSignature))
    }
}

/// Enrols `station` at `center` through the API; returns the answer.
func enroll(_ station: TestStation, at center: RunningCenter, token: String? = nil) async throws -> Answer {
    let token = try await { () async throws -> String in
        if let token { return token }
        return try await center.center.issueToken(station: station.id)
    }()
    let nonce = RequestSignature.makeNonce()
    return try await SignedRequest("POST", SyncPath.enroll, body: try enrolment(station, token: token, nonce: nonce), station: station, nonce: nonce)
        .send(to: center)
}

extension TestStation {
    /// The station's proof of `token` for the enrolment request with `nonce`.
    func proof(of token: String, nonce: String) -> String {
        EnrolmentSecret(token: token).stationProof(station: id, publicKey: identity.publicKeyBase64, nonce: nonce)
    }
}

/// The body of an enrolment of `station` proving `token` for the request with `nonce`.
func enrolment(_ station: TestStation, token: String, nonce: String) throws -> Data {
    try SyncJSON.encode(EnrollRequest(station: station.id, publicKey: station.identity.publicKeyBase64, proof: station.proof(of: token, nonce: nonce)))
}

extension Center {
    /// Issues a token for `station` and enrols it with that token, without HTTP.
    func enrolDirectly(_ station: TestStation) async throws {
        let token = try await issueToken(station: station.id)
        let nonce = RequestSignature.makeNonce()
        _ = try await database.enroll(
            station: station.id, publicKey: station.identity.publicKeyBase64, proof: station.proof(of: token, nonce: nonce), nonce: nonce, now: now)
    }
}

/// Sends `items` as one batch from `station`.
func submit(
    _ items: [SubmissionItem], from station: TestStation, to center: RunningCenter, gzip: Bool = false
) async throws -> (answer: Answer, request: SignedRequest) {
    let request = try SignedRequest(
        "POST", SyncPath.submissions(station: station.id), body: try SyncJSON.encode(SubmissionBatch(items: items)),
        station: station, gzip: gzip)
    return (try await request.send(to: center), request)
}

extension CenterDatabase {
    /// The key `station` is enrolled with, unless it is unknown or revoked.
    func stationKey(_ station: String) async throws -> StationPublicKey? {
        guard case .enrolled(let key) = try await standing(of: station) else { return nil }
        return key
    }
}
