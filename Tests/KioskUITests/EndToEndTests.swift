#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QRCode
import Testing
import TestSupport

/// `kiosk run` in a real terminal: tmux (its own server socket) at 80x24, keys sent with
/// `send-keys`, the screen read back with `capture-pane`.
final class TmuxKiosk {
    let socket = "bianmin-ui-\(UUID().uuidString.prefix(8))"
    let data: TemporaryDirectory
    let binary = builtProducts.appendingPathComponent("kiosk").path
    let config = packageRoot.appendingPathComponent("kiosk-config").path

    init() throws {
        data = try TemporaryDirectory()
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the kiosk first: swift build --product kiosk")
        let initialised = try runTool(binary, ["init", "--config", config, "--data", data.path])
        try #require(initialised.status == 0, "\(initialised.output)\(initialised.errorOutput)")
    }

    /// The tmux server's and the pane's process ids, to end exactly what the test started.
    private var serverPID: pid_t?
    private var panePID: pid_t?

    deinit {
        _ = try? runTool("tmux", ["-L", socket, "kill-server"])
        // The pane's process group (shell, kiosk, sleep), then the server, should they linger.
        if let panePID { kill(-panePID, SIGKILL) }
        if let serverPID { kill(serverPID, SIGKILL) }
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }

    /// Starts `shellCommand` in a new 80x24 session.
    func start(_ shellCommand: String) throws {
        let result = try runTool("tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24", shellCommand])
        try #require(result.status == 0, "\(result.output)\(result.errorOutput)")
        let ids = try runTool("tmux", ["-L", socket, "display-message", "-p", "-t", "kiosk", "#{pid} #{pane_pid}"]).output
            .split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if ids.count == 2 { (serverPID, panePID) = (ids[0], ids[1]) }
    }

    /// Starts the kiosk itself, printing through the CUPS server at `cups`.
    func startKiosk(cups: String) throws {
        try start("LANG=C.UTF-8 CUPS_SERVER=\(cups) \(binary) run --config \(config) --data \(data.path); sleep 60")
    }

    /// Sends tmux key names (`Enter`, `Escape`, `F2`) or, with `literal`, text.
    func send(_ keys: String..., literal: Bool = false) throws {
        for key in keys {
            _ = try runTool("tmux", ["-L", socket, "send-keys", "-t", "kiosk"] + (literal ? ["-l", key] : [key]))
            // One key at a time, as a person types: a lone Esc must not merge with the next key.
            usleep(literal ? 150_000 : 120_000)
        }
    }

    /// The pane's text now.
    func screen() throws -> String {
        try runTool("tmux", ["-L", socket, "capture-pane", "-p", "-t", "kiosk"]).output
    }

    /// Waits until the pane shows `text` (up to `seconds`); returns the screen.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 15, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            usleep(100_000)
        }
        Issue.record("the screen never showed '\(text)':\n\(last)", sourceLocation: sourceLocation)
        return last
    }
}

/// A receipt number on screen: `XH03-YYMMDD-NNNN-C` spaced out one character per cell pair.
func receiptOnScreen(_ screen: String) -> String? {
    guard let line = screen.split(separator: "\n").first(where: { $0.contains("X H 0 3") }) else { return nil }
    let compact = line.filter { $0 != " " && $0 != "|" }
    return compact.isEmpty ? nil : String(compact)
}

/// The application for 老年人优待证 (MZ-QT-01) walked with the keys, as a resident would.
extension TmuxKiosk {
    /// From the home screen to the form's second question (the ID number), the name 张三 typed in pinyin.
    func startSeniorCard() throws {
        try send("1")
        try waitFor("按部门查找")
        try send("3")
        try waitFor("拼音首字母")
        try send("lnrydz", literal: true)
        try waitFor("老年人优待证办理")
        try send("1")
        try waitFor("开始办理")
        try send("1")
        try waitFor("第1步/共6步")
        try send("zhangsan", literal: true)
        try waitFor("1.张三")
        try send("1")
        try waitFor("> 张三")
        try send("Enter")
        try waitFor("第2步/共6步")
    }

