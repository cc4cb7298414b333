import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite("systemd: the units in deploy/systemd and sd_notify", .serialized)
struct SystemdTests {
    static let units = packageRoot.appendingPathComponent("deploy/systemd")

    @Test("towncenter serve says READY=1 once its listeners are bound, feeds the watchdog, and says STOPPING=1 on SIGTERM")
    func towncenterNotifies() throws {
        let directory = try TemporaryDirectory()
        let data = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", data]).status == 0)
        let socket = try NotifySocket(path: directory.file("notify"))

        let server = Process()
        server.executableURL = builtProducts.appendingPathComponent("towncenter")
        server.arguments = ["serve", "--data", data, "--port", "0", "--desk-port", "0", "--metrics-port", "0",
                            "--desk-templates", packageRoot.appendingPathComponent("Resources/desk").path]
        server.environment = ProcessInfo.processInfo.environment.merging(
            ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000"]) { $1 }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }

        let ready = try #require(socket.receive(within: 60), "no notification within 60 s")
        #expect(ready.hasPrefix("READY=1\n") && ready.contains("STATUS=serving on port"), "\(ready)")
        // 200 ms watchdog: a ping every 100 ms.
        let pings = (0..<3).compactMap { _ in socket.receive(within: 5) }
        #expect(pings == ["WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"])

        server.terminate()
        var last: String?
        while let message = socket.receive(within: 10) {
            last = message
            if message == "STOPPING=1" { break }
        }
        #expect(last == "STOPPING=1")
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }

    @Test("a hung forwarder stops feeding the watchdog; killed and started again as systemd would, it forwards what waited")
    func hungForwarderIsRestarted() throws {
        let directory = try TemporaryDirectory()
        let data = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", data, "--demo-keys"]).status == 0)
        let center = try ServedCenter(data: data)
        defer { center.kill() }
        let config = directory.file("kiosk-config")
        try FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("kiosk-config").path, toPath: config)
        let common = ["--config", config, "--data", directory.file("kiosk")]
        #expect(try run("kiosk", ["init"] + common).status == 0)
        let issued = try run("towncenter", ["station", "enroll", "--data", data, "--station", "XH03", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any]
        let token = try #require(object?["token"] as? String, "\(issued.stdout)")
        let enrolled = try run("kiosk", ["enroll", "--center", center.url, "--token", token] + common)
        try #require(enrolled.status == 0, "\(enrolled.stderr)")
        let answers = directory.file("answers.json")
        try run("kiosk", ["answers", "example", "--matter", "MZ-GG-01"] + common).stdout.write(toFile: answers, atomically: true, encoding: .utf8)
        func submit() throws { #expect(try run("kiosk", ["submit", "--matter", "MZ-GG-01", "--answers", answers] + common).status == 0) }
        func stored() throws -> Int {
            try run("towncenter", ["submissions", "list", "--data", data]).stdout.split(separator: "\n").filter { $0.contains("MZ-GG-01") }.count
        }
        let socket = try NotifySocket(path: directory.file("notify"))
        func forwarder(hanging: Bool) throws -> Process {
            let process = Process()
            process.executableURL = builtProducts.appendingPathComponent("kiosk")
            process.arguments = ["forward", "--interval", "1"] + (hanging ? ["--hung-after", "2", "--test-hang-after-first-round"] : []) + common
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "500000"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        try submit()
        let hung = try forwarder(hanging: true)
        #expect(socket.receive(within: 30)?.hasPrefix("READY=1") == true)
        // It forwards once, then hangs: the pings stop within --hung-after.
        var lastPing = Date()
        while let message = socket.receive(within: 2) {
            if message == "WATCHDOG=1" { lastPing = Date() }
            #expect(Date().timeIntervalSince(lastPing) < 5)
        }
        #expect(hung.isRunning, "a hung forwarder is still running; only the watchdog notices it")
        #expect(try stored() == 1)
        // WatchdogSec passed without a ping: systemd sends SIGABRT, then SIGKILL, and starts the unit
        // again. (SIGKILL here: a child of the test runner inherits its blocked SIGABRT.)
        kill(hung.processIdentifier, SIGKILL)
        hung.waitUntilExit()
        try submit()
        let restarted = try forwarder(hanging: false)
        defer { restarted.terminate() }
        #expect(socket.receive(within: 30)?.hasPrefix("READY=1") == true)
        let deadline = Date().addingTimeInterval(30)
        while try stored() < 2 && Date() < deadline { usleep(200_000) }
        #expect(try stored() == 2)
        let pings = (0..<3).compactMap { _ in socket.receive(within: 5) }
        #expect(pings == ["WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"])
    }

    @Test("towncenter serve without NOTIFY_SOCKET keeps serving (the notifier waits for the shutdown)")
    func unsupervised() throws {
        let directory = try TemporaryDirectory()
        let data = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", data]).status == 0)
        let served = try ServedCenter(data: data)
        defer { served.kill() }
        usleep(1_500_000)
        #expect(served.process.isRunning)
        #expect(try runTool("curl", ["-sf", "-o", "/dev/null", "\(served.url)/v1/catalog"]).status == 0)
    }

    @Test("every unit verifies with systemd-analyze, runs as notify with a watchdog and restarts, and writes only its data directory")
    func unitsVerify() throws {
        let directory = try TemporaryDirectory()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.units.path).filter { $0.hasSuffix(".service") }.sorted()
        #expect(names == ["bianmin-forwarder.service", "bianmin-kiosk-kmscon.service", "bianmin-kiosk.service", "bianmin-towncenter.service"])
        for name in names {
            let text = try String(contentsOf: Self.units.appendingPathComponent(name), encoding: .utf8)
            for setting in ["Type=notify", "WatchdogSec=30", "Restart=always", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"] {
                #expect(text.contains("\n\(setting)\n"), "\(name) lacks \(setting)")
            }
            let writable = text.split(separator: "\n").filter { $0.hasPrefix("ReadWritePaths=") }
            #expect(writable.count == 1 && writable[0].hasPrefix("ReadWritePaths=/var/lib/bianmin/"), "\(name): \(writable)")
            // The binaries are not installed here: point the unit at the built ones.
            let local = text
                .replacingOccurrences(of: "/usr/local/bin/kiosk", with: builtProducts.appendingPathComponent("kiosk").path)
                .replacingOccurrences(of: "/usr/local/bin/towncenter", with: builtProducts.appendingPathComponent("towncenter").path)
            let path = directory.file(name)
            try local.write(toFile: path, atomically: true, encoding: .utf8)
            let verified = try runTool("systemd-analyze", ["verify", path])
            #expect(verified.status == 0 && verified.output.isEmpty && verified.errorOutput.isEmpty,
                    "\(name): \(verified.output)\(verified.errorOutput)")
        }
    }
}

/// A datagram socket bound where `NOTIFY_SOCKET` points, as systemd's is.
final class NotifySocket {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0 else { throw BindFailure(path: path, code: errno) }
    }

    /// The next message, or nil when none comes within `seconds`.
    func receive(within seconds: Int) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    deinit { close(descriptor) }
}

/// The notify socket could not be bound.
struct BindFailure: Error {
    let path: String
    let code: Int32
}
