import Foundation
import Hummingbird
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
    /// Most items in one batch.
    public var maxBatchItems: Int
    /// Most decisions in one updates page.
    public var updatesPageSize: Int

    /// Settings with defaults: 127.0.0.1:8630, ±300 s skew, 32 MiB bodies, 1,000 items, 200 decisions.
    public init(
        host: String = "127.0.0.1", port: Int = 8630, maxClockSkew: TimeInterval = 300, maxBodyBytes: Int = 32 << 20,
        maxBatchItems: Int = 1000, updatesPageSize: Int = 200
    ) {
        self.host = host
        self.port = port
        self.maxClockSkew = maxClockSkew
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchItems = maxBatchItems
        self.updatesPageSize = updatesPageSize
    }
}

/// The town center's HTTP server, as a ServiceLifecycle service.
public struct CenterServer: Service {
    let center: Center
    let configuration: CenterConfiguration
    let logger: Logger
    let onListening: @Sendable (_ port: Int) async -> Void

    /// A server for `center`; `onListening` receives the bound port once it listens.
    public init(
        center: Center, configuration: CenterConfiguration = CenterConfiguration(), logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.center = center
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let onListening = onListening
        let application = Application(
            router: CenterAPI(center: center, configuration: configuration, logger: logger).router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "bianmin-towncenter"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }
}
