import Foundation
import Hummingbird
import HummingbirdCore
import KioskCore
import Logging
import ServiceLifecycle

/// Server settings; every field has a sensible default.
public struct CenterConfiguration: Sendable {
    /// Address to bind.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Largest allowed difference between a station's clock and the center's, in seconds;
    /// nonces are remembered for twice as long.
    public var maxClockSkew: TimeInterval
    /// Largest request body accepted, before and after gzip.
    public var maxBodyBytes: Int
    /// Largest enrolment (or updates) request body.
    public var maxEnrolBytes: Int
    /// Most request bodies over 1 MiB read at once.
    public var maxLargeBodies: Int
    /// Most items in one batch.
    public var maxBatchItems: Int
    /// Most decisions in one updates page.
    public var updatesPageSize: Int
    /// Seconds a connection may stay open with no request in progress.
    public var idleTimeout: Int
    /// Seconds to receive a request's head, from the connection or the end of the previous request.
    public var headerTimeout: Int
    /// Seconds to receive a request's body once its head arrived.
    public var bodyTimeout: Int
    /// Most connections open at once; lowered at start so that the open-file limit is never reached.
    public var maxConnections: Int
    /// Most connections open at once from one client address.
    public var maxConnectionsPerAddress: Int
    /// Address of the `/metrics` and `/health` listener.
    public var metricsHost: String = "127.0.0.1"
    /// Port of that listener (0: any free port); nil: no such listener.
    public var metricsPort: Int?
    /// Seconds without a request after which an enrolled station counts as silent (`bianmin_stations_silent`).
    public var silentAfter: Int = 3 * 3600
    /// The working days a step reported by a station (a delivery by its print) counts deadlines with.
    public var calendar = WorkingDayCalendar(schedules: [])

    /// Settings with defaults: 127.0.0.1:8630, ±300 s skew, 32 MiB bodies, 1,000 items, 200 decisions;
    /// connections idle 30 s, heads within 10 s, bodies within 120 s, 512 connections, 64 per address;
    /// enrolments up to 8 KiB, four bodies over 1 MiB at once.
    public init(
        host: String = "127.0.0.1", port: Int = 8630, maxClockSkew: TimeInterval = 300, maxBodyBytes: Int = 32 << 20,
        maxBatchItems: Int = 1000, updatesPageSize: Int = 200, idleTimeout: Int = 30, headerTimeout: Int = 10,
        bodyTimeout: Int = 120, maxConnections: Int = 512, maxConnectionsPerAddress: Int = 64, maxEnrolBytes: Int = 8 << 10,
        maxLargeBodies: Int = 4
    ) {
        self.maxEnrolBytes = maxEnrolBytes
        self.maxLargeBodies = maxLargeBodies
        self.host = host
        self.port = port
        self.maxClockSkew = maxClockSkew
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchItems = maxBatchItems
        self.updatesPageSize = updatesPageSize
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
    }

    /// `maxConnections`, lowered to leave `reserve` descriptors of the soft open-file limit for the
    /// database, logs and the process itself.
    func connectionCap(reserve: Int = 64) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else { return maxConnections }
        return max(8, min(maxConnections, Int(clamping: limit.rlim_cur) - reserve))
    }
}

/// The town center's HTTP server, as a ServiceLifecycle service.
public struct CenterServer: Service {
    let center: Center
    let configuration: CenterConfiguration
    let logger: Logger
    let onListening: @Sendable (_ port: Int) async -> Void
    let onMetricsListening: @Sendable (_ port: Int) async -> Void

    /// A server for `center`; `onListening` receives the bound port once it listens, and
    /// `onMetricsListening` the metrics listener's.
    public init(
        center: Center, configuration: CenterConfiguration = CenterConfiguration(), logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
        onMetricsListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.center = center
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.onMetricsListening = onMetricsListening
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let onListening = onListening
        let configuration = configuration
        let cap = configuration.connectionCap()
        // One address never holds more than half of all connections, so the others always get in.
        let ledger = ConnectionLedger(perAddress: max(1, min(configuration.maxConnectionsPerAddress, cap / 2)))
        let metrics = CenterMetrics(now: center.now)
        let application = Application(
            router: CenterAPI(center: center, configuration: configuration, logger: logger, metrics: metrics).router(),
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [
                        ConnectionGuard(
                            ledger: ledger, headerTimeout: .seconds(Int64(configuration.headerTimeout)),
                            bodyTimeout: .seconds(Int64(configuration.bodyTimeout)),
                            keepAliveTimeout: .seconds(Int64(configuration.idleTimeout + configuration.headerTimeout)))
                    ],
                    idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "bianmin-towncenter",
                availableConnectionsDelegate: MaximumAvailableConnections(cap, logger: logger)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let center = center
        // Refusals are counted in memory and written every few seconds, and once more on the way out.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            if let port = configuration.metricsPort {
                let monitoring = Application(
                    router: metricsRouter(metrics),
                    configuration: ApplicationConfiguration(
                        address: .hostname(configuration.metricsHost, port: port), serverName: "bianmin-towncenter-metrics"),
                    onServerRunning: { [onMetricsListening] channel in await onMetricsListening(channel.localAddress?.port ?? 0) },
                    logger: logger)
                group.addTask { try await monitoring.run() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    await center.refusals.flush(to: center.database)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
        await center.refusals.flush(to: center.database)
    }

    /// `GET /metrics` (Prometheus text) and `GET /health` (200 while the database answers, else 503).
    private func metricsRouter(_ metrics: CenterMetrics) -> Router<BasicRequestContext> {
        let router = Router()
        let (center, silentAfter, logger) = (center, Int64(configuration.silentAfter), logger)
        router.get("/metrics") { _, _ -> Response in
            do {
                let text = try await metrics.exposition(center: center, silentAfter: silentAfter)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            } catch {
                logger.error("metrics failed", metadata: ["error": "\(error)"])
                return Response(status: .serviceUnavailable)
            }
        }
        router.get("/health") { _, _ -> Response in
            let healthy = await center.database.answers()
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: healthy ? "ok\n" : "database unavailable\n")))
        }
        return router
    }
}
