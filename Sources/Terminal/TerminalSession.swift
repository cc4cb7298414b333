// Over 300 lines in one file: the terminal's raw mode, signals, size and output are one resource with one lifetime.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Something that happened at the terminal.
public enum TerminalEvent: Hashable, Sendable {
    /// A decoded key or text.
    case key(KeyEvent)
    /// The window changed size; redraw at the new size.
    case resize(width: Int, height: Int)
    /// The periodic timer fired (idle timeouts, clocks).
    case tick
    /// SIGTERM or SIGHUP (or SIGINT/SIGQUIT outside resident mode) arrived; the terminal is already
    /// restored and the stream ends: the application should exit.
    case terminated(signal: Int32)
    /// The input reached end of file or failed (the terminal went away); the stream ends.
    case inputClosed
}

/// Why a terminal session could not start.
public enum TerminalError: Error, CustomStringConvertible, Equatable {
    /// The file descriptor is not a terminal.
    case notATerminal(fileDescriptor: Int32)
    /// A system call failed.
    case systemCallFailed(call: String, errno: Int32)

    /// A one-line explanation for the operator's log.
    public var description: String {
        switch self {
        case .notATerminal(let fd):
            "file descriptor \(fd) is not a terminal: run the kiosk on a terminal (kmscon, foot, xterm)"
        case .systemCallFailed(let call, let code):
            "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// The terminal in full-screen application mode: raw input, alternate screen, hidden cursor,
/// bracketed paste, no auto-wrap.
///
/// Creating a session switches the terminal over; `restore()` (also run at `exit`, on SIGTERM and
/// SIGHUP, and on SIGINT/SIGQUIT outside resident mode) switches it back to exactly the saved
/// settings. Signals are received through dispatch sources, so restoring runs on a normal queue,
/// never inside a signal handler.
/// Raw mode turns off the keys that send signals, so Ctrl-C, Ctrl-\ and Ctrl-Z arrive as ordinary
/// `.control` keys. SIGTSTP is always ignored; SIGINT and SIGQUIT sent from elsewhere are ignored in
/// resident mode and end the session like SIGTERM otherwise.
///
/// Only one session is active per process (the latest created); it stays alive until restored.
/// Methods may be called from any thread.
public final class TerminalSession: Sendable {
    /// How a session behaves.
    public struct Options: Sendable {
        /// Ignore SIGINT and SIGQUIT (a resident must never stop the kiosk).
        public var residentMode: Bool
        /// How often `.tick` events are sent; nil for none.
        public var tickInterval: Duration?
        /// How long a lone ESC waits for the rest of a sequence before it counts as the Escape key.
        public var escapeTimeout: Duration

        /// Creates options; defaults suit the kiosk.
        public init(residentMode: Bool = true, tickInterval: Duration? = .seconds(1), escapeTimeout: Duration = .milliseconds(50)) {
            self.residentMode = residentMode
            self.tickInterval = tickInterval
            self.escapeTimeout = escapeTimeout
        }
    }

    /// The descriptor keys are read from.
    public let inputDescriptor: Int32
    /// The descriptor output is written to.
    public let outputDescriptor: Int32
    /// The options the session was started with.
    public let options: Options

    /// Mutable state, only touched under `state`'s lock (dispatch sources are not `Sendable`).
    private struct State: @unchecked Sendable {
        var restored = false
        var decoder = KeyDecoder()
        var lastScreen: Screen?
        var inputGeneration = 0
        var continuation: AsyncStream<TerminalEvent>.Continuation?
        var sources: [any DispatchSourceProtocol] = []
        var savedDispositions: [(Int32, sighandler_t?)] = []
    }

    private let original: termios
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "bianmin.terminal")

    /// Sequences written when the session starts and when it ends.
    static let enterSequence = "\u{1B}[?1049h\u{1B}[?7l\u{1B}[?2004h\u{1B}[?25l\u{1B}[0m\u{1B}[H\u{1B}[2J"
    static let exitSequence = "\u{1B}[0m\u{1B}[?2004l\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"

    /// Switches the terminal on `input`/`output` to application mode.
    /// Throws when `input` is not a terminal or its settings cannot be changed.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, options: Options = Options()) throws(TerminalError) {
        inputDescriptor = input
        outputDescriptor = output
        self.options = options
        var settings = termios()
        guard isatty(input) == 1, tcgetattr(input, &settings) == 0 else { throw .notATerminal(fileDescriptor: input) }
        original = settings
        var raw = settings
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { controlCharacters in
            controlCharacters[Int(VMIN)] = 1
            controlCharacters[Int(VTIME)] = 0
        }
        // Route termination signals here before changing anything, so none can leave the terminal raw.
        SignalRouter.activate(self)
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
            let code = errno
            SignalRouter.deactivate(self)
            throw .systemCallFailed(call: "tcsetattr", errno: code)
        }
        // Suspending would leave the terminal raw; SIGTTOU would stop a restore from the background.
        state.withLock { state in
            state.savedDispositions = [SIGTSTP, SIGTTOU].map { ($0, signal($0, SIG_IGN)) }
        }
        writeAll(Array(Self.enterSequence.utf8))
    }

