import AsyncHTTPClient
import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import SyncProtocol

/// Why a sync step failed; `reason` is what the assistant screen says.
public enum SyncError: Error, Sendable, CustomStringConvertible {
    /// The center could not be reached (network down, refused, timed out).
    case unreachable(String)
    /// The center answered with a refusal (`code` from its JSON error, when it sent one).
    case refused(status: Int, code: String?, message: String)
    /// An answer that should be an acknowledgement is not validly signed (proxy, captive portal):
    /// nothing is marked delivered.
    case notAcknowledged(SyncProtocolError)
    /// The answer is not the expected JSON.
    case malformedAnswer(String)
    /// The station is not enrolled (no center signing key known): run `kiosk enroll`.
    case notEnrolled
    /// The enrolment answer does not prove knowledge of the token: a machine in the middle or
    /// another center answered; nothing was changed.
    case centerUnproven
    /// The enrolling center's key is not the one kiosk.yaml names (key ids); nothing was changed.
    case centerKeyMismatch(configured: String, offered: String)
    /// A catalog bundle was refused (bad signature, bad file, does not load).
    case catalogRefused(String)
    /// The local queue failed.
    case store(StoreError)
    /// A local file operation failed.
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case .unreachable(let detail): "the town center cannot be reached: \(detail)"
        case .refused(let status, let code, let message): "the town center refused the request (\(status) \(code ?? "")): \(message)"
        case .notAcknowledged(let error): error.description
        case .malformedAnswer(let detail): "the town center's answer is malformed: \(detail)"
        case .notEnrolled: "this station is not enrolled at a town center; run `kiosk enroll --center URL --token T`"
        case .centerUnproven:
            "the enrolment answer does not prove that the center holds the token (a machine in the middle, or another center?); nothing was changed"
        case .centerKeyMismatch(let configured, let offered):
            "the center's key (id \(offered)) is not the one kiosk.yaml names (id \(configured)); nothing was changed"
        case .catalogRefused(let detail): "the new catalog was not applied: \(detail)"
        case .store(let error): error.description
        case .io(let path, let detail): "\(path): \(detail)"
        }
    }

    /// Why, for the screens' words.
    public var reason: FailureReason {
        switch self {
        case .unreachable, .notAcknowledged: .centerUnreachable
        case .refused(_, let code, _) where code == "stale_date": .stationClockWrong
        case .refused, .malformedAnswer: .centerRefused
        case .notEnrolled: .notEnrolled
        case .centerUnproven, .centerKeyMismatch: .centerUnproven
        case .catalogRefused: .catalogNotUpdated
        case .store, .io: .storeFailed
        }
    }
}

/// A request signed by the station and ready to send (see `CenterClient.prepare`).
public struct SignedRequest: Sendable {
    fileprivate let request: HTTPClientRequest
    /// The request's nonce, which the center's signed answer must echo.
    public let nonce: String
}

/// Signed HTTP calls to the town center.
public struct CenterClient: Sendable {
    /// The center's base URL, e.g. `http://10.0.0.5:8630`.
    public let baseURL: String
    /// The signing station.
    public let signer: RequestSigner
    /// The center's signing key; nil before enrolment (then nothing can be acknowledged).
    public let verifier: CenterVerifier?
    /// Where "now" comes from for request dates.
    public let clock: any WallClock
    /// Per-request timeout, in seconds.
    public let timeout: TimeInterval
    private let http: HTTPClient

    /// A client for `baseURL`.
    public init(
        baseURL: String, signer: RequestSigner, verifier: CenterVerifier?, clock: any WallClock = SystemClock(),
        timeout: TimeInterval = 30, http: HTTPClient = .shared
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signer = signer
        self.verifier = verifier
        self.clock = clock
        self.timeout = timeout
        self.http = http
    }

    /// Enrols by proving knowledge of a one-time token without sending it; the answer counts only once
    /// it proves the center knows the token too.
    public func enroll(token: String) async throws(SyncError) -> EnrollResponse {
        let secret = EnrolmentSecret(token: token)
        let nonce = RequestSignature.makeNonce()
        let publicKey = signer.identity.publicKeyBase64
        let proof = secret.stationProof(station: signer.station, publicKey: publicKey, nonce: nonce)
        let body = try encode(EnrollRequest(station: signer.station, publicKey: publicKey, proof: proof))
        let answer = try await perform(try prepare("POST", SyncPath.enroll, body: body, gzip: false, nonce: nonce))
        let enrolled: EnrollResponse = try decode(answer.body)
        // Nothing in the answer counts before it proves the center knows the token.
        guard enrolled.station == signer.station,
              EnrolmentSecret.matches(enrolled.proof, secret.centerProof(station: signer.station, publicKey: publicKey, nonce: nonce, answer: enrolled))
        else { throw .centerUnproven }
        guard let verifier = CenterVerifier(base64: enrolled.centerSigningKey) else {
            throw .malformedAnswer("center signing key is not an Ed25519 key")
        }
        try check(answer, nonce: nonce, with: verifier)
        return enrolled
    }

    /// Sends a batch; returns the center's signed per-item results.
    public func send(_ items: [SubmissionItem]) async throws(SyncError) -> BatchResult {
        try await send(prepare(items))
    }

