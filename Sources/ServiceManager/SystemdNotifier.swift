import CSystemd
import Executors
import Glibc
import ServiceLifecycle

/// Tells systemd through `sd_notify` that a service is ready, alive (its watchdog) and stopping;
/// does nothing when systemd did not start the process (no `NOTIFY_SOCKET`).
public struct SystemdNotifier: Service {
    /// Whether systemd listens for notifications from this process.
    public static var isSupervised: Bool { getenv("NOTIFY_SOCKET") != nil }

    private let readiness: Readiness
    private let status: String
    private let alive: @Sendable () async -> Bool
    private let executor = BlockingWorkExecutor(label: "sd_notify")

    /// A notifier that sends `READY=1` (with `status`) once `readiness` is complete, then
    /// `WATCHDOG=1` at half the unit's `WatchdogSec=` while `alive` says so, and `STOPPING=1` on
    /// graceful shutdown.
    public init(readiness: Readiness, status: String, alive: @escaping @Sendable () async -> Bool = { true }) {
        self.readiness = readiness
        self.status = status
        self.alive = alive
    }

    public func run() async throws {
        // Unsupervised, it still runs until the graceful shutdown: a ServiceGroup takes a service that
        // returns early for one that failed, and would stop the whole program.
        guard Self.isSupervised else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown { try await readiness.wait() }
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return await notify("STOPPING=1") }
        await notify("READY=1\nSTATUS=\(status)")
        var microseconds: UInt64 = 0
        if sd_watchdog_enabled(0, &microseconds) > 0 {
            // Half the interval, as sd_watchdog_enabled(3) advises; at least 10 ms.
            let period = Duration.microseconds(Int64(clamping: max(microseconds / 2, 10_000)))
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                if await alive() { await notify("WATCHDOG=1") }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
            }
        } else {
            try? await gracefulShutdown()
        }
        await notify("STOPPING=1")
    }

    /// Sends one notification; sd_notify writes to a datagram socket, which can block, so it runs off the pool.
    private func notify(_ state: String) async {
        await withTaskExecutorPreference(executor) { _ = sd_notify(0, state) }
    }
}

/// A service's start-up, complete when each of its parts has said it is ready (a listener bound, a
/// terminal drawn).
public final class Readiness: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let parts: Int

    /// Readiness of a start-up with `parts` parts.
    public init(parts: Int) {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        self.parts = parts
    }

    /// Marks one part ready.
    public func partReady() {
        continuation.yield()
    }

    /// Waits until every part is ready; throws `CancellationError` when cancelled first.
    func wait() async throws {
        var ready = 0
        guard parts > 0 else { return }
        for await _ in stream {
            ready += 1
            if ready >= parts { return }
        }
        try Task.checkCancellation()
    }
}
