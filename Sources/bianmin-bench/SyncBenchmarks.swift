import AsyncHTTPClient
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import KioskStore
import SyncClient
import SyncProtocol
import TownCenter

/// Store-and-forward: a kiosk's backlog drained to a local center, and ingest from many
/// concurrent stations beside raw batched SQLite inserts with the same durability. The center
/// runs as its own `towncenter serve` process, as in production.
enum SyncBenchmarks {
    static func run(directory: String, backlog: Int, stations: Int, perStation: Int, rounds: Int) async throws {
        let towncenter = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("towncenter").path
        guard FileManager.default.isExecutableFile(atPath: towncenter) else {
            print("== sync: skipped (build the towncenter executable first: \(towncenter))")
            return
        }
        // withScratchDirectory's body is synchronous; this one awaits.
        let dir = directory + "/bianmin-bench-sync-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let server = try CenterServerProcess(executable: towncenter, data: dir + "/center")
            defer { server.stop() }
            let center = try Center.open(dataDirectory: server.data)

            print("== sync: drain a \(backlog)-submission backlog from one kiosk to a local center")
            let kiosk = dir + "/kiosk"
            let identity = try StationFiles(dataDirectory: kiosk).initialize().identity
            let token = try await center.issueToken(station: "XH03")
            _ = try await StationEnrolment.enroll(
                centerURL: server.url, token: token, station: "XH03", dataDirectory: kiosk, configuredCenterKeyPath: nil)
            let queue = try StationFiles(dataDirectory: kiosk).openQueue()
            try fillQueue(queue, identity: identity, center: center.keys.agreement.publicKey, count: backlog)
            let forwarder = try Forwarder.open(station: "XH03", dataDirectory: kiosk, fallbackURL: server.url, batchSize: 500)
            var drain = Samples()
            let report = try await drain.timeAsync { try await forwarder.round() }
            print(String(format: "  drained %d (acknowledged %d) in %.2f s   goal: under 5 s", report.sent, report.acknowledged, drain.values[0] / 1000))

            print("== sync: ingest from \(stations) concurrent stations × \(perStation), every request and receipt signature verified, \(rounds) rounds")
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: stations)))
            var rates = Samples()
            var rows: [SubmissionItem] = []
            do {
                for round in 0..<max(1, rounds) {
                    let ingest = try await measureIngest(server: server, center: center, http: http, round: round, stations: stations, perStation: perStation)
                    rates.values.append(Double(ingest.stored) / ingest.seconds)
                    print(String(format: "  round %d: stored %d of %d in %.2f s: %.0f submissions/s", round + 1, ingest.stored, stations * perStation, ingest.seconds, rates.values.last!))
                    if rows.isEmpty { rows = ingest.rows }
                }
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
            let baseline = try rawInsertRate(rows: rows, batch: perStation, in: dir)
            print(String(format: "  median %.0f submissions/s durable (rounds %@)   goal: at least 5,000/s", rates.median,
                         rates.values.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
            print(String(format: "  baseline (raw batched SQLite inserts, WAL, synchronous FULL, %d rows per transaction): %.0f rows/s   ratio %.2fx",
                         perStation, baseline, rates.median / baseline))
            print("  reference: ODK Central's published figure is about 41 submissions/s on a small server")
            print("  peak memory: center process \(server.peakMemory() ?? "?"), bench process (kiosk + stations) \(selfPeakMemory())")
        }
    }

    /// Enrols `stations` new stations, then sends one batch from each, all at once; returns how
    /// many were stored, the seconds the sending took, and the items.
    static func measureIngest(
        server: CenterServerProcess, center: Center, http: HTTPClient, round: Int, stations: Int, perStation: Int
    ) async throws -> (stored: Int, seconds: Double, rows: [SubmissionItem]) {
        var clients: [(client: CenterClient, items: [SubmissionItem])] = []
        for index in 0..<stations {
            let id = String(format: "S%d%03d", round, index)
            let station = StationIdentity(signingKey: .init())
            let signer = RequestSigner(identity: station, station: id)
            let enrolling = CenterClient(baseURL: server.url, signer: signer, verifier: nil, http: http)
            let enrolled = try await enrolling.enroll(token: try await center.issueToken(station: id))
            let client = CenterClient(
                baseURL: server.url, signer: signer, verifier: CenterVerifier(base64: enrolled.centerSigningKey), http: http)
            clients.append((client, try items(station: id, identity: station, center: center.keys.agreement.publicKey, count: perStation)))
        }
        // Each station builds and signs its request on its own machine in production: done before
        // the clock starts, so that the stations simulated here take less CPU from the center.
        let requests = try clients.map { (client: $0.client, request: try $0.client.prepare($0.items)) }
        let start = DispatchTime.now().uptimeNanoseconds
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for (client, request) in requests {
                group.addTask { try await client.send(request).results.filter { $0.outcome == .stored }.count }
            }
            return try await group.reduce(0, +)
        }
        return (stored, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, clients.flatMap(\.items))
    }

    /// Signed, sealed submission items of one station (setup, not measured).
    static func items(station: String, identity: StationIdentity, center: CenterPublicKey, count: Int) throws -> [SubmissionItem] {
        let signer = ReceiptSigner(identity: identity, stationID: station)
        let day = Date(timeIntervalSince1970: 1_795_000_000)
        return try (0..<count).map { index in
            let uuid = UUID()
            let sealed = try PayloadSealer.seal(
                Data(#"{"applicant_name":"张三","id_number":"110101199003070012","n":\#(index)}"#.utf8), to: center,
                associated: SealContext(uuid: uuid, station: station, matter: "MZ-QR-01"))
            let number = try ReceiptNumber(station: station, date: day.addingTimeInterval(Double(index / 9999) * 86_400), timeZone: .china, sequence: index % 9999 + 1)
            let record = try ReceiptRecord(receiptNumber: number, matterCode: "MZ-QR-01", createdAt: UInt64(day.timeIntervalSince1970), payloadDigest: sealed.digest)
            return SubmissionItem(
                uuid: uuid, receipt: try signer.sign(record).qrText, sealedPayload: sealed.serialized().base64EncodedString(),
                matter: "MZ-QR-01", catalogVersion: "2026.11.1", channel: .selfService, assistant: nil,
                createdAt: Int64(record.createdAt), formPrinted: false)
        }
    }

    /// Puts `count` real (sealed, signed) submissions in the kiosk queue in one transaction (setup).
    static func fillQueue(_ queue: SubmissionQueue, identity: StationIdentity, center: CenterPublicKey, count: Int) throws {
        let rows = try items(station: "XH03", identity: identity, center: center, count: count)
        try queue.database.writer.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO submission (uuid, receipt, station, matter, catalogVersion, channel, createdAt, state, receiptPrint,
                  formPrint, applicantMasked, receiptQR, payloadDigest, sealedKeyID, sealed)
                VALUES (?, ?, 'XH03', 'MZ-QR-01', '2026.11.1', 'self', ?, 'queued', 'printed', 'not_required', '张*', ?, ?, ?, ?)
                """)
            for (index, item) in rows.enumerated() {
                let receipt = try SignedReceipt(qrText: item.receipt).record
                try statement.execute(arguments: [
                    item.uuid.uuidString, receipt.receiptNumber.description, item.createdAt + Int64(index), item.receipt,
                    Data(receipt.payloadDigest), center.keyID, Data(base64Encoded: item.sealedPayload)!,
                ])
            }
        }
    }

    /// Rows per second for plain batched inserts of `rows` into a fresh database with the
    /// center's durability (WAL, synchronous FULL), `batch` rows per transaction.
    static func rawInsertRate(rows: [SubmissionItem], batch: Int, in directory: String) throws -> Double {
        let pool = try DatabasePool(path: directory + "/baseline.sqlite")
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }  // after the pool's own NORMAL
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE submission (uuid TEXT PRIMARY KEY, station TEXT, receipt TEXT UNIQUE, matter TEXT, catalog_version TEXT,
                  channel TEXT, created_at INTEGER, received_at INTEGER, form_printed INTEGER, receipt_qr TEXT, sealed_payload BLOB)
                """)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for (chunkIndex, chunk) in stride(from: 0, to: rows.count, by: batch).map({ rows[$0..<min($0 + batch, rows.count)] }).enumerated() {
            try pool.write { db in
                for (index, item) in chunk.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO submission VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        arguments: [
                            item.uuid.uuidString, "S", "R\(chunkIndex)-\(index)", item.matter, item.catalogVersion, item.channel.rawValue,
                            item.createdAt, item.createdAt, item.formPrinted, item.receipt, Data(base64Encoded: item.sealedPayload),
                        ])
                }
            }
        }
        return Double(rows.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// This process's peak resident memory.
    static func selfPeakMemory() -> String {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return "\(usage.ru_maxrss / 1024) MiB"
    }
}

