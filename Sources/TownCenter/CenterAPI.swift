// Over 300 lines in one file: every route of the stations' sync API with its handler, as openapi.yaml lists them.

@preconcurrency import Crypto
import Foundation
import Hummingbird
import KioskSecurity
import Logging
import NIOConcurrencyHelpers
import SyncProtocol

/// A header name (HTTPTypes' `HTTPField.Name`, reached through Hummingbird's `HTTPFields`).
typealias HeaderName = HTTPFields.Element.Name

/// An error answer: a status and a JSON `APIErrorBody`, never signed.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? SyncJSON.encode(APIErrorBody(error: code, message: message))) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The refusal for a replayed nonce; other center errors pass through.
    init(refusing error: CenterError) throws(CenterError) {
        guard case .auth(let auth) = error else { throw error }
        self.init(auth)
    }

    init(_ error: RequestAuthError) {
        let status: HTTPResponse.Status = switch error {
        case .missingHeader, .malformedHeader: .badRequest
        case .unknownStation, .revokedStation, .stationMismatch: .forbidden
        case .replayedNonce: .conflict
        case .staleDate, .bodyDigestMismatch, .signatureInvalid: .unauthorized
        }
        self.init(status, error.code, error.description)
    }
}

/// The sync API's routes and handlers (see openapi.yaml and docs/sync-protocol.md).
public struct CenterAPI: Sendable {
    let center: Center
    let configuration: CenterConfiguration
    let logger: Logger
    let metrics: CenterMetrics
    let largeBodies: LargeBodies

    /// The API for `center`, recording into `metrics`.
    public init(center: Center, configuration: CenterConfiguration, logger: Logger, metrics: CenterMetrics) {
        self.center = center
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        largeBodies = LargeBodies(permits: configuration.maxLargeBodies)
    }

    /// A router with every route registered: refusals accounted for on every route, and the station
    /// routes behind `StationAuthentication` (with each route's body limit).
    public func router() -> Router<SyncRequestContext> {
        let router = Router(context: SyncRequestContext.self)
        router.add(middleware: RefusalAccounting(center: center, logger: logger, metrics: metrics))
        router.post("/v1/enroll") { request, _ in try await self.enroll(request) }
        router.get("/v1/catalog") { _, _ in try await self.catalog() }
        let stations = router.group("/v1/stations/:station")
        stations.group()
            .add(middleware: StationAuthentication(api: self, bodyLimit: configuration.maxBodyBytes))
            .post("submissions") { request, context in try await self.submissions(request, try context.verifiedRequest()) }
        stations.group()
            .add(middleware: StationAuthentication(api: self, bodyLimit: configuration.maxEnrolBytes))
            .post("audit-head") { _, context in try await self.auditHead(try context.verifiedRequest()) }
            .post("health") { _, context in try await self.health(try context.verifiedRequest()) }
            .post("notice-prints") { _, context in try await self.noticePrints(try context.verifiedRequest()) }
            .post("ratings") { _, context in try await self.ratings(try context.verifiedRequest()) }
            .get("updates") { request, context in try await self.updates(request, try context.verifiedRequest()) }
        return router
    }

    // MARK: Handlers

    private func enroll(_ request: Request) async throws -> Response {
        // Headers first: a request that cannot be fresh and well formed costs no body read.
        let fields = try signedFields(request)
        try requireJSON(request)
        var request = request
        let body = try await collect(&request, limit: configuration.maxEnrolBytes)
        let enrolment: EnrollRequest
        do {
            enrolment = try SyncJSON.decode(EnrollRequest.self, from: body)
        } catch {
            throw APIError(.badRequest, "malformed_body", error.description)
        }
        guard let key = StationPublicKey(stationID: enrolment.station, base64: enrolment.publicKey) else {
            throw APIError(.badRequest, EnrolmentRefusal.badPublicKey.rawValue, EnrolmentRefusal.badPublicKey.description)
        }
        guard fields.station == enrolment.station else {
            throw APIError(.stationMismatch(header: fields.station, path: enrolment.station))
        }
        // Signed with the key being enrolled: proves the station holds its private half.
        try checkSignature(fields, request: request, body: body, key: key)
        try await consume(fields)
        guard let catalog = try await center.database.currentCatalog() else {
            throw APIError(.serviceUnavailable, "no_catalog", "the center has no published catalog")
        }
        let secret: EnrolmentSecret
        do {
            secret = try await center.database.enroll(
                station: enrolment.station, publicKey: enrolment.publicKey, proof: enrolment.proof, nonce: fields.nonce, now: center.now)
        } catch {
            guard case .enrolment(let refusal) = error else { throw error }
            throw APIError(.forbidden, refusal.rawValue, refusal.description)
        }
        logger.info("station enrolled", metadata: ["station": "\(enrolment.station)"])
        var answer = EnrollResponse(
            station: enrolment.station, centerPublicKey: center.keys.agreement.publicKey.base64,
            keyID: center.keys.agreement.keyID, centerSigningKey: center.keys.signer.verifier.base64, catalog: catalog)
        answer.proof = secret.centerProof(station: enrolment.station, publicKey: enrolment.publicKey, nonce: fields.nonce, answer: answer)
        return try signed(answer, nonce: fields.nonce)
    }

