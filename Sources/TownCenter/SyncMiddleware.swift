import Foundation
import Hummingbird
import KioskSecurity
import Logging
import SyncProtocol

/// The request context of the sync API: what `StationAuthentication` verified about the request.
public struct SyncRequestContext: RequestContext {
    /// Hummingbird's own storage.
    public var coreContext: CoreRequestContextStorage
    /// Set by `StationAuthentication` on the station routes.
    var verified: VerifiedRequest?

    /// A context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The verified request, which every station route has (its middleware runs first).
    func verifiedRequest() throws -> VerifiedRequest {
        guard let verified else {
            throw APIError(.internalServerError, "internal", "the route is not behind station authentication")
        }
        return verified
    }
}

/// A station request whose signature checked: its signed fields, the station's enrolled key, and
/// the body (as sent) the signature covers.
struct VerifiedRequest: Sendable {
    let fields: RequestSignature
    let key: StationPublicKey
    let body: Data
}

/// Authenticates a station route before its handler runs, cheapest checks first: the signing
/// headers parsed and fresh, the station the path names and enrolled (not revoked), a POST body
/// declared as JSON, the body read within `bodyLimit`, then the signature over all of it.
/// The nonce is consumed by the handler, in the same transaction as what the request does.
struct StationAuthentication: RouterMiddleware {
    typealias Context = SyncRequestContext
    let api: CenterAPI
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let (fields, key) = try await api.stationFields(request, station: try context.parameters.require("station"))
        if request.method == .post { try api.requireJSON(request) }
        var request = request
        let body = try await api.collect(&request, limit: bodyLimit)
        try api.checkSignature(fields, request: request, body: body, key: key)
        api.metrics.seen(fields.station, now: api.center.now)
        var context = context
        context.verified = VerifiedRequest(fields: fields, key: key, body: body)
        return try await next(request, context)
    }
}

/// Counts every refusal in memory (persisted by `CenterServer` every few seconds), logs at most one
/// line per code per interval, and answers a center failure with a 500 that does not reveal it.
struct RefusalAccounting: RouterMiddleware {
    typealias Context = SyncRequestContext
    let center: Center
    let logger: Logger
    let metrics: CenterMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            guard error.status != .internalServerError else { throw error }
            metrics.refused(error.code)
            let (log, suppressed) = center.refusals.count(error.code, now: center.now)
            if log {
                logger.warning(
                    "request refused",
                    metadata: ["code": "\(error.code)", "detail": "\(error.message)", "suppressed since the last line": "\(suppressed)"])
            }
            throw error
        } catch let error as CenterError {
            logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "internal", "the center could not handle the request; try again later")
        }
    }
}