extension Samples {
    /// Times an async `body` once and keeps the sample.
    mutating func timeAsync<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await body()
        values.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        return result
    }
}

/// A `towncenter serve` process on a free port.
final class CenterServerProcess {
    let data: String
    let process = Process()
    private(set) var port = 0
    private(set) var deskPort = 0

    /// Starts `towncenter serve` on `data`, first running `towncenter init` there unless `initialise` is false.
    init(executable: String, data: String, initialise: Bool = true) throws {
        self.data = data
        if initialise { try Self.initialise(executable: executable, data: data) }
        process.executableURL = URL(fileURLWithPath: executable)
        // Every simulated station connects from 127.0.0.1; in the field each has an address of its own.
        process.arguments = ["serve", "--data", data, "--port", "0", "--desk-port", "0", "--max-connections-per-address", "100000"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        func announced(after prefix: String) -> Int? {
            // A complete line: the text up to its newline.
            guard let line = ("\n" + text).components(separatedBy: "\n").dropLast().first(where: { $0.hasPrefix(prefix) }) else { return nil }
            return Int(line.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        while announced(after: "listening on http://127.0.0.1:") == nil || announced(after: "desk listening on http://127.0.0.1:") == nil {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = announced(after: "listening on http://127.0.0.1:"), let deskPort = announced(after: "desk listening on http://127.0.0.1:")
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "towncenter serve did not start: \(text)"]) }
        self.port = port
        self.deskPort = deskPort
    }

    /// Runs `towncenter init` on `data` with the repository's demo catalog.
    static func initialise(executable: String, data: String) throws {
        let initialise = Process()
        initialise.executableURL = URL(fileURLWithPath: executable)
        initialise.arguments = ["init", "--data", data, "--catalog", FileManager.default.currentDirectoryPath + "/kiosk-config/catalog"]
        initialise.standardOutput = FileHandle.nullDevice
        try initialise.run()
        initialise.waitUntilExit()
        guard initialise.terminationStatus == 0 else { throw BenchFailure("towncenter init exited \(initialise.terminationStatus)") }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// VmHWM of the server process.
    func peakMemory() -> String? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return "\(kilobytes / 1024) MiB"
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
