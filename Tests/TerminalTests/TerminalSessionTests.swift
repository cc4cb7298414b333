#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

@testable import Terminal

private func same(_ a: termios, _ b: termios) -> Bool {
    withUnsafeBytes(of: a) { first in withUnsafeBytes(of: b) { second in first.elementsEqual(second) } }
}

/// Reads events until one matches, failing (instead of hanging) if the stream ends first; a watchdog
/// restores the session after a few seconds, which ends the stream.
private func nextEvent(
    _ iterator: inout AsyncStream<TerminalEvent>.Iterator, where matches: (TerminalEvent) -> Bool
) async -> TerminalEvent? {
    while let event = await iterator.next() {
        if matches(event) { return event }
    }
    return nil
}

private func watchdog(_ session: TerminalSession) -> Task<Void, Never> {
    Task {
        try? await Task.sleep(for: .seconds(10))
        session.restore()
    }
}

@Suite(.serialized) struct TerminalSessionTests {
    @Test func rawModeAlternateScreenAndRestore() throws {
        let pty = try PseudoTerminal()
        let original = pty.settings
        #expect(original.c_lflag & tcflag_t(ICANON) != 0)
        pty.resize(width: 100, height: 30)
        let session = try TerminalSession(input: pty.slave, output: pty.slave, options: .init(tickInterval: nil))
        let raw = pty.settings
        #expect(raw.c_lflag & tcflag_t(ICANON | ECHO | ISIG | IEXTEN) == 0)
        #expect(raw.c_iflag & tcflag_t(ICRNL | IXON) == 0)
        #expect(session.size == (100, 30))
        var screen = Screen(width: 100, height: 30)
        screen.put(text: "你好，村民", row: 2, col: 4)
        session.draw(screen)
        let shown = pty.output()
        #expect(shown.hasPrefix("\u{1B}[?1049h"))
        #expect(shown.contains("\u{1B}[?2004h"))
        #expect(shown.contains("你好，村民"))
        session.restore()
        session.restore()  // a second call changes nothing
        #expect(same(pty.settings, original))
        let after = pty.output()
        #expect(after.contains("\u{1B}[?1049l"))
        #expect(after.contains("\u{1B}[?25h"))
        #expect(after.ranges(of: "\u{1B}[?1049l").count == 1)
        session.draw(screen)  // ignored once restored
        #expect(pty.output().isEmpty)
    }

    @Test func keysResizeAndLoneEscapeArriveAsEvents() async throws {
        let pty = try PseudoTerminal()
        let original = pty.settings
        let session = try TerminalSession(input: pty.slave, output: pty.slave, options: .init(tickInterval: .milliseconds(20)))
        let guardTask = watchdog(session)
        defer { guardTask.cancel() }
        var events = session.events().makeAsyncIterator()
        let event1 = await nextEvent(&events) { $0 == .tick }
        #expect(event1 == .tick)
        pty.type("\u{1B}[A张三\r\u{03}")
        var keys: [KeyEvent] = []
        while keys.count < 4, let event = await nextEvent(&events, where: { if case .key = $0 { true } else { false } }) {
            if case .key(let key) = event { keys.append(key) }
        }
        #expect(keys == [.up, .text("张三"), .enter, .control("c")])  // Ctrl-C is only a key
        pty.type("\u{1B}")
        let event2 = await nextEvent(&events) { $0 == .key(.escape) }
        #expect(event2 == .key(.escape))
        pty.resize(width: 90, height: 25)
        kill(getpid(), SIGWINCH)
        let event3 = await nextEvent(&events) { if case .resize = $0 { true } else { false } }
        #expect(event3 == .resize(width: 90, height: 25))
        session.restore()
        // Ticks queued before the restore may still be delivered (a loaded machine queues some); then the stream ends.
        let event4 = await nextEvent(&events) { $0 != .tick }
        #expect(event4 == nil)
        #expect(same(pty.settings, original))
    }

    @Test func sigtermRestoresTheTerminalAndEndsTheStream() async throws {
        let pty = try PseudoTerminal()
        let original = pty.settings
        let session = try TerminalSession(input: pty.slave, output: pty.slave, options: .init(residentMode: true, tickInterval: nil))
        let guardTask = watchdog(session)
        defer { guardTask.cancel() }
        var events = session.events().makeAsyncIterator()
        // In resident mode SIGINT, SIGQUIT and SIGTSTP do nothing: the kiosk keeps running.
        kill(getpid(), SIGINT)
        kill(getpid(), SIGQUIT)
        kill(getpid(), SIGTSTP)
        pty.type("x")
        let event5 = await nextEvent(&events) { _ in true }
        #expect(event5 == .key(.text("x")))
        #expect(!same(pty.settings, original))
        kill(getpid(), SIGTERM)
        let event6 = await nextEvent(&events) { _ in true }
        #expect(event6 == .terminated(signal: SIGTERM))
        let event7 = await nextEvent(&events) { _ in true }
        #expect(event7 == nil)
        #expect(same(pty.settings, original))
        let output = pty.output()
        #expect(output.hasPrefix("\u{1B}[?1049h"))
        #expect(output.hasSuffix("\u{1B}[?1049l"))
    }

    @Test func sigintEndsASessionOutsideResidentMode() async throws {
        let pty = try PseudoTerminal()
        let original = pty.settings
        let session = try TerminalSession(input: pty.slave, output: pty.slave, options: .init(residentMode: false, tickInterval: nil))
        let guardTask = watchdog(session)
        defer { guardTask.cancel() }
        var events = session.events().makeAsyncIterator()
        kill(getpid(), SIGINT)
        let event = await nextEvent(&events) { _ in true }
        #expect(event == .terminated(signal: SIGINT))
        #expect(same(pty.settings, original))
    }

    @Test func closedInputEndsTheStream() async throws {
        var pty: PseudoTerminal? = try PseudoTerminal()
        let slave = dup(pty!.slave)
        defer { close(slave) }
        let session = try TerminalSession(input: slave, output: slave, options: .init(tickInterval: nil))
        let guardTask = watchdog(session)
        defer { guardTask.cancel() }
        var events = session.events().makeAsyncIterator()
        pty = nil  // the terminal goes away: reads fail with EIO
        let event8 = await nextEvent(&events) { _ in true }
        #expect(event8 == .inputClosed)
        let event9 = await nextEvent(&events) { _ in true }
        #expect(event9 == nil)
        session.restore()
    }

    @Test func refusesSomethingThatIsNotATerminal() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { fds.forEach { close($0) } }
        #expect(throws: TerminalError.notATerminal(fileDescriptor: fds[0])) {
            try TerminalSession(input: fds[0], output: fds[1])
        }
    }
}

