import AsyncHTTPClient
import Foundation
import Hummingbird
import KioskCore
import KioskSecurity
import Logging
import NIOCore
import SyncProtocol
import TownCenter

/// The town desk under load: `wrk` against a signed-in inbox page and a case page of a
/// `towncenter serve` process holding many cases, beside a minimal Hummingbird route that returns
/// the same inbox bytes as a fixed page, measured in the same run with the same `wrk` settings.
enum DeskBenchmarks {
    static func run(directory: String, cases: Int, seconds: Int, connections: Int) async throws {
        let towncenter = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("towncenter").path
        guard FileManager.default.isExecutableFile(atPath: towncenter) else {
            print("== desk: skipped (build the towncenter executable first: \(towncenter))")
            return
        }
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile) else {
            print("== desk: skipped (install wrk: apt-get install wrk)")
            return
        }
        let dir = directory + "/bianmin-bench-desk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        print("== desk: \(cases) cases in the center database; wrk, \(connections) connections, \(seconds) s per page")
        let password = "bench-desk-\(UUID().uuidString.prefix(8))"
        var setup = Samples()
        try await setup.timeAsync {
            try CenterServerProcess.initialise(executable: towncenter, data: dir + "/center")
            try await fillCenter(data: dir + "/center", cases: cases)
            try addStaff(executable: towncenter, data: dir + "/center", password: password)
        }
        print(String(format: "  setup (not measured below): %d sealed, signed cases ingested in %.1f s", cases, setup.values[0] / 1000))

