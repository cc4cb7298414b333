import Foundation
import KioskConfig
import KioskCore
import KioskRuntime
import KioskSecurity
import KioskStore
import KioskUI
import Terminal

/// Keypress to frame on the form screen, through the real runtime on a pseudo-terminal: idle, and
/// while a print and a forwarding round are in flight (each blocking its thread, as CUPS calls and
/// a round's fsync'd writes do), in the same run.
enum KeypressBenchmarks {
    static func run(configuration: KioskConfiguration, directory: String, keys: Int) async throws {
        print("== ui: keypress to frame on the form screen (key written to the terminal -> frame read back)")
        let dir = directory + "/bianmin-bench-keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = StationFiles(dataDirectory: dir)
        let (identity, _) = try files.initialize()
        let queue = try files.openQueue()
        let submitter = Submitter(
            station: configuration.station.station, catalogVersion: configuration.catalog.version, identity: identity,
            centerKey: try files.centerKey(configuredPath: configuration.station.centerPublicKeyPath), queue: queue)
        let assistants = Assistants(queue.database)
        _ = try assistants.add(id: "B01", name: "测试", pin: "2468", hasher: PINHasher(parameters: .fastForTesting), at: Date())
        let environment = KioskEnvironment(
            station: configuration.station, catalog: configuration.catalog, strings: try UIStrings.bundled(),
            search: try MatterSearch.bundled(), candidates: nil)
        let gate = BlockingGate()
        let app = KioskApp(
            environment: environment, submitter: submitter, assistants: assistants, printer: BlockingPrinter(gate: gate),
            sync: BlockingSync(gate: gate))
        let idle = try await measure(app, keys: keys, busy: nil)
        let busy = try await measure(app, keys: keys, busy: gate)
        print("  idle: p50 \(ms(idle.median)), p99 \(ms(idle.percentile(0.99)))   goal: p99 under 16 ms")
        print("  print and forward round in flight: p50 \(ms(busy.median)), p99 \(ms(busy.percentile(0.99)))   goal: p99 under 16 ms")
    }

    /// Runs the kiosk on a new pseudo-terminal, goes to the form screen (starting a slow guide print
    /// and a slow forwarding round on the way when `busy` holds them) and times `keys` keys.
    private static func measure(_ app: KioskApp, keys: Int, busy: BlockingGate?) async throws -> Samples {
        var master: Int32 = 0, slave: Int32 = 0
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw BenchFailure("openpty failed") }
        defer {
            close(master)
            close(slave)
        }
        let session: TerminalSession
        do {
            session = try TerminalSession(input: slave, output: slave, options: .init(residentMode: false, tickInterval: nil))
        } catch {
            throw BenchFailure("\(error)")
        }
        let running = Task { await app.run(on: session) }
        defer { session.restore() }
        // The terminal side is driven from a thread of its own: its blocking reads stay off the cooperative pool.
        let driver = Driver(master: master)
        let result: Result<Samples, BenchFailure> = await withCheckedContinuation { continuation in
            Thread {
                do {
                    try driver.settle()
                    if busy != nil {
                        // An assistant starts a forwarding round, then (back on the home screen) prints a service guide.
                        for key in ["4", "B01\r", "2468\r"] { try driver.press(key) }
                        driver.pressQuietly("4")  // sync now: the screen stays
                        try driver.press("0")
                    }
                    // Guide -> by department -> first department -> first matter's guide.
                    for key in ["3", "1", "1", "1"] { try driver.press(key) }
                    if busy != nil { driver.pressQuietly("1") }  // print the guide: the screen stays
                    try driver.press("2")  // apply: the form's first question
                    try driver.press("\r")  // past the opening note, to the applicant's name (no pinyin: one key, one character)
                    var samples = Samples()
                    for index in 0..<keys {
                        let key = index % 2 == 0 ? "x" : "\u{7F}"
                        samples.values.append(try driver.timedPress(key))
                    }
                    if let busy, busy.held != 2 {
                        throw BenchFailure("\(busy.held) of the print and the forwarding round were in flight, not both")
                    }
                    continuation.resume(returning: .success(samples))
                } catch let failure as BenchFailure {
                    continuation.resume(returning: .failure(failure))
                } catch {
                    continuation.resume(returning: .failure(BenchFailure("\(error)")))
                }
            }.start()
        }
        busy?.open()
        session.restore()
        await running.value
        return try result.get()
    }
}

/// The terminal's side of the pseudo-terminal.
private struct Driver: Sendable {
    let master: Int32

    /// Reads until the kiosk has been quiet for 100 ms; fails when nothing came within 5 s.
    func settle() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var got = false
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, got ? 100 : 5000) > 0 {
            guard read(master, &buffer, buffer.count) > 0 else { break }
            got = true
        }
        guard got else { throw BenchFailure("the kiosk drew nothing within 5 s") }
    }

    func write(_ key: String) {
        let bytes = Array(key.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
    }

    /// Presses a key that may change nothing on the screen, and lets whatever it draws go by.
    func pressQuietly(_ key: String) {
        write(key)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 200) > 0, read(master, &buffer, buffer.count) > 0 {}
    }

    /// Presses `key` and waits for the screen to settle.
    func press(_ key: String) throws {
        write(key)
        try settle()
    }

    /// Presses `key` and returns the milliseconds until its frame is read back (a frame is one write).
    func timedPress(_ key: String) throws -> Double {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let start = DispatchTime.now().uptimeNanoseconds
        write(key)
        guard poll(&poller, 1, 5000) > 0, read(master, &buffer, buffer.count) > 0 else {
            throw BenchFailure("no frame within 5 s of a key")
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
}

/// Holds adapter threads until it opens.
private final class BlockingGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    private var holding = 0

    /// Threads held now.
    var held: Int {
        condition.lock()
        defer { condition.unlock() }
        return holding
    }

    func hold() {
        condition.lock()
        holding += 1
        while !isOpen { condition.wait() }
        holding -= 1
        condition.unlock()
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A printer whose jobs block their thread until the benchmark ends (CUPS calls block their thread).
private struct BlockingPrinter: KioskPrinting {
    let gate: BlockingGate
    func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult { block() }
    func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult { block() }
    func printGuide(_ matter: Matter) async -> PrintResult { block() }
    func printNotice(_ notice: StationNotice, receipt: String) async -> PrintResult { block() }
    private func block() -> PrintResult {
        gate.hold()
        return .printed
    }
}

/// A forwarding round that blocks its thread until the benchmark ends.
private struct BlockingSync: QueueSyncing {
    let gate: BlockingGate
    func syncNow() async -> (key: String, arguments: [String]) { block() }
    private func block() -> (key: String, arguments: [String]) {
        gate.hold()
        return ("sync.done", ["0", "0"])
    }
}
