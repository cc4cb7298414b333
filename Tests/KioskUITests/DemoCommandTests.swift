#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// The README's demo command (`make run` runs scripts/run-kiosk.sh after the build): the script itself in
/// tmux, on temporary directories, against a private cupsd that has none of the demo's printers yet.
@Suite(.serialized) struct DemoCommandTests {
    @Test(
        .needsRoot("cups-pdf queues on a private cupsd need root"),
        .needsPrograms(["tmux", "cupsd", "lpadmin", "pdftotext", "pdftocairo"], files: ["/usr/lib/cups/backend/cups-pdf"]))
    func oneApplicationReachesTheCenterPrintsAPDFAndEverythingStops() throws {
        let work = try TemporaryDirectory()
        let cups = try PrivateCups()
        for queue in ["bianmin-a4", "bianmin-receipt"] { try cups.admin("lpadmin", ["-x", queue]) }
        let instance = "bianmin-test-\(UUID().uuidString.prefix(8).lowercased())"
        defer { unlink("/etc/cups/cups-pdf-\(instance).conf") }
        let ports = try freePorts(2)
        let center = work.file("center")
        let towncenter = builtProducts.appendingPathComponent("towncenter").path
        let environment = [
            "LANG=C.UTF-8", "CUPS_SERVER=\(cups.server)", "BIANMIN_BIN=\(builtProducts.path)", "BIANMIN_DATA=\(work.file("kiosk"))",
            "BIANMIN_CENTER_PORT=\(ports[0])", "BIANMIN_DESK_PORT=\(ports[1])", "BIANMIN_FORWARD_INTERVAL=1",
            "BIANMIN_CUPS_PDF_INSTANCE=\(instance)",
        ].joined(separator: " ")

        // First run: printers, center, enrolment, forwarder, kiosk.
        let first = try DemoRun(environment: environment, status: work.file("status-1"))
        try first.kiosk.waitFor("欢迎使用村便民服务站", seconds: 60)
        let started = first.started()
        #expect(started.filter { $0.name == "towncenter" }.count == 1, "\(started)")
        #expect(started.filter { $0.name == "kiosk" }.count == 2, "the forwarder and the kiosk: \(started)")
        let devices = try cups.admin("lpstat", ["-v"]).output
        #expect(devices.contains("device for bianmin-a4: cups-pdf:/\(instance)"), "\(devices)")
        #expect(devices.contains("device for bianmin-receipt: cups-pdf:/\(instance)"), "\(devices)")

        let receipt = try applyForSeniorCard(first.kiosk)
        // Seen at the center, forwarded by the forwarder the script started.
        var listed = ""
        for _ in 0..<300 where !listed.contains(receipt) {
            listed = try runTool(towncenter, ["submissions", "list", "--data", center]).output
            if !listed.contains(receipt) { usleep(100_000) }
        }
        #expect(listed.contains("\(receipt)  XH03  MZ-QT-01  received"), "\(listed)")
        // The receipt in the print folder, as a PDF with its number.
        let printFolder = work.file("print")
        var printed: String?
        for _ in 0..<300 where printed == nil {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: printFolder)) ?? []
            printed = files.filter { $0.hasSuffix(".pdf") }.first {
                (try? runTool("pdftotext", ["-layout", "\(printFolder)/\($0)", "-"]))?.output.contains(receipt) == true
            }
            if printed == nil { usleep(100_000) }
        }
        #expect(printed != nil, "no PDF with \(receipt) in \(printFolder): \((try? FileManager.default.contentsOfDirectory(atPath: printFolder)) ?? [])")

        try first.quit(work: work)
        let afterFirst = try first.kiosk.screen()
        #expect(afterFirst.contains("stopped the town center"), "\(afterFirst)")
        for process in started {
            #expect(!process.exists, "\(process) still runs after the kiosk quit")
        }

        // Second run: the same directories, no new center, no new enrolment.
        let second = try DemoRun(environment: environment, status: work.file("status-2"))
        try second.kiosk.waitFor("欢迎使用村便民服务站", seconds: 60)
        let again = second.started()
        try second.quit(work: work)
        let log = try second.kiosk.screen()
        #expect(log.contains("station XH03 is already enrolled"), "\(log)")
        #expect(!log.contains("creating the printer"), "\(log)")
        for process in again {
            #expect(!process.exists, "\(process) still runs after the second run")
        }
        let total = try runTool(towncenter, ["submissions", "list", "--data", center]).output
        #expect(total.contains("1 submission(s)"), "\(total)")
    }

    /// Walks one application of 老年人优待证 (MZ-QT-01) at the kiosk; returns its receipt number.
    func applyForSeniorCard(_ kiosk: TmuxKiosk) throws -> String {
        try kiosk.startSeniorCard()
        try kiosk.send(residentID(born: "19500101"), literal: true)
        try kiosk.waitFor("号码校验正确")
        _ = try kiosk.seniorCardToReview()
        let screen = try kiosk.submitReviewed()
        return try #require(receiptOnScreen(screen), "no receipt number on screen:\n\(screen)")
    }
}