        let server = try CenterServerProcess(executable: towncenter, data: dir + "/center", initialise: false)
        defer { server.stop() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let baseline: FixedPageServer
        let inboxURL = "http://127.0.0.1:\(server.deskPort)/desk/inbox"
        let cookie: String
        let inbox: ByteBuffer
        let caseURL: String
        do {
            cookie = try await signIn(http: http, desk: "http://127.0.0.1:\(server.deskPort)", password: password)
            inbox = try await fetch(http: http, url: inboxURL, cookie: cookie)
            guard let receipt = firstReceipt(in: String(buffer: inbox)) else { throw BenchFailure("the inbox page lists no case") }
            caseURL = "http://127.0.0.1:\(server.deskPort)/desk/cases/\(receipt)"
            _ = try await fetch(http: http, url: caseURL, cookie: cookie)
            baseline = try await FixedPageServer.start(page: inbox)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        defer { baseline.stop() }

        let arguments = ["-t\(min(2, connections))", "-c\(connections)", "-d\(seconds)s", "--latency"]
        let fixed = try WrkResult.run(wrk, arguments + [baseline.url])
        let inboxResult = try WrkResult.run(wrk, arguments + ["-H", "Cookie: \(cookie)", inboxURL])
        let caseResult = try WrkResult.run(wrk, arguments + ["-H", "Cookie: \(cookie)", caseURL])
        print("  baseline (a minimal Hummingbird route returning the same \(inbox.readableBytes)-byte inbox page as a fixed page): \(fixed)")
        for (name, result, goal) in [
            ("inbox page (signed in, 50 cases of \(cases), counts per state)", inboxResult, "p99 under 50 ms, at least 0.25x"),
            ("case page (answers opened and audited per view)", caseResult, "none set"),
        ] {
            print("  \(name): \(result)")
            print(String(format: "    requests/s ratio to the fixed page %.2fx   goal: %@", result.requestsPerSecond / fixed.requestsPerSecond, goal))
        }
        if inboxResult.errors > 0 || caseResult.errors > 0 {
            print("  note: wrk counted non-2xx or socket errors: inbox \(inboxResult.errors), case \(caseResult.errors)")
        }
    }

    /// Enrols ten stations and ingests `cases` sealed, signed cases from them, spread over a year
    /// of arrival days and two departments' matters.
    static func fillCenter(data: String, cases: Int) async throws {
        let center = try Center.open(dataDirectory: data)
        let stationCount = 10
        let perStation = (cases + stationCount - 1) / stationCount
        let yearStart: Int64 = 1_767_196_800  // 2026-01-01 00:00 China Standard Time
        var ingested = 0
        for index in 0..<stationCount where ingested < cases {
            let id = String(format: "BN%02d", index)
            let identity = StationIdentity(signingKey: .init())
            let token = try await center.issueToken(station: id)
            let nonce = RequestSignature.makeNonce()
            _ = try await center.database.enroll(
                station: id, publicKey: identity.publicKeyBase64,
                proof: EnrolmentSecret(token: token).stationProof(station: id, publicKey: identity.publicKeyBase64, nonce: nonce),
                nonce: nonce, now: center.now)
            let checker = try await center.submissionChecker(for: StationPublicKey(stationID: id, key: identity.publicKey))
            let count = min(perStation, cases - ingested)
            let signer = ReceiptSigner(identity: identity, stationID: id)
            let chunk = 1000
            for start in stride(from: 0, to: count, by: chunk) {
                let items = try (start..<min(start + chunk, count)).map { n in
                    try item(number: n, station: id, signer: signer, center: center.keys.agreement.publicKey, yearStart: yearStart)
                }
                // Arrival spread over the year, so that the date filters and the overdue flag have work to do.
                let arrival = yearStart + Int64(start) * 365 * 86_400 / Int64(max(count, 1))
                let results = try await center.database.ingest(station: id, items: items.map(checker.check), now: arrival)
                guard results.allSatisfy({ $0.outcome == .stored }) else { throw BenchFailure("ingest refused a benchmark case: \(results.first { $0.outcome != .stored }!)") }
            }
            ingested += count
        }
    }

    /// The `n`th case of `station`: alternately an elderly allowance (民政) and an employment
    /// registration (人社), each with a different applicant.
    static func item(number n: Int, station: String, signer: ReceiptSigner, center: CenterPublicKey, yearStart: Int64) throws -> SubmissionItem {
        let uuid = UUID()
        let (matter, answers) = n % 2 == 0
            ? ("MZ-GG-01", #"{"name":"张\#(n)","id_number":"110101194001011234","phone":"13800138000","address":"柳树湾村3组","applicant":"self","bank_card":"6222021234567890123","bank_name":"农业银行"}"#)
            : ("RS-GG-01", #"{"name":"李\#(n)","id_number":"110101199003071234","phone":"13900139000"}"#)
        let sealed = try PayloadSealer.seal(Data(answers.utf8), to: center, associated: SealContext(uuid: uuid, station: station, matter: matter))
        let day = Date(timeIntervalSince1970: Double(yearStart) + Double(n / 9999) * 86_400)
        let record = try ReceiptRecord(
            receiptNumber: try ReceiptNumber(station: station, date: day, timeZone: .china, sequence: n % 9999 + 1),
            matterCode: matter, createdAt: UInt64(day.timeIntervalSince1970), payloadDigest: sealed.digest)
        return SubmissionItem(
            uuid: uuid, receipt: try signer.sign(record).qrText, sealedPayload: sealed.serialized().base64EncodedString(), matter: matter,
            catalogVersion: "2026.11.1", channel: .assisted, assistant: "A01", createdAt: Int64(record.createdAt), formPrinted: true)
    }

    /// Adds the window clerk `bench` with `password` through the command staff use.
    static func addStaff(executable: String, data: String, password: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["staff", "add", "--id", "bench", "--name", "基准测试", "--role", "window", "--data", data]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("\(password)\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("towncenter staff add exited \(process.terminationStatus)") }
    }

    /// Signs in as `bench` through the login form; returns the session's `Cookie` header value.
    static func signIn(http: HTTPClient, desk: String, password: String) async throws -> String {
        let form = try await http.execute(HTTPClientRequest(url: desk + "/desk/login"), timeout: .seconds(10))
        var cookies = cookieJar(form.headers["Set-Cookie"])
        let page = String(buffer: try await form.body.collect(upTo: 1 << 20))
        guard let range = page.range(of: #"name="csrf" value=""#), let end = page[range.upperBound...].firstIndex(of: "\"") else {
            throw BenchFailure("the login page has no CSRF field")
        }
        let csrf = String(page[range.upperBound..<end])
        var request = HTTPClientRequest(url: desk + "/desk/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        let allowed = CharacterSet.alphanumerics
        request.body = .bytes(ByteBuffer(string: "username=bench&password=\(password.addingPercentEncoding(withAllowedCharacters: allowed)!)&csrf=\(csrf)"))
        let answer = try await http.execute(request, timeout: .seconds(30))
        guard answer.status == .seeOther || answer.status == .found else { throw BenchFailure("sign-in answered \(answer.status)") }
        cookies.merge(cookieJar(answer.headers["Set-Cookie"])) { $1 }
        return cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    /// The `name=value` pairs of a response's `Set-Cookie` headers.
    static func cookieJar(_ setCookies: [String]) -> [String: String] {
        var jar: [String: String] = [:]
        for value in setCookies {
            let pair = value.split(separator: ";", maxSplits: 1).first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { jar[String(parts[0])] = String(parts[1]) }
        }
        return jar
    }

    /// The body of a signed-in GET of `url`; throws unless it answers 200.
    static func fetch(http: HTTPClient, url: String, cookie: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Cookie", value: cookie)
        let answer = try await http.execute(request, timeout: .seconds(30))
        guard answer.status == .ok else { throw BenchFailure("GET \(url) answered \(answer.status)") }
        return try await answer.body.collect(upTo: 16 << 20)
    }

    /// The first case link of an inbox page.
    static func firstReceipt(in page: String) -> String? {
        guard let range = page.range(of: "/desk/cases/") else { return nil }
        let receipt = page[range.upperBound...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return receipt.isEmpty ? nil : String(receipt)
    }
}

/// What `wrk --latency` printed for one page.
struct WrkResult: CustomStringConvertible {
    var p50: Double
    var p99: Double
    var requestsPerSecond: Double
    /// Non-2xx answers plus socket errors.
    var errors: Int

    var description: String {
        String(format: "p50 %@, p99 %@, %.0f requests/s", ms(p50), ms(p99), requestsPerSecond)
    }

    /// Runs `wrk` with `arguments` and parses its report.
    static func run(_ wrk: String, _ arguments: [String]) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let result = parse(text) else { throw BenchFailure("wrk failed: \(text)") }
        return result
    }

    /// The figures of a `wrk --latency` report.
    static func parse(_ text: String) -> WrkResult? {
        func field(after label: String) -> Substring? {
            guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }) else { return nil }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(label.split(separator: " ").count).first
        }
        func milliseconds(_ value: Substring?) -> Double? {
            guard let value else { return nil }
            for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where value.hasSuffix(unit) {
                return Double(value.dropLast(unit.count)).map { $0 * scale }
            }
            return nil
        }
        guard let p50 = milliseconds(field(after: "50%")), let p99 = milliseconds(field(after: "99%")),
              let rate = field(after: "Requests/sec:").flatMap({ Double($0) })
        else { return nil }
        let non2xx = field(after: "Non-2xx or 3xx responses:").flatMap { Int($0) } ?? 0
        let socket = text.split(separator: "\n").first { $0.contains("Socket errors:") }.map { line in
            line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
        } ?? 0
        return WrkResult(p50: p50, p99: p99, requestsPerSecond: rate, errors: non2xx + socket)
    }
}

/// A minimal Hummingbird server with one route that returns a fixed page: the baseline.
struct FixedPageServer {
    let url: String
    let task: Task<Void, Error>

    static func start(page: ByteBuffer) async throws -> FixedPageServer {
        let router = Router()
        router.get("/fixed") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: page))
        }
        let (portStream, port) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "bianmin-bench.fixed-page")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.yield(channel.localAddress?.port ?? 0)
                port.finish()
            }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else { throw BenchFailure("the fixed-page server did not start") }
        return FixedPageServer(url: "http://127.0.0.1:\(bound)/fixed", task: task)
    }

    func stop() { task.cancel() }
}
