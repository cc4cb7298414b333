import Dispatch
import Foundation
import KioskCore
import KioskRuntime
import KioskSecurity
import KioskStore
import Terminal
import Testing
import TestSupport

@testable import KioskUI

/// Holds the threads of adapters that block (as CUPS calls and fsync'd writes do) until it opens,
/// and tells the test how many are held.
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    private var heldCount = 0
    private var waiters: [(count: Int, continuation: CheckedContinuation<Bool, Never>)] = []

    /// Blocks the calling thread until the gate opens.
    func hold() {
        condition.lock()
        heldCount += 1
        let ready = waiters.filter { $0.count <= heldCount }
        waiters.removeAll { $0.count <= heldCount }
        ready.forEach { $0.continuation.resume(returning: true) }
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    /// Whether `count` threads are held (false when the gate opened first).
    func holds(_ count: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if heldCount >= count || isOpen {
                continuation.resume(returning: heldCount >= count)
            } else {
                waiters.append((count, continuation))
            }
        }
    }

    /// Lets every held thread go.
    func open() {
        condition.lock()
        isOpen = true
        waiters.forEach { $0.continuation.resume(returning: false) }
        waiters = []
        condition.broadcast()
        condition.unlock()
    }
}

/// A printer whose every job blocks its thread until the gate opens (CUPS calls block their thread).
private struct SlowPrinter: KioskPrinting {
    let gate: Gate
    func printReceipt(_ summary: SubmissionSummary, matter: Matter) async -> PrintResult { block() }
    func printApplicationForm(_ summary: SubmissionSummary, matter: Matter, answers: Answers, assistant: Assistant?) async -> PrintResult { block() }
    func printGuide(_ matter: Matter) async -> PrintResult { block() }
    func printNotice(_ notice: StationNotice, receipt: String) async -> PrintResult { block() }
    private func block() -> PrintResult {
        gate.hold()
        return .printed
    }
}

/// A forwarding round that blocks its thread until the gate opens.
private struct SlowSync: QueueSyncing {
    let gate: Gate
    func syncNow() async -> (key: String, arguments: [String]) { block() }
    private func block() -> (key: String, arguments: [String]) {
        gate.hold()
        return ("sync.done", ["0", "0"])
    }
}

/// Collects what the kiosk writes to the terminal, on a dispatch queue (not on the cooperative pool).
private final class TerminalOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var finished = false
    private var waiters: [(needle: String, continuation: CheckedContinuation<Bool, Never>)] = []
    private let source: any DispatchSourceRead

    init(master: Int32) {
        source = DispatchSource.makeReadSource(fileDescriptor: master, queue: DispatchQueue(label: "test.terminal-output"))
        source.setEventHandler { [unowned self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return }
            self.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        source.resume()
    }

    private func append(_ more: String) {
        lock.lock()
        text += more
        var ready: [CheckedContinuation<Bool, Never>] = []
        waiters.removeAll { waiter in
            guard take(waiter.needle) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        lock.unlock()
        ready.forEach { $0.resume(returning: true) }
    }

    /// Drops the output up to and including `needle`, if it is there (the lock is held).
    private func take(_ needle: String) -> Bool {
        guard let range = text.range(of: needle) else { return false }
        text = String(text[range.upperBound...])
        return true
    }

    /// Whether `needle` is drawn after what earlier questions found (false when output stopped
    /// being watched first).
    func shows(_ needle: String) async -> Bool {
        await withCheckedContinuation { continuation in
            lock.lock()
            let found = take(needle)
            let done = found || finished
            if !done { waiters.append((needle, continuation)) }
            lock.unlock()
            if done { continuation.resume(returning: found) }
        }
    }

    /// Stops watching; pending questions are answered "no".
    func finish() {
        source.cancel()
        lock.lock()
        finished = true
        let pending = waiters
        waiters = []
        lock.unlock()
        pending.forEach { $0.continuation.resume(returning: false) }
    }
}

@Suite(.serialized) struct ResponsivenessTests {
    /// More slow prints than the cooperative pool has threads, and a forwarding round, all blocking
    /// their threads: a key typed meanwhile is still drawn.
    @Test func keysAreDrawnWhileSlowPrintsAndAForwardRoundBlock() async throws {
        let directory = try TemporaryDirectory()
        let base = try runtime(in: directory, clock: ManualClock(start))
        _ = try base.assistants.add(id: "A01", name: "王五", pin: "2468", hasher: PINHasher(parameters: .fastForTesting), at: start)
        let answers: Answers = [
            "name": .text("张三"), "id_number": .text(residentID(born: "19500101")), "phone": .text("13800138000"),
            "address": .text("大桥村5号"), "residence": .text("local"), "pickup": .text("village"),
        ]
        _ = try base.submitter.submit(matter: try #require(demo.catalog.matter("MZ-QT-01")), answers: answers, channel: .selfService)
        let gate = Gate()
        let app = KioskApp(
            environment: base.environment, submitter: base.submitter, assistants: base.assistants, printer: SlowPrinter(gate: gate),
            sync: SlowSync(gate: gate), clock: base.clock)
        let pty = try PseudoTerminal()
        pty.resize(width: 80, height: 24)
        let session = try TerminalSession(input: pty.slave, output: pty.slave, options: .init(tickInterval: nil))
        let output = TerminalOutput(master: pty.master)
        // A watchdog off the cooperative pool: whatever happens, the test ends (failing) instead of hanging.
        // It is generous because other suites running meanwhile may hold the pool's threads for a while.
        let watchdog = DispatchWorkItem {
            output.finish()
            gate.open()
            session.restore()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let running = Task { await app.run(on: session) }

        #expect(await output.shows("欢迎使用村便民服务站"))
        pty.type("4")
        #expect(await output.shows("连续输错"))  // the login screen
        pty.type("A01\r")
        pty.type("2468\r")
        #expect(await output.shows("立即发送到镇中心"))  // the assistant's menu
        pty.type("3")
        #expect(await output.shows("待发送"))  // the queue, loaded
        // One key at a time: keys that arrive together are read as one text.
        let prints = ProcessInfo.processInfo.activeProcessorCount + 1
        for count in 1...prints {
            pty.type("1")  // choose the first application
            #expect(await output.shows("的回执?"), "reprint \(count) was not asked for")
            pty.type("1")  // and say yes
            #expect(await gate.holds(count), "reprint \(count) did not start")
        }
        pty.type("0")
        #expect(await output.shows("立即发送到镇中心"))
        pty.type("4")
        #expect(await gate.holds(prints + 1), "the forwarding round did not start")
        // Everything is blocked now; a key must still be drawn.
        pty.type("2")
        #expect(await output.shows("请输入回执编号"), "the key typed during the slow print and forward round was not drawn")

        watchdog.cancel()
        gate.open()
        session.restore()
        await running.value
        output.finish()
    }
}
