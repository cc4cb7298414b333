import Foundation
import Glibc
import SyncProtocol
import Testing
import TownCenter
import TestSupport

/// A TCP connection from `source` (a loopback address) to 127.0.0.1:`port`, or nil.
func connectSocket(port: Int, from source: String = "127.0.0.1") -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    func address(_ text: String, _ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, text, &a.sin_addr)
        return a
    }
    var local = address(source, 0)
    var remote = address("127.0.0.1", port)
    let ok = withUnsafePointer(to: &local) { bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size)) } == 0
        && withUnsafePointer(to: &remote) { connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size)) } == 0
    if !ok { close(fd) }
    return ok ? fd : nil
}

/// Whether the peer closed `fd` (a read of 0 bytes or a reset), waiting up to `seconds`.
func closedByPeer(_ fd: Int32, within seconds: Int) -> Bool {
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&poller, 1, Int32(seconds * 1000)) == 1 else { return false }
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
}

/// Sends a plain GET from `source` and returns the status line, or nil when nothing came back in 20 s.
func plainGET(port: Int, path: String, from source: String) -> String? {
    guard let fd = connectSocket(port: port, from: source) else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request = Array("GET \(path) HTTP/1.1\r\nHost: center\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = recv(fd, &buffer, buffer.count, 0)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count], as: UTF8.self).components(separatedBy: "\r\n").first
}

/// Runs blocking socket calls on a thread of their own: on the cooperative pool they could starve the
/// in-process server they talk to.
func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}

@Suite("connections are capped and timed out", .serialized)
struct ConnectionLimitTests {
    @Test("a client's sockets beyond its share are closed at once, idle ones after the header timeout; others get in")
    func perAddressShareAndTimeouts() async throws {
        let (served, _, directory) = try servedTemporaryCenter(extraArguments: ["--max-connections-per-address", "8", "--header-timeout", "2"])
        defer {
            served.kill()
            try? FileManager.default.removeItem(at: directory)
        }
        let port = served.port
        let flood = await blocking { (0..<50).compactMap { _ in connectSocket(port: port) } }
        defer { flood.forEach { close($0) } }
        #expect(flood.count == 50)
        // The first 8 are held (idle, no request yet); the other 42 are closed straight away.
        let closedAtOnce = await blocking { flood.filter { closedByPeer($0, within: 1) }.count }
        #expect(closedAtOnce >= 42, "\(closedAtOnce) of 50 closed at once")
        // Another client is served while the flood holds its share.
        #expect(await blocking { plainGET(port: port, path: SyncPath.catalog, from: "127.0.0.2") } == "HTTP/1.1 200 OK")
        // Sockets that never send a request head are closed after the header timeout.
        #expect(await blocking { flood.allSatisfy { closedByPeer($0, within: 10) } }, "every idle socket closed")
        #expect(await blocking { plainGET(port: port, path: SyncPath.catalog, from: "127.0.0.1") } == "HTTP/1.1 200 OK")
    }

    @Test("under an open-file limit of 96, a flood of 300 idle sockets from one address does not lock out another")
    func lowFileLimit() async throws {
        let (served, _, directory) = try servedTemporaryCenter(wrapper: ["/usr/bin/prlimit", "--nofile=96:96", "--"])
        defer {
            served.kill()
            try? FileManager.default.removeItem(at: directory)
        }
        let port = served.port
        let flood = await blocking { (0..<300).compactMap { _ in connectSocket(port: port) } }
        defer { flood.forEach { close($0) } }
        #expect(flood.count == 300)
        #expect(await blocking { plainGET(port: port, path: SyncPath.catalog, from: "127.0.0.2") } == "HTTP/1.1 200 OK")
        #expect(served.process.isRunning)
    }
}