    /// A batch encoded, compressed and signed, ready to go: the station's own share of the work.
    /// Send it soon: the center refuses a request dated outside its allowed clock skew.
    public func prepare(_ items: [SubmissionItem]) throws(SyncError) -> SignedRequest {
        try prepare("POST", SyncPath.submissions(station: signer.station), body: try encode(SubmissionBatch(items: items)), gzip: true)
    }

    /// Sends a prepared batch; returns the center's signed per-item results.
    public func send(_ batch: SignedRequest) async throws(SyncError) -> BatchResult {
        let answer = try await perform(batch)
        try check(answer, nonce: batch.nonce)
        return try decode(answer.body)
    }

    /// Reports the station's signed audit head; returns the center's signed answer.
    public func reportAuditHead(_ head: AuditHead) async throws(SyncError) -> AuditHeadAnswer {
        try await post(SyncPath.auditHead(station: signer.station), head)
    }

    /// Sends the station's health report; returns the center's signed answer.
    public func reportHealth(_ health: StationHealth) async throws(SyncError) -> HealthAnswer {
        try await post(SyncPath.health(station: signer.station), health)
    }

    /// Reports notices printed for residents; returns the center's signed answer.
    public func reportNoticePrints(_ prints: NoticePrints) async throws(SyncError) -> NoticePrintsAnswer {
        try await post(SyncPath.noticePrints(station: signer.station), prints)
    }

    /// Sends residents' ratings; returns the center's signed answer.
    public func reportRatings(_ ratings: StationRatings) async throws(SyncError) -> StationRatingsAnswer {
        try await post(SyncPath.ratings(station: signer.station), ratings)
    }

    /// POSTs `body` as JSON to `path` (a small station report); returns the center's signed answer, checked.
    private func post<Answer: Decodable>(_ path: String, _ body: some Encodable) async throws(SyncError) -> Answer {
        let (answer, nonce) = try await send("POST", path, body: try encode(body), gzip: false)
        try check(answer, nonce: nonce)
        return try decode(answer.body)
    }

    /// Fetches the signed updates page after `cursor`.
    public func updates(after cursor: String?) async throws(SyncError) -> UpdatesPage {
        let (answer, nonce) = try await send("GET", SyncPath.updates(station: signer.station, after: cursor), body: Data(), gzip: false)
        try check(answer, nonce: nonce)
        return try decode(answer.body)
    }

    /// Fetches the catalog bundle (its own signature is checked when it is applied).
    public func catalog() async throws(SyncError) -> CatalogBundle {
        let (answer, _) = try await send("GET", SyncPath.catalog, body: Data(), gzip: false)
        return try decode(answer.body)
    }

    // MARK: Plumbing

    private struct Answer {
        var status: Int
        var body: Data
        var signature: String?
    }

    private func send(_ method: String, _ target: String, body: Data, gzip: Bool) async throws(SyncError) -> (Answer, String) {
        let request = try prepare(method, target, body: body, gzip: gzip)
        return (try await perform(request), request.nonce)
    }

    private func prepare(
        _ method: String, _ target: String, body: Data, gzip: Bool, nonce: String = RequestSignature.makeNonce()
    ) throws(SyncError) -> SignedRequest {
        let wire: Data
        do {
            wire = gzip ? try Gzip.compress(body) : body
        } catch {
            throw .io(path: target, detail: error.description)
        }
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = .init(rawValue: method)
        do {
            for header in try signer.headers(method: method, target: target, body: wire, date: clock.now(), nonce: nonce) {
                request.headers.add(name: header.name, value: header.value)
            }
        } catch {
            throw .io(path: target, detail: error.description)
        }
        if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        if !wire.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(wire)
        }
        return SignedRequest(request: request, nonce: nonce)
    }

    private func perform(_ signed: SignedRequest) async throws(SyncError) -> Answer {
        let answer: Answer
        do {
            let response = try await http.execute(signed.request, timeout: .milliseconds(Int64(timeout * 1000)))
            let buffer = try await response.body.collect(upTo: 64 << 20)
            answer = Answer(
                status: Int(response.status.code), body: Data(buffer.readableBytesView),
                signature: response.headers.first(name: SyncHeader.centerSignature))
        } catch {
            throw .unreachable(String(describing: error))
        }
        guard answer.status == 200 else {
            let error = try? SyncJSON.decode(APIErrorBody.self, from: answer.body)
            throw .refused(
                status: answer.status, code: error?.error,
                message: error?.message ?? String(decoding: answer.body.prefix(200), as: UTF8.self))
        }
        return answer
    }

    private func check(_ answer: Answer, nonce: String, with verifier: CenterVerifier? = nil) throws(SyncError) {
        guard let verifier = verifier ?? self.verifier else { throw .notEnrolled }
        do {
            try verifier.verifyResponse(status: answer.status, requestNonce: nonce, body: answer.body, signature: answer.signature)
        } catch {
            throw .notAcknowledged(error)
        }
    }

    private func encode(_ value: some Encodable) throws(SyncError) -> Data {
        do {
            return try SyncJSON.encode(value)
        } catch {
            throw .malformedAnswer(error.description)
        }
    }

    private func decode<T: Decodable>(_ data: Data) throws(SyncError) -> T {
        do {
            return try SyncJSON.decode(T.self, from: data)
        } catch {
            throw .malformedAnswer(error.description)
        }
    }
}
