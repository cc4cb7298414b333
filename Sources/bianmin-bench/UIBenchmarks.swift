import Foundation
import KioskConfig
import KioskCore
import KioskUI
import Terminal

/// The text-mode kiosk: cold start to the first full frame (beside `dialog --menu`), bytes per typed
/// character on the form screen, and view + diff time per frame.
enum UIBenchmarks {
    static func run(configuration: KioskConfiguration, directory: String, rounds: Int) throws {
        print("== ui: text-mode kiosk at 80x24")
        let environment = KioskEnvironment(
            station: configuration.station, catalog: configuration.catalog, strings: try UIStrings.bundled(),
            search: try MatterSearch.bundled(), candidates: nil)
        var state = KioskState(environment: environment, now: Date())
        // Home -> apply -> by department -> first department -> first matter -> start: the first question.
        for key in ["1", "1", "1", "1", "1"] { _ = state.handle(.key(.text(key))) }
        guard state.page == .form else { throw BenchFailure("could not reach a form screen (at \(state.page))") }
        _ = state.handle(.key(.enter))  // past the opening note, to the applicant's name
        _ = state.handle(.key(.function(2)))  // Latin input: one key, one character
        var previous = KioskView.render(state, width: 80, height: 24)
        var sizes: [Int] = []
        var frames = Samples()
        for character in "Zhang San Feng" {
            _ = state.handle(.key(.text(String(character))))
            let next = frames.time { () -> Screen in
                let next = KioskView.render(state, width: 80, height: 24)
                sizes.append(Renderer.frame(previous: previous, next: next).count)
                return next
            }
            previous = next
        }
        for _ in 0..<rounds {
            _ = state.handle(.key(.backspace))
            _ = state.handle(.key(.text("x")))
            frames.time {
                let next = KioskView.render(state, width: 80, height: 24)
                _ = Renderer.frame(previous: previous, next: next)
                previous = next
            }
        }
        let average = Double(sizes.reduce(0, +)) / Double(sizes.count)
        print(String(format: "  bytes per typed character on the form screen: mean %.1f, max %d   goal: under 64", average, sizes.max() ?? 0))
        print("  view + diff per frame median: \(ms(frames.median)), p99: \(ms(frames.percentile(0.99)))")

        let kiosk = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kiosk").path
        guard FileManager.default.isExecutableFile(atPath: kiosk) else {
            print("  (no kiosk binary beside the benchmark: cold start skipped)")
            return
        }
        try withScratchDirectory("ui", in: directory) { dir in
            try runTool(kiosk, ["init", "--data", dir + "/data"])
            var kioskStart = Samples(), dialogStart = Samples()
            for _ in 0..<7 {
                try kioskStart.time { try firstFrame(kiosk, ["run", "--data", dir + "/data"], until: "代办员") }
                try dialogStart.time {
                    try firstFrame("/usr/bin/dialog", ["--menu", "便民服务", "20", "60", "6", "1", "办事", "2", "查询进度", "3", "办事指南", "4", "代办员"], until: "代办员")
                }
            }
            report("cold start to first full frame median", kioskStart.median, baseline: dialogStart.median, baselineName: "dialog --menu", goal: "no slower than dialog (ratio <= 1)")
            // Starting the process and exiting, with no terminal work: the floor under the first frame.
            var kioskBare = Samples(), dialogBare = Samples()
            for _ in 0..<7 {
                try kioskBare.time { try runTool(kiosk, ["--help"]) }
                try dialogBare.time { try runTool("/usr/bin/dialog", ["--version"]) }
            }
            report("process start and exit alone (kiosk --help)", kioskBare.median, baseline: dialogBare.median,
                   baselineName: "dialog --version", goal: "- (loading and linking the executable)")
        }
    }

    /// Starts `program` on a new 80x24 pseudo-terminal and returns when `marker` has been drawn.
    static func firstFrame(_ program: String, _ arguments: [String], until marker: String) throws {
        var master: Int32 = 0, slave: Int32 = 0
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw BenchFailure("openpty failed") }
        defer { close(master) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (0x80, a GNU extension Swift does not import): the child gets its own session.
        posix_spawnattr_setflags(&attributes, 0x80)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        let variables: [String] = ["TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, program, &actions, &attributes, argv, envp) == 0 else { throw BenchFailure("cannot start \(program)") }
        close(slave)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var seen = Data()
        let wanted = Data(marker.utf8)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(20)
        while seen.range(of: wanted) == nil {
            guard Date() < deadline else { throw BenchFailure("\(program) drew no '\(marker)' within 20 s") }
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { throw BenchFailure("\(program) closed its terminal") }
            seen.append(contentsOf: buffer[0..<n])
        }
    }
}
