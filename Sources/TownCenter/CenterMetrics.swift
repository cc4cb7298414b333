import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import SyncProtocol

/// The center's metrics, named `bianmin_…`, in a registry of its own (not the process-wide one), so
/// that two centers in one process never mix their figures.
public final class CenterMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let lastSeen = NIOLockedValueBox<[String: Int64]>([:])
    private let startedAt: Int64

    /// Metrics starting now (`now`, Unix seconds: stations not heard from since count from here).
    public init(now: Int64) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["bianmin_ingest_seconds"] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map {
            Duration.milliseconds(Int64($0 * 1000))
        }
        self.factory = factory
        startedAt = now
    }

    /// Items of a batch by outcome (stored, duplicate, conflict, rejected).
    func record(_ results: [ItemResult], took duration: Duration) {
        for (outcome, count) in Dictionary(grouping: results, by: \.outcome).mapValues(\.count) {
            Counter(label: "bianmin_items_total", dimensions: [("outcome", outcome.rawValue)], factory: factory).increment(by: count)
        }
        Metrics.Timer(label: "bianmin_ingest_seconds", factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// A refused request, by its code (codes are the center's own: a bounded set).
    func refused(_ code: String) {
        Counter(label: "bianmin_refused_requests_total", dimensions: [("reason", code)], factory: factory).increment()
    }

    /// A station's request whose signature checked.
    func seen(_ station: String, now: Int64) {
        lastSeen.withLockedValue { $0[station] = now }
    }

    /// The Prometheus text exposition, with the gauges read now: database size, notifications no
    /// county department has signed for, and the enrolled stations not heard from for `silentAfter`
    /// seconds (since this server started, for those not heard from at all).
    func exposition(center: Center, silentAfter: Int64) async throws(CenterError) -> String {
        let now = center.now
        let stations = try await center.database.enrolledStations()
        let seen = lastSeen.withLockedValue { $0 }
        let silent = stations.filter { now - (seen[$0] ?? startedAt) > silentAfter }.count
        Gauge(label: "bianmin_stations_enrolled", factory: factory).record(stations.count)
        Gauge(label: "bianmin_stations_silent", factory: factory).record(silent)
        let size = ["", "-wal"].reduce(Int64(0)) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: center.directory.database + suffix)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
        Gauge(label: "bianmin_database_bytes", factory: factory).record(size)
        Gauge(label: "bianmin_notifications_queued", factory: factory).record(try await center.database.queuedNotifications())
        return registry.emitToString()
    }
}