    /// From the ID number shown as checked through the phone, address and choices to the review; returns the review screen.
    func seniorCardToReview() throws -> String {
        try send("Enter")
        try waitFor("第3步/共6步")
        try send("13800138000", literal: true)
        try send("Enter")
        try waitFor("家庭住址")
        try send("daqiaocun", literal: true)
        try waitFor("1.大桥村")
        try send("1")
        try send("5", literal: true)
        try send("Enter")
        try waitFor("户籍情况")
        try send("Enter")
        try waitFor("领取方式")
        try send("Enter")
        try waitFor("请准备以下材料")
        try send("1")
        return try waitFor("请核对填写的内容")
    }

    /// Confirms the review and waits until the receipt has printed; returns the receipt screen.
    func submitReviewed() throws -> String {
        try send("Enter")
        try waitFor("确认提交")
        try send("1")
        return try waitFor("回执已打印", seconds: 60)
    }
}

@Suite(.serialized) struct EndToEndTests {
    @Test(.needsRoot("a private cupsd needs root"))
    func fullApplicationWithPinyinThenCheckProgress() throws {
        let kiosk = try TmuxKiosk()
        let cups = try PrivateCups()
        try kiosk.startKiosk(cups: cups.server)
        try kiosk.waitFor("欢迎使用村便民服务站")
        try kiosk.startSeniorCard()
        let id = residentID(born: "19500101")
        try kiosk.send(String(id.prefix(17)), literal: true)
        try kiosk.waitFor("最后一位应为 \(id.last!)")
        try kiosk.send(String(id.last!), literal: true)
        try kiosk.waitFor("号码校验正确")
        let review = try kiosk.seniorCardToReview()
        #expect(review.contains("姓名: 张*"))
        #expect(!review.contains(id))
        let receiptScreen = try kiosk.submitReviewed()
        #expect(receiptScreen.contains("您的申请已经保存"))
        let receipt = try #require(receiptOnScreen(receiptScreen))
        // The receipt came out of the test cupsd's receipt queue, with the number on it.
        let printed = try runTool("pdftotext", ["-layout", cups.output(of: "bianmin-receipt"), "-"])
        #expect(printed.status == 0)
        #expect(printed.output.contains(receipt))
        #expect(printed.output.contains("老年人优待证办理"))

        let listed = try runTool(kiosk.binary, ["queue", "list", "--json", "--config", kiosk.config, "--data", kiosk.data.path])
        #expect(listed.status == 0)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["receipt"] as? String == receipt)
        #expect(items.first?["matter"] as? String == "MZ-QT-01")
        #expect((items.first?["applicant"] as? String)?.hasPrefix("张*") == true)
        #expect(items.first?["channel"] as? String == "self")
        #expect(items.first?["receipt_print"] as? String == "printed")
        let qrText = try #require(items.first?["qr"] as? String)

        // The QR on screen is the receipt's: read back from the pane's half blocks.
        try kiosk.send("1")
        let qrScreen = try kiosk.waitFor("\u{2588}\u{2588}\u{2588}\u{2588}\u{2588}\u{2588}")
        // The symbol's rows, without the caption beside them.
        let rows = qrScreen.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.drop { $0 == " " }) }
            .filter { $0.contains("\u{2588}") }
        let lines = rows.map { String($0.prefix { $0 == "\u{2588}" || $0 == "\u{2580}" || $0 == "\u{2584}" || $0 == " " }) }
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }
        // A 24-row screen has room for 4 quiet modules left and right, 2 above and 1 below.
        let shown = try QRMatrix(halfBlockLines: lines, side: 4, top: 2)
        #expect(shown == (try QRCode.encode(qrText, maxVersion: 10, level: .low)))
        try kiosk.send("Escape")
        try kiosk.waitFor("回执编号")

        // A second visitor checks the progress with the receipt number.
        try kiosk.send("0")
        try kiosk.waitFor("欢迎使用村便民服务站")
        try kiosk.send("2")
        try kiosk.waitFor("二维码对准扫码器")
        try kiosk.send(receipt, literal: true)
        try kiosk.send("Enter")
        let progress = try kiosk.waitFor("已保存,等待发送到镇中心")
        #expect(progress.contains(receipt))
        #expect(progress.contains("老年人优待证办理"))
        #expect(progress.contains("镇中心尚未作出决定"))
    }

    /// The home screen comes before the queue is opened; a station that cannot run still ends
    /// cleanly: the terminal is restored and the reason is left on the normal screen.
    @Test func aStationThatCannotStartRestoresTheTerminalAndSaysWhy() throws {
        let kiosk = try TmuxKiosk()
        let uninitialised = kiosk.data.path + "/never-initialised"
        try FileManager.default.createDirectory(atPath: uninitialised, withIntermediateDirectories: true)
        let status = kiosk.data.path + "/status"
        try kiosk.start("LANG=C.UTF-8 \(kiosk.binary) run --config \(kiosk.config) --data \(uninitialised); echo status=$? > \(status); sleep 60")
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: status) && Date() < deadline { usleep(100_000) }
        usleep(200_000)
        #expect(try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "status=78")
        // -J joins the lines the long message wrapped onto.
        let screen = try runTool("tmux", ["-L", kiosk.socket, "capture-pane", "-p", "-J", "-t", "kiosk"]).output
        #expect(screen.contains("no station key or database in \(uninitialised) (run `kiosk init`)"))
        let alternate = try runTool("tmux", ["-L", kiosk.socket, "display-message", "-p", "-t", "kiosk", "#{alternate_on}"]).output
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func terminalIsRestoredAfterSIGTERM() throws {
        let kiosk = try TmuxKiosk()
        let before = kiosk.data.path + "/stty-before"
        let after = kiosk.data.path + "/stty-after"
        let pidFile = kiosk.data.path + "/pid"
        try kiosk.start(
            "stty -a > \(before); LANG=C.UTF-8 sh -c 'echo $$ > \(pidFile); exec \(kiosk.binary) run --config \(kiosk.config) --data \(kiosk.data.path)'; "
                + "echo status=$? > \(after).status; stty -a > \(after); sleep 60")
        try kiosk.waitFor("欢迎使用村便民服务站")
        // In resident mode Ctrl-C does nothing.
        try kiosk.send("C-c")
        usleep(300_000)
        try kiosk.waitFor("欢迎使用村便民服务站")
        try kiosk.send("1")
        try kiosk.waitFor("按部门查找")
        let alternate = try runTool("tmux", ["-L", kiosk.socket, "display-message", "-p", "-t", "kiosk", "#{alternate_on}"]).output
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGTERM) == 0)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: after) && Date() < deadline { usleep(100_000) }
        usleep(200_000)
        let settingsBefore = try String(contentsOfFile: before, encoding: .utf8)
        let settingsAfter = try String(contentsOfFile: after, encoding: .utf8)
        #expect(settingsBefore == settingsAfter)
        #expect(settingsAfter.contains(" icanon") && settingsAfter.contains(" echo"))
        let leftAlternate = try runTool("tmux", ["-L", kiosk.socket, "display-message", "-p", "-t", "kiosk", "#{alternate_on}"]).output
        #expect(leftAlternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let cursorShown = try runTool("tmux", ["-L", kiosk.socket, "display-message", "-p", "-t", "kiosk", "#{cursor_flag}"]).output
        #expect(cursorShown.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    /// Issue 22: a station without a sound card (every CI machine) runs as before, and its log says so once.
    @Test func withNoAudioDeviceTheKioskWorksSilentlyAndSaysSoOnce() throws {
        let kiosk = try TmuxKiosk()
        let config = kiosk.data.path + "/config"
        try FileManager.default.copyItem(atPath: kiosk.config, toPath: config)
        let yaml = config + "/kiosk.yaml"
        let text = try String(contentsOfFile: yaml, encoding: .utf8)
        try text.replacingOccurrences(of: "voice:\n", with: "voice:\n  device: bianmin-no-such-card\n")
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let log = kiosk.data.path + "/kiosk.log"
        try kiosk.start("LANG=C.UTF-8 \(kiosk.binary) run --config \(config) --data \(kiosk.data.path) 2>\(log); sleep 60")
        try kiosk.waitFor("欢迎使用村便民服务站")
        try kiosk.send("1")
        try kiosk.waitFor("按部门查找")
        try kiosk.send("F4", "Escape", "6")
        try kiosk.waitFor("帮助")
        try kiosk.send("0", "2")
        try kiosk.waitFor("请输入回执编号")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("no audio device 'bianmin-no-such-card'") == true)
        #expect(lines.first?.contains("the kiosk works silently") == true)
    }
}
