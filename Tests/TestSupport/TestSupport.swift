import Executors
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The package's root folder, found from this file's path.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The folder of the package's built executables (`BIANMIN_BIN` overrides it).
public let builtProducts = ProcessInfo.processInfo.environment["BIANMIN_BIN"].map { URL(fileURLWithPath: $0) }
    ?? packageRoot.appendingPathComponent(".build/debug")

/// Output of a finished command-line tool.
public struct ToolResult: Sendable {
    public let status: Int32
    public let output: String
    public let errorOutput: String
}

/// Runs a tool (from PATH, or a path) and waits for it; its output goes through files.
///
/// posix_spawn and waitpid rather than Foundation's Process, which hung here with concurrent tests
/// (children left unreaped). The child gets every descriptor above 2 closed, no blocked signals and
/// default signal dispositions: a daemon it starts (cupsd, a tmux server) lives on and would
/// otherwise keep the test's pipes open or ignore SIGTERM.
@discardableResult
public func runTool(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
    let outputPath = "/tmp/bianmin-run-\(UUID().uuidString)"
    let errorPath = outputPath + ".err"
    defer {
        unlink(outputPath)
        unlink(errorPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // glibc 2.34+; the Glibc module hides it behind a feature macro.
    guard let closeFrom = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else {
        throw SpawnFailure(tool: tool, code: ENOSYS)
    }
    _ = unsafeBitCast(closeFrom, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)(&actions, 3)
    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    // The test runner blocks signals on its threads, and ignores some: a child must inherit neither.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, tool, &actions, &attributes, argv, envp)
    guard spawned == 0 else { throw SpawnFailure(tool: tool, code: spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
    return ToolResult(
        status: exitStatus,
        output: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
        errorOutput: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self))
}

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a built executable of this package (`kiosk`, `towncenter`), or the program at an absolute
/// path, to completion in `directory`, with `stdin` as its input.
@discardableResult
public func run(
    _ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
    in directory: URL = packageRoot
) throws -> CommandResult {
    let process = Process()
    process.executableURL = program.hasPrefix("/") ? URL(fileURLWithPath: program) : builtProducts.appendingPathComponent(program)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe never blocks the child.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// A tool that could not be started.
public struct SpawnFailure: Error, CustomStringConvertible {
    public let tool: String
    public let code: Int32
    public var description: String { "cannot start \(tool): \(String(cString: strerror(code)))" }
}

/// A fresh directory under /tmp, removed by `remove()` or when released. World-traversable so
/// CUPS filters (user lp) can reach a private ServerBin inside it.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = "/tmp/bianmin-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    }

    /// The directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    deinit { remove() }
}

/// A private cupsd (scripts/cupsd-test.sh) in its own directory, with the file-backed queues
/// bianmin-a4, bianmin-receipt and the out-of-paper bianmin-nopaper.
public final class PrivateCups: Sendable {
    static let script = packageRoot.appendingPathComponent("scripts/cupsd-test.sh").path

    /// Where the scheduler keeps its configuration, socket and printed files.
    public let directory: TemporaryDirectory
    /// The scheduler's socket, for `CUPS_SERVER`.
    public var server: String { directory.file("cups.sock") }

    /// Starts the scheduler; throws with the script's output when it does not start.
    public init() throws {
        directory = try TemporaryDirectory()
        let started = try runTool(Self.script, ["start", directory.path])
        guard started.status == 0, started.output.contains("export CUPS_SERVER=\(directory.file("cups.sock"))") else {
            throw StartFailure(output: started.output + started.errorOutput)
        }
    }

    /// The PDF the file queue `queue` last wrote.
    public func output(of queue: String) -> String { directory.file("out/\(queue).pdf") }

    /// Runs a CUPS admin tool (cupsenable, cupsdisable, lpstat...) against this scheduler.
    @discardableResult
    public func admin(_ tool: String, _ arguments: [String]) throws -> ToolResult {
        try runTool(tool, arguments, environment: ["CUPS_SERVER": server])
    }

    /// Stops the scheduler; its files stay until the directory is released.
    public func stop() {
        _ = try? runTool(Self.script, ["stop", directory.path])
    }

    deinit { stop() }

    /// The script's output when cupsd did not start.
    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "cupsd-test.sh start failed: \(output)" }
    }
}

/// A `towncenter serve` process on 127.0.0.1, found ready by its `listening on` line.
public final class ServedCenter: @unchecked Sendable {
    /// The center's data directory.
    public let data: String
    /// The bound port (chosen by the server on the first start, kept on restarts).
    public private(set) var port = 0
    /// The town desk's bound port.
    public private(set) var deskPort = 0
    /// The running process.
    public private(set) var process = Process()
    private let lock = NSLock()
    private var output = ""

    /// Serves `data` (already initialised) on a free port; throws when no port is announced.
    /// The command the server runs under (e.g. `prlimit --nofile=96:96 --`), before `towncenter`.
    public let wrapper: [String]
    /// Options added after `serve --data D --port P`.
    public let extraArguments: [String]
    /// Variables added to the server's environment (e.g. `CUPS_SERVER`).
    public let environment: [String: String]

    /// Serves `data` (already initialised) on a free port, under `wrapper` if given, with
    /// `extraArguments` and `environment`; throws when no port is announced.
    public init(data: String, wrapper: [String] = [], extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        self.data = data
        self.wrapper = wrapper
        self.extraArguments = extraArguments
        self.environment = environment
        try start()
    }

    /// The base URL.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts serving, on the previous port after a kill.
    public func start() throws {
        lock.withLock { output = "" }
        process = Process()
        let towncenter = builtProducts.appendingPathComponent("towncenter")
        let arguments = [
            "serve", "--data", data, "--port", String(port), "--desk-port", "0",
            "--desk-templates", packageRoot.appendingPathComponent("Resources/desk").path,
        ] + extraArguments
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(wrapper.dropFirst()) + [towncenter.path] + arguments
        } else {
            process.executableURL = towncenter
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil  // end of file: stop polling
                return
            }
            self?.lock.withLock { self?.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = "\n" + lock.withLock { output }
            func announced(_ prefix: String) -> Int? {
                text.range(of: prefix).flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
            }
            if let bound = announced("\nlistening on http://127.0.0.1:"),
               let desk = announced("\ndesk listening on http://127.0.0.1:") ?? announced("\ndesk listening on https://127.0.0.1:") {
                port = bound
                deskPort = desk
                return
            }
            guard process.isRunning else { break }
            usleep(10_000)
        }
        throw StartFailure(output: lock.withLock { output })
    }

    /// Kills the server at once (a power cut).
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the server to stop (SIGTERM) and returns its exit status.
    public func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { kill() }

    /// What the server printed when it announced no port.
    public struct StartFailure: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "towncenter serve did not start: \(output)" }
    }
}

/// Runs `operation` (an in-process server) on a `BlockingWorkExecutor` of its own, kept alive until it
/// returns: the server keeps answering while tests that block their threads (waiting for a subprocess, a
/// browser, a socket) fill the cooperative pool, which has only as many threads as cores. One per server:
/// servers sharing one would wait for each other's password hashing.
public func offThePool<T>(_ label: String, _ operation: () async throws -> T) async throws -> T {
    let executor = BlockingWorkExecutor(label: label)
    defer { withExtendedLifetime(executor) {} }
    return try await withTaskExecutorPreference(executor, operation: operation)
}

/// The permission bits of the file at `path`.
public func permissions(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}