    /// The terminal's size in cells (80x24 when the terminal does not say).
    public var size: (width: Int, height: Int) {
        var window = winsize()
        if ioctl(outputDescriptor, UInt(TIOCGWINSZ), &window) == 0 || ioctl(inputDescriptor, UInt(TIOCGWINSZ), &window) == 0,
            window.ws_col > 0, window.ws_row > 0
        {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (80, 24)
    }

    /// Shows `screen`, writing only what changed since the last one drawn.
    public func draw(_ screen: Screen) {
        state.withLock { state in
            guard !state.restored else { return }
            let bytes = Renderer.frame(previous: state.lastScreen, next: screen)
            state.lastScreen = screen
            writeAll(bytes)
        }
    }

    /// Makes the next `draw` repaint everything (after something else may have written).
    public func invalidate() {
        state.withLock { $0.lastScreen = nil }
    }

    /// Key, resize, tick and termination events. Call once; the stream ends when the session is
    /// restored or the input closes.
    public func events() -> AsyncStream<TerminalEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TerminalEvent.self)
        let started = state.withLock { state -> Bool in
            guard !state.restored, state.continuation == nil else { return false }
            state.continuation = continuation
            return true
        }
        guard started else {
            continuation.finish()
            return stream
        }
        let reader = DispatchSource.makeReadSource(fileDescriptor: inputDescriptor, queue: queue)
        reader.setEventHandler { [weak self] in self?.readInput() }
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: queue)
        resize.setEventHandler { [weak self] in
            guard let self else { return }
            // Terminals may reflow or clear on resize: the next frame repaints everything.
            self.invalidate()
            let size = self.size
            self.yield(.resize(width: size.width, height: size.height))
        }
        var sources: [any DispatchSourceProtocol] = [reader, resize]
        if let interval = options.tickInterval {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + interval.dispatchInterval, repeating: interval.dispatchInterval)
            timer.setEventHandler { [weak self] in self?.yield(.tick) }
            sources.append(timer)
        }
        state.withLock { $0.sources = sources }
        sources.forEach { $0.resume() }
        continuation.onTermination = { [weak self] _ in self?.cancelSources() }
        return stream
    }

    /// Puts the terminal back as it was: normal screen, cursor shown, original termios, signal
    /// dispositions. Safe to call more than once and from any thread.
    public func restore() {
        restore(reporting: nil)
    }

    /// Restores and, for a signal, tells the application before the event stream ends.
    func restore(reporting signal: Int32?) {
        let continuation = state.withLock { state -> AsyncStream<TerminalEvent>.Continuation? in
            guard !state.restored else { return nil }
            state.restored = true
            writeAll(Array(Self.exitSequence.utf8))
            var settings = original
            _ = tcsetattr(inputDescriptor, TCSADRAIN, &settings)
            for (number, disposition) in state.savedDispositions { _ = Glibc.signal(number, disposition) }
            state.sources.forEach { $0.cancel() }
            state.sources = []
            defer { state.continuation = nil }
            return state.continuation
        }
        SignalRouter.deactivate(self)
        if let signal { continuation?.yield(.terminated(signal: signal)) }
        continuation?.finish()
    }

    // MARK: Input (runs on `queue`)

    private func readInput() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(inputDescriptor, &buffer, buffer.count)
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
        guard count > 0 else {
            cancelSources()
            let continuation = state.withLock { state in
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.yield(.inputClosed)
            continuation?.finish()
            return
        }
        let (events, generation, pending) = state.withLock { state in
            state.inputGeneration += 1
            return (state.decoder.feed(Array(buffer[0..<count])), state.inputGeneration, state.decoder.hasPendingInput)
        }
        events.forEach { yield(.key($0)) }
        if pending {
            queue.asyncAfter(deadline: .now() + options.escapeTimeout.dispatchInterval) { [weak self] in
                self?.flushInput(ifStill: generation)
            }
        }
    }

    /// Resolves a held-back ESC or partial character when no input arrived since `generation`.
    private func flushInput(ifStill generation: Int) {
        let events = state.withLock { state in
            state.inputGeneration == generation ? state.decoder.flush() : []
        }
        events.forEach { yield(.key($0)) }
    }

    private func yield(_ event: TerminalEvent) {
        _ = state.withLock { $0.continuation }?.yield(event)
    }

    private func cancelSources() {
        state.withLock { state in
            state.sources.forEach { $0.cancel() }
            state.sources = []
        }
    }

    /// Writes everything, retrying after interruptions and partial writes; gives up on other errors
    /// (a vanished terminal must not stop the kiosk from shutting down).
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(outputDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Routes SIGTERM, SIGHUP, SIGINT and SIGQUIT to the active session; installed once per process because a
/// dispatch signal source takes over the signal's disposition.
private enum SignalRouter {
    private static let active = Mutex<TerminalSession?>(nil)
    /// The process-wide sources, created on first use and never cancelled (immutable once made).
    nonisolated(unsafe) private static let sources: [any DispatchSourceSignal] = {
        atexit { SignalRouter.active.withLock { $0 }?.restore() }
        return [SIGTERM, SIGHUP, SIGINT, SIGQUIT].map { number in
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handle(number) }
            source.resume()
            return source
        }
    }()

    static func activate(_ session: TerminalSession) {
        _ = sources
        active.withLock { $0 = session }
    }

    static func deactivate(_ session: TerminalSession) {
        active.withLock { if $0 === session { $0 = nil } }
    }

    private static func handle(_ number: Int32) {
        guard let session = active.withLock({ $0 }) else {
            // No terminal to restore: behave as if the signal had its default action.
            _ = signal(number, SIG_DFL)
            raise(number)
            return
        }
        if (number == SIGINT || number == SIGQUIT) && session.options.residentMode { return }
        session.restore(reporting: number)
    }
}

extension Duration {
    /// The duration as a dispatch interval.
    fileprivate var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
