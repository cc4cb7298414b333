#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A pseudo-terminal pair: the session runs on the slave side; the test plays the terminal on the
/// master side.
public final class PseudoTerminal {
    /// The terminal's side (non-blocking).
    public let master: Int32
    /// The program's side.
    public let slave: Int32

    public init() throws {
        let openPair = libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
        let grant = libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
        let unlock = libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
        let slaveName = libc("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
        master = openPair(O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        try #require(grant(master) == 0 && unlock(master) == 0)
        let name = try #require(slaveName(master))
        slave = open(name, O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(slave)
        close(master)
    }

    /// The slave side's terminal settings.
    public var settings: termios {
        var settings = termios()
        _ = tcgetattr(slave, &settings)
        return settings
    }

    /// Sends bytes as if typed at the terminal.
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything the session wrote so far (waits until output has been quiet for a moment).
    public func output() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 200) > 0 {
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sets the window size.
    public func resize(width: UInt16, height: UInt16) {
        var window = winsize(ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &window)
    }
}

/// A libc function that the Glibc module hides behind feature macros (wcwidth, posix_openpt...).
public func libc<Function>(_ name: String, as type: Function.Type) -> Function {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("libc has no \(name)") }
    return unsafeBitCast(symbol, to: type)
}
