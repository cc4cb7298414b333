import Foundation
import GRDB
import KioskConfig
import KioskCore
import KioskSecurity
import KioskStore

/// Submit latency against a raw write + fdatasync of the same size, and queue reads over a large queue.
enum QueueBenchmarks {
    static func run(configuration: KioskConfiguration, directory: String, submissions: Int, queueSize: Int) throws {
        print("== queue: submit latency (validate + seal + sign + durable commit), \(submissions) submissions in \(directory)")
        let matter = configuration.catalog.matter("MZ-QR-01")!
        let answers = ExampleAnswers.generate(for: matter.form, today: CalendarDate(Date()))
        try withScratchDirectory("submit", in: directory) { dir in
            let files = StationFiles(dataDirectory: dir)
            let identity = try files.initialize().identity
            let centerKey = try files.centerKey(configuredPath: configuration.station.centerPublicKeyPath)
            let submitter = Submitter(
                station: configuration.station.station, catalogVersion: configuration.catalog.version, identity: identity,
                centerKey: centerKey, queue: try files.openQueue())
            var submit = Samples()
            var recordSize = 0
            for _ in 0..<submissions {
                let stored = try submit.time { try submitter.submit(matter: matter, answers: answers, channel: .selfService) }
                recordSize = stored.summary.receiptQR.utf8.count + 600
            }
            // The same submissions into a second database of this station with no signed audit head
            // file: what moving the head on after each commit costs.
            var unanchored = Samples()
            let bare = Submitter(
                station: configuration.station.station, catalogVersion: configuration.catalog.version, identity: identity,
                centerKey: centerKey, queue: SubmissionQueue(try AppDatabase.open(at: dir + "/unanchored.sqlite")))
            for _ in 0..<submissions {
                _ = try unanchored.time { try bare.submit(matter: matter, answers: answers, channel: .selfService) }
            }
            let sealedSize = try submitter.queue.pending(limit: 1).first.map { $0.sealed.count + $0.receiptQR.utf8.count + 200 } ?? recordSize

            // The commit alone: one submission-shaped row per transaction into the same database,
            // with nothing validated, sealed or signed; what the WAL and its sync cost by themselves.
            var commit = Samples()
            let blob = Data(repeating: 0xA5, count: sealedSize - 200)
            for i in 0..<submissions {
                let first = 10_000_000 + i
                try commit.time { try fill(submitter.queue, rows: first..<first + 1, sealed: blob) }
            }

            // Baseline: the same number of appends of a record of the same size, each made durable with fdatasync.
            var baseline = Samples()
            let fd = open(dir + "/baseline.log", O_WRONLY | O_CREAT | O_APPEND, 0o600)
            defer { close(fd) }
            let record = [UInt8](repeating: 0x5A, count: sealedSize)
            for _ in 0..<submissions {
                baseline.time {
                    _ = record.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    _ = fdatasync(fd)
                }
            }
            print("  record size: \(sealedSize) bytes")
            report("submit p50", submit.median, baseline: baseline.median, baselineName: "write+fdatasync p50", goal: "p50 within 1.5x")
            report("submit p99", submit.percentile(0.99), baseline: baseline.percentile(0.99), baselineName: "write+fdatasync p99", goal: "-")
            report("submit p50 with no audit head file", unanchored.median, baseline: baseline.median,
                   baselineName: "write+fdatasync p50", goal: "- (the signed head's cost is the difference)")
            report("one-row commit p50 (no validation, sealing or signing)", commit.median, baseline: baseline.median,
                   baselineName: "write+fdatasync p50", goal: "- (what SQLite alone costs)")
        }

        print("== queue: list and stats over \(queueSize) stored submissions")
        try withScratchDirectory("large", in: directory) { dir in
            let files = StationFiles(dataDirectory: dir)
            _ = try files.initialize()
            let queue = try files.openQueue()
            try fill(queue, rows: 0..<queueSize)
            var list = Samples(), stats = Samples(), byState = Samples()
            for _ in 0..<30 {
                _ = try list.time { try queue.list(limit: 50) }
                _ = try byState.time { try queue.list(state: .queued, limit: 50) }
                _ = try stats.time { try queue.stats() }
            }
            print("  queue list (newest 50) median: \(ms(list.median))   goal: under 100 ms")
            print("  queue list --state queued median: \(ms(byState.median))   goal: under 100 ms")
            print("  queue stats median: \(ms(stats.median))   goal: under 100 ms")
            let kiosk = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kiosk").path
            if FileManager.default.isExecutableFile(atPath: kiosk) {
                for command in [["queue", "list"], ["queue", "stats"]] {
                    var whole = Samples()
                    for _ in 0..<5 { try whole.time { try runTool(kiosk, command + ["--data", dir]) } }
                    print("  `kiosk \(command.joined(separator: " "))` whole command median: \(ms(whole.median))   goal: under 100 ms")
                }
            }
        }
    }

    /// Inserts rows shaped like real submissions, numbered by `rows`, in one transaction.
    static func fill(_ queue: SubmissionQueue, rows: Range<Int>, sealed: Data = Data(repeating: 0xA5, count: 700)) throws {
        let states = ["acknowledged", "acknowledged", "acknowledged", "forwarded", "queued"]
        try queue.database.writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO submission (uuid, receipt, station, matter, catalogVersion, channel, createdAt, state, receiptPrint,
                  formPrint, applicantMasked, receiptQR, payloadDigest, sealedKeyID, sealed)
                VALUES (?, ?, 'XH03', 'MZ-QR-01', '2026.11.1', 'self', ?, ?, 'printed', 'not_required', '张* 1101**********002X', 'BM1:X', ?, 'k', ?)
                """)
            for i in rows {
                try statement.execute(arguments: [
                    UUID().uuidString, String(format: "XH03-%06d-%04d-X", i / 9999, i % 9999 + 1), 1_790_000_000 + i, states[i % states.count],
                    Data(count: 32), sealed,
                ])
            }
        }
    }
}
