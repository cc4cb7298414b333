import Dispatch

/// An executor for work that blocks its thread (fsync'd SQLite writes, scrypt PIN checks, CUPS calls,
/// PDF rendering, a forwarding round's writes): a serial dispatch queue of its own, outside Swift's
/// cooperative pool, so that none of it holds a thread that other tasks need (the kiosk's terminal
/// events and frames above all). Serial queues get a thread even when others block; a shared
/// concurrent queue is limited to one thread per core, like the pool.
public final class BlockingWorkExecutor: TaskExecutor, Sendable {
    private let queue: DispatchQueue

    /// An executor on a new serial queue named `label`.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
