import Foundation
import GRDB
import KioskCore
import KioskSecurity
import KioskStore
import Testing
import TestSupport

/// A fresh data directory initialised with `kiosk init`, and an answers file for a demo matter;
/// removed when the test is done with it.
final class KioskDataDir: Sendable {
    let path: String
    let answers: String

    init(at path: String = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-cli-\(UUID().uuidString)").path, matter: String = "RS-GG-01") throws {
        self.path = path
        let initResult = try run("kiosk", ["init", "--data", path])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let example = try run("kiosk", ["answers", "example", "--matter", matter])
        answers = path + "/answers.json"
        try example.stdout.write(toFile: answers, atomically: true, encoding: .utf8)
    }

    func open() throws -> SubmissionQueue { try StationFiles(dataDirectory: path).openQueue() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Starts `kiosk` with `arguments` and returns the running process and its output pipe.
func start(_ arguments: [String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = packageRoot.appendingPathComponent(".build/debug/kiosk")
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, out)
}

/// Checks what a power cut must never break: integrity, no duplicate, no half-written row, an intact audit chain.
func checkQueueIntegrity(_ dir: KioskDataDir, printed: [String]) throws {
    let queue = try dir.open()
    let integrity = try queue.database.writer.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    #expect(integrity == ["ok"])
    let rows = try queue.database.writer.read { try Row.fetchAll($0, sql: "SELECT receipt, receiptQR, sealed, payloadDigest FROM submission") }
    let receipts = rows.map { $0["receipt"] as String }
    #expect(Set(receipts).count == receipts.count, "a receipt number appears twice")
    for receipt in printed { #expect(receipts.contains(receipt), "printed receipt \(receipt) is missing") }
    let station = try StationFiles(dataDirectory: dir.path).identity()
    for row in rows {
        let record = try SignedReceipt(qrText: row["receiptQR"]).verify(with: StationPublicKey(stationID: "XH03", key: station.publicKey))
        let sealed = try SealedPayload(serialized: row["sealed"])
        #expect(record.payloadDigest == sealed.digest && Data(record.payloadDigest) == row["payloadDigest"] as Data)
    }
    guard case .intact(let count, _) = try AuditLog.verify(queue.database) else {
        Issue.record("audit chain broken: \(try AuditLog.verify(queue.database))")
        return
    }
    #expect(count == rows.count)
}

@Suite(.serialized) struct QueueFaultTests {
    @Test func powerCutNeverLosesOrDuplicates() throws {
        let dir = try KioskDataDir()
        let rounds = Int(ProcessInfo.processInfo.environment["BIANMIN_POWERCUT_ROUNDS"] ?? "") ?? 200
        var printed: [String] = []
        var killed = 0
        var generator = SeededGenerator.forTest()
        for round in 0..<rounds {
            let (process, out) = try start(["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path])
            // Kill anywhere from start-up to just after a normal run's end (~0.4 s in a debug build).
            usleep(UInt32.random(in: 0...450_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in output.split(separator: "\n") where line.hasPrefix("receipt ") {
                printed.append(String(line.dropFirst("receipt ".count)))
            }
            if round % 50 == 49 { try checkQueueIntegrity(dir, printed: printed) }
        }
        #expect(killed > rounds / 10, "too few rounds were actually killed (\(killed))")
        #expect(!printed.isEmpty)
        try checkQueueIntegrity(dir, printed: printed)
    }

    @Test func concurrentWritersNeverSeeBusy() async throws {
        let dir = try KioskDataDir()
        let submitters = 4, each = 6
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<submitters {
                group.addTask {
                    var errors: [String] = []
                    for _ in 0..<each {
                        let r = try run("kiosk", ["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path])
                        if r.status != 0 { errors.append(r.stderr) }
                    }
                    return errors
                }
            }
            // A reader/updater process beside them, as the forwarder would be.
            group.addTask {
                var errors: [String] = []
                for _ in 0..<each {
                    for args in [["queue", "stats"], ["queue", "purge"], ["queue", "list", "--limit", "5"]] {
                        let r = try run("kiosk", args + ["--data", dir.path])
                        if r.status != 0 { errors.append(r.stderr) }
                    }
                }
                return errors
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(failures == [])
        #expect(try dir.open().stats().total == submitters * each)
        try checkQueueIntegrity(dir, printed: [])
    }

    @Test(.needsRoot("mounting a tmpfs needs root"))
    func diskFullFailsClearlyAndKeepsEarlierSubmissions() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        #expect(try run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]).status == 0)
        defer {
            _ = try? run("/bin/umount", [mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let dir = try KioskDataDir(at: mount + "/data")
        var stored: [String] = []
        var failure: CommandResult?
        // Leave room for a few dozen submissions, then submit until one is refused.
        let free = try #require(try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? Int)
        try Data(count: max(free - 110 * 1024, 0)).write(to: URL(fileURLWithPath: mount + "/padding"))
        for _ in 0..<400 {
            let r = try run("kiosk", ["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path])
            if r.status != 0 {
                failure = r
                break
            }
            stored.append(String(r.stdout.split(separator: "\n")[0].dropFirst("receipt ".count)))
        }
        let refused = try #require(failure, "the disk never filled up")
        #expect(!stored.isEmpty)
        #expect(refused.status == 73)
        #expect(refused.stderr.hasPrefix("存储空间已满,本次申请没有保存。请联系代办员处理。"))
        #expect(refused.stderr.contains("is full"))
        // Free some room: the earlier submissions are intact and readable.
        try FileManager.default.removeItem(atPath: mount + "/padding")
        try checkQueueIntegrity(dir, printed: stored)
        let list = try run("kiosk", ["queue", "list", "--limit", "1000", "--data", dir.path])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == stored.count)
    }
}
