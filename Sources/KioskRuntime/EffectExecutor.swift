import Dispatch

/// The executor one effect runs on: a serial dispatch queue of its own, outside Swift's cooperative
/// pool. Effects do blocking work (fsync'd SQLite writes, scrypt PIN checks, CUPS calls that block
/// their thread, PDF rendering, a forwarding round's writes); on their own queues none of it holds a
/// thread that the terminal's events and frames need, so a key is drawn at once meanwhile. (Serial
/// queues get a thread even when others block; a shared concurrent queue is limited to one thread
/// per core, like the pool.)
final class EffectExecutor: TaskExecutor, Sendable {
    private let queue = DispatchQueue(label: "bianmin.kiosk.effect")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