/// One run of scripts/run-kiosk.sh in tmux, then `status=N` written to `status`.
struct DemoRun {
    let kiosk: TmuxKiosk
    let status: String

    init(environment: String, status: String) throws {
        kiosk = try TmuxKiosk()
        self.status = status
        try kiosk.start("cd \(packageRoot.path) && env \(environment) scripts/run-kiosk.sh; echo status=$? > \(status); sleep 60")
    }

    /// What the script started so far: every process under the pane's shell.
    func started() -> [StartedProcess] {
        let ids = (try? runTool("tmux", ["-L", kiosk.socket, "display-message", "-p", "-t", "kiosk", "#{pane_pid}"]).output) ?? ""
        guard let pane = pid_t(ids.trimmingCharacters(in: .whitespacesAndNewlines)) else { return [] }
        return StartedProcess.descendants(of: pane).filter { $0.name != "sleep" }
    }

    /// Quits the kiosk as the README says (SIGTERM to the pid in kiosk.pid) and waits for the script to end.
    func quit(work: TemporaryDirectory) throws {
        let pidFile = work.file("log/kiosk.pid")
        let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGTERM) == 0)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: status) && Date() < deadline { usleep(100_000) }
        usleep(200_000)
        let ended = (try? String(contentsOfFile: status, encoding: .utf8)) ?? "the script did not end"
        let screen = (try? kiosk.screen()) ?? ""
        #expect(ended.hasPrefix("status="), "\(ended)\n\(screen)")
        #expect(!FileManager.default.fileExists(atPath: pidFile))
    }
}

/// A process seen under the test's tmux pane.
struct StartedProcess: CustomStringConvertible {
    let pid: pid_t
    let name: String
    /// The process's start time (clock ticks after boot): a reused pid is another process.
    let startTime: String

    var description: String { "\(name) (pid \(pid))" }

    /// Whether this very process still exists (a zombie counts: nobody waited for it).
    var exists: Bool { Self.read(pid)?.startTime == startTime }

    /// `(name, parent, start time)` from /proc/PID/stat.
    static func read(_ pid: pid_t) -> (name: String, parent: pid_t, startTime: String)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 19, let parent = pid_t(fields[1]) else { return nil }
        return (String(stat[stat.index(after: open)..<close]), parent, String(fields[19]))
    }

    /// Every process below `root`.
    static func descendants(of root: pid_t) -> [StartedProcess] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
            .compactMap { pid in read(pid).map { (pid, $0) } }
        var found: [StartedProcess] = []
        var parents: Set<pid_t> = [root]
        var grew = true
        while grew {
            grew = false
            for (pid, info) in all where parents.contains(info.parent) && !parents.contains(pid) {
                parents.insert(pid)
                found.append(StartedProcess(pid: pid, name: info.name, startTime: info.startTime))
                grew = true
            }
        }
        return found
    }
}

/// `count` TCP ports free on 127.0.0.1 now.
func freePorts(_ count: Int) throws -> [Int] {
    var sockets: [Int32] = []
    defer { sockets.forEach { close($0) } }
    return try (0..<count).map { _ in
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        sockets.append(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when `programs` are on the PATH and `files` exist: skipped otherwise, but under
    /// CI (`CI` set) it fails instead, so that CI never passes without them.
    static func needsPrograms(_ programs: [String], files: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled("needs \((programs + files).joined(separator: ", "))", sourceLocation: sourceLocation) {
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
            let missing = programs.filter { program in
                !path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
            } + files.filter { !FileManager.default.fileExists(atPath: $0) }
            if missing.isEmpty { return true }
            if ProcessInfo.processInfo.environment["CI"] != nil { throw MissingPrograms(missing: missing) }
            return false
        }
    }
}

/// Programs or files a test needs are missing under CI.
struct MissingPrograms: Error, CustomStringConvertible {
    let missing: [String]
    var description: String { "CI is set but these are missing: \(missing.joined(separator: ", ")) (scripts/install-deps.sh installs them)" }
}
