import Foundation
import KioskConfig

/// Runs the benchmarks and prints each figure beside its baseline, measured in the same run.
@main
struct BenchMain {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("bianmin-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") {
            print("""
                usage: bianmin-bench [queue] [receipts] [ui] [sync] [desk] [report] [voice] [--dir DIR] [--submissions N] [--queue-size N]
                                     [--receipts N] [--frames N] [--backlog N] [--stations N] [--per-station N]
                                     [--ingest-rounds N] [--keys N] [--cases N] [--seconds N] [--connections N]
                                     [--report-cases N] [--voice-rounds N]
                Benchmarks Bianmin and prints each figure beside its baseline (same run, same machine).
                  queue   submit latency vs write+fdatasync; queue list/stats over a large queue
                  receipts  receipt PDF + QR in process vs qrencode + pango-view
                  ui      kiosk cold start vs dialog --menu; bytes per typed character; view + diff per frame;
                          keypress to frame on the form screen (p50/p99 of --keys, default 200), idle and while a
                          print and a forwarding round block their threads
                  sync    drain a kiosk backlog to a local center; ingest from many stations (median of
                          --ingest-rounds, default 3) vs raw SQLite inserts
                  desk    wrk against a signed-in inbox page and a case page with --cases cases (default 100000),
                          --connections (default 16) for --seconds (default 10) each, vs a fixed Hummingbird page
                  report  the yearly report over --report-cases cases (default 1000000) vs a plain COUNT(*) GROUP BY
                  voice   keypress to the first audio sample of the next screen's prompt (4 keys x --voice-rounds,
                          default 25) vs espeak-ng -v cmn --stdout for the same texts
                  --dir   where to put scratch files (default: the current directory)
                Run it from the repository root: it reads kiosk-config/ (or /etc/bianmin/kiosk).
                """)
            return
        }
        func value(_ flag: String) -> String? { arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil } }
        let sections = arguments.filter { !$0.hasPrefix("--") && !Set(["--dir", "--submissions", "--queue-size", "--receipts", "--frames", "--backlog", "--stations", "--per-station", "--ingest-rounds", "--keys", "--cases", "--seconds", "--connections", "--report-cases", "--voice-rounds"].compactMap(value)).contains($0) }
        let directory = value("--dir") ?? FileManager.default.currentDirectoryPath
        let configuration = try ConfigurationLoader.load(directory: ConfigurationLoader.locate(nil))
        if sections.isEmpty || sections.contains("queue") {
            try QueueBenchmarks.run(
                configuration: configuration, directory: directory, submissions: Int(value("--submissions") ?? "") ?? 2000,
                queueSize: Int(value("--queue-size") ?? "") ?? 100_000)
        }
        if sections.isEmpty || sections.contains("receipts") {
            try ReceiptBenchmarks.run(configuration: configuration, directory: directory, count: Int(value("--receipts") ?? "") ?? 50)
        }
        if sections.isEmpty || sections.contains("ui") {
            try UIBenchmarks.run(configuration: configuration, directory: directory, rounds: Int(value("--frames") ?? "") ?? 500)
            try await KeypressBenchmarks.run(configuration: configuration, directory: directory, keys: Int(value("--keys") ?? "") ?? 200)
        }
        if sections.isEmpty || sections.contains("sync") {
            try await SyncBenchmarks.run(
                directory: directory, backlog: Int(value("--backlog") ?? "") ?? 10_000,
                stations: Int(value("--stations") ?? "") ?? 200, perStation: Int(value("--per-station") ?? "") ?? 50,
                rounds: Int(value("--ingest-rounds") ?? "") ?? 3)
        }
        if sections.isEmpty || sections.contains("desk") {
            try await DeskBenchmarks.run(
                directory: directory, cases: max(1, Int(value("--cases") ?? "") ?? 100_000),
                seconds: max(1, Int(value("--seconds") ?? "") ?? 10), connections: max(1, Int(value("--connections") ?? "") ?? 16))
        }
        if sections.isEmpty || sections.contains("report") {
            try await ReportBenchmarks.run(directory: directory, cases: max(1, Int(value("--report-cases") ?? "") ?? 1_000_000), rounds: 3)
        }
        if sections.isEmpty || sections.contains("voice") {
            try VoiceBenchmarks.run(configuration: configuration, rounds: max(1, Int(value("--voice-rounds") ?? "") ?? 25))
        }
    }
}