    private func catalog() async throws -> Response {
        guard let catalog = try await center.database.currentCatalog() else {
            throw APIError(.serviceUnavailable, "no_catalog", "the center has no published catalog")
        }
        return try json(catalog, headers: [:])
    }

    private func submissions(_ request: Request, _ verified: VerifiedRequest) async throws -> Response {
        let (fields, key, body, station) = (verified.fields, verified.key, verified.body, verified.fields.station)
        let batch: SubmissionBatch
        do {
            let plain = try inflatedBody(request, body: body)
            batch = try SyncJSON.decode(SubmissionBatch.self, from: plain)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "malformed_body", "\(error)")
        }
        guard batch.items.count <= configuration.maxBatchItems else {
            throw APIError(.contentTooLarge, "batch_too_large", "at most \(configuration.maxBatchItems) items per batch")
        }
        let checker = try await center.submissionChecker(for: key)
        let now = center.now
        let results: [ItemResult]
        let started = ContinuousClock.now
        do {
            results = try await center.database.ingest(
                station: station, nonce: fields.nonce, nonceExpiresAt: now + Int64(2 * configuration.maxClockSkew),
                items: await checker.check(batch.items), now: now)
        } catch {
            throw try APIError(refusing: error)
        }
        metrics.record(results, took: ContinuousClock.now - started)
        let catalogVersion = try await center.database.currentCatalogVersion()
        return try signed(BatchResult(results: results, catalogVersion: catalogVersion), nonce: fields.nonce)
    }

    private func updates(_ request: Request, _ verified: VerifiedRequest) async throws -> Response {
        let (fields, station) = (verified.fields, verified.fields.station)
        var cursor = UpdatesCursor(sequence: 0)
        if let text = request.uri.queryParameters.get("after") {
            guard let parsed = UpdatesCursor(text: text) else {
                throw APIError(.badRequest, "bad_cursor", "the after cursor was not issued by this center")
            }
            cursor = parsed
        }
        try await consume(fields)
        let page = try await center.database.updates(station: station, after: cursor, limit: configuration.updatesPageSize)
        let catalogVersion = try await center.database.currentCatalogVersion()
        return try signed(
            UpdatesPage(
                decisions: page.decisions, cursor: page.cursor.text, more: page.more, catalogVersion: catalogVersion,
                centerPublicKey: center.keys.agreement.publicKey.base64, keyID: center.keys.agreement.keyID),
            nonce: fields.nonce)
    }

    private func auditHead(_ verified: VerifiedRequest) async throws -> Response {
        let (fields, key, body, station) = (verified.fields, verified.key, verified.body, verified.fields.station)
        let head: AuditHead
        do {
            head = try SyncJSON.decode(AuditHead.self, from: body)
        } catch {
            throw APIError(.badRequest, "malformed_body", error.description)
        }
        guard head.isValid(signedBy: key.key) else {
            throw APIError(.badRequest, "bad_audit_head", "the audit head is out of range or not signed with the station's key")
        }
        try await consume(fields)
        let answer = try await center.database.recordAuditHead(head, station: station, now: center.now)
        if let problem = answer.problem {
            logger.warning("station audit trail went backwards", metadata: ["station": "\(station)", "problem": "\(problem.rawValue)"])
        }
        return try signed(answer, nonce: fields.nonce)
    }

    private func health(_ verified: VerifiedRequest) async throws -> Response {
        let (fields, body, station) = (verified.fields, verified.body, verified.fields.station)
        let health: StationHealth
        do {
            health = try SyncJSON.decode(StationHealth.self, from: body)
        } catch {
            throw APIError(.badRequest, "malformed_body", error.description)
        }
        if let problem = health.outOfRange { throw APIError(.badRequest, "bad_health", problem) }
        try await consume(fields)
        let now = center.now
        try await center.database.recordHealth(health, station: station, now: now)
        return try signed(HealthAnswer(storedAt: now), nonce: fields.nonce)
    }

    private func noticePrints(_ verified: VerifiedRequest) async throws -> Response {
        let (fields, body, station) = (verified.fields, verified.body, verified.fields.station)
        let report: NoticePrints
        do {
            report = try SyncJSON.decode(NoticePrints.self, from: body)
        } catch {
            throw APIError(.badRequest, "malformed_body", error.description)
        }
        if let problem = report.outOfRange { throw APIError(.badRequest, "bad_notice_prints", problem) }
        try await consume(fields)
        let answer = try await center.recordNoticePrints(report.prints, station: station, calendar: configuration.calendar)
        return try signed(answer, nonce: fields.nonce)
    }

    private func ratings(_ verified: VerifiedRequest) async throws -> Response {
        let (fields, key, body, station) = (verified.fields, verified.key, verified.body, verified.fields.station)
        let report: StationRatings
        do {
            report = try SyncJSON.decode(StationRatings.self, from: body)
        } catch {
            throw APIError(.badRequest, "malformed_body", error.description)
        }
        if let problem = report.outOfRange { throw APIError(.badRequest, "bad_ratings", problem) }
        try await consume(fields)
        var answer = StationRatingsAnswer(recorded: [], refused: [])
        for signed in report.ratings {
            guard let rating = signed.verified(with: key.key),
                  try await center.recordRating(rating, channel: "kiosk", station: station, signature: signed.signature, calendar: configuration.calendar)
            else {
                answer.refused.append(signed.uuid)
                continue
            }
            answer.recorded.append(signed.uuid)
        }
        return try signed(answer, nonce: fields.nonce)
    }

    // MARK: Helpers

    /// Reads the body, at most `limit` bytes; a body over `LargeBodies.threshold` needs one of the
    /// few permits for large bodies in flight (503 `busy` when none is free).
    func collect(_ request: inout Request, limit: Int) async throws -> Data {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > limit {
            throw APIError(.contentTooLarge, "body_too_large", "request bodies are limited to \(limit) bytes")
        }
        let large = limit > LargeBodies.threshold && (declared ?? Int.max) > LargeBodies.threshold
        if large, !largeBodies.acquire() {
            throw APIError(.serviceUnavailable, "busy", "too many large requests at once; try again shortly")
        }
        defer { if large { largeBodies.release() } }
        do {
            return Data(try await request.collectBody(upTo: limit).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "request bodies are limited to \(limit) bytes")
        }
    }

    /// The signed fields of `request`, checked for shape and freshness from the headers alone.
    func signedFields(_ request: Request) throws -> RequestSignature {
        let headers = request.headers
        do throws(RequestAuthError) {
            let fields = try RequestAuthenticator.parse(
                method: request.method.rawValue, target: request.head.path ?? "/",
                header: { name in HeaderName(name).flatMap { headers[$0] } })
            try RequestAuthenticator.checkFreshness(fields, now: center.clock.now(), maxSkew: configuration.maxClockSkew)
            return fields
        } catch {
            throw APIError(error)
        }
    }

    /// The signed fields of a station route and the station's enrolled key, before the body is read.
    func stationFields(_ request: Request, station: String) async throws -> (RequestSignature, StationPublicKey) {
        let fields = try signedFields(request)
        guard fields.station == station else { throw APIError(.stationMismatch(header: fields.station, path: station)) }
        switch try await center.database.standing(of: station) {
        case .enrolled(let key): return (fields, key)
        case .revoked: throw APIError(.revokedStation(station))
        case .unknown: throw APIError(.unknownStation(station))
        }
    }

    func checkSignature(_ fields: RequestSignature, request: Request, body: Data, key: StationPublicKey) throws {
        let signature = HeaderName(SyncHeader.signature).flatMap { request.headers[$0] }
        do throws(RequestAuthError) {
            try RequestAuthenticator.checkSignature(fields, body: body, signature: signature, key: key.key)
        } catch {
            throw APIError(error)
        }
    }

    /// Refuses a body that is not declared as JSON (415).
    func requireJSON(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
    }

    private func consume(_ fields: RequestSignature) async throws {
        let now = center.now
        do {
            try await center.database.consumeNonce(
                fields.nonce, station: fields.station, now: now, expiresAt: now + Int64(2 * configuration.maxClockSkew))
        } catch {
            throw try APIError(refusing: error)
        }
    }

    private func inflatedBody(_ request: Request, body: Data) throws -> Data {
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity": return body
        case "gzip":
            do {
                return try Gzip.decompress(body, limit: configuration.maxBodyBytes)
            } catch {
                throw APIError(.badRequest, "bad_gzip", error.description)
            }
        case let other?:
            throw APIError(.unsupportedMediaType, "unsupported_encoding", "content encoding \(other) is not supported; use gzip")
        }
    }

    private func json(_ value: some Encodable, headers: HTTPFields) throws -> Response {
        let body = try SyncJSON.encode(value)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A 200 JSON answer signed by the center for the request with `nonce`.
    private func signed(_ value: some Encodable, nonce: String) throws -> Response {
        let body = try SyncJSON.encode(value)
        let signature = try center.keys.signer.signResponse(status: 200, requestNonce: nonce, body: body)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", HeaderName(SyncHeader.centerSignature)!: signature],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Permits for request bodies larger than `threshold` being read at once: a handful of 30 MiB uploads
/// cannot exhaust the center's memory.
final class LargeBodies: Sendable {
    /// Bodies up to this size need no permit.
    static let threshold = 1 << 20

    private let permits: Int
    private let inFlight = NIOLockedValueBox(0)

    init(permits: Int) {
        self.permits = permits
    }

    /// Takes a permit; false when all are taken.
    func acquire() -> Bool {
        inFlight.withLockedValue { count in
            guard count < permits else { return false }
            count += 1
            return true
        }
    }

    /// Returns a permit.
    func release() { inFlight.withLockedValue { $0 -= 1 } }
}
