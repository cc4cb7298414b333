import Foundation

/// Output of a finished command-line tool.
struct ToolResult {
    let status: Int32
    let output: String
    let errorOutput: String
}

/// Runs a tool from PATH and waits for it; output goes through files.
///
/// posix_spawn and waitpid rather than Foundation's Process, which hung here with concurrent tests
/// (children left unreaped).
@discardableResult
func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
    let outputPath = "/tmp/bianmin-run-\(UUID().uuidString)"
    let errorPath = outputPath + ".err"
    defer {
        unlink(outputPath)
        unlink(errorPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([tool] + arguments).map { strdup($0) } + [nil]
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    // The test runner blocks signals on its threads; a child (cupsd) must not inherit that mask.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, tool, &actions, &attributes, argv, envp)
    guard spawned == 0 else { throw SpawnFailure(tool: tool, code: spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    // WIFEXITED/WEXITSTATUS are macros Swift cannot import.
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
    return ToolResult(
        status: exitStatus,
        output: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
        errorOutput: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self))
}

struct SpawnFailure: Error, CustomStringConvertible {
    let tool: String
    let code: Int32
    var description: String { "cannot start \(tool): \(String(cString: strerror(code)))" }
}

/// A fresh directory under /tmp, removed by `remove()`. World-traversable so CUPS filters (user lp)
/// can reach a private ServerBin inside it.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = "/tmp/bianmin-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Decodes every QR symbol zbarimg finds in an image file.
func zbarDecode(_ imagePath: String) throws -> [String] {
    let result = try run("zbarimg", ["-q", "--raw", imagePath])
    return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Text of a PDF (one page when `page` is set).
func pdfText(_ pdfPath: String, page: Int? = nil) throws -> String {
    let pages = page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []
    return try run("pdftotext", pages + [pdfPath, "-"]).output
}

/// Text without white space (pdftotext breaks lines and pages where the layout does).
func compact(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{0C}" }))
}

/// Page count from pdfinfo.
func pdfPages(_ pdfPath: String) throws -> Int {
    let info = try run("pdfinfo", [pdfPath]).output
    let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
    return Int(line.split(separator: " ").last ?? "") ?? 0
}

/// Rasterises the first page of a PDF at `dpi` and decodes its QR symbols.
func decodeQR(inPDF pdfPath: String, dpi: Int = 200) throws -> [String] {
    let prefix = pdfPath + ".raster"
    try run("pdftoppm", ["-r", "\(dpi)", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix])
    return try zbarDecode(prefix + ".png")
}

/// Counts non-overlapping occurrences.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}

/// A deterministic text in the QR alphanumeric set, like `BM1:` + Base45.
func alphanumericText(length: Int, seed: UInt64 = 42) -> String {
    let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:")
    var state = seed
    return "BM1:" + String((0..<(length - 4)).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return alphabet[Int(state >> 33) % alphabet.count]
    })
}

/// Dark pixels on the first page of a PDF rasterised in grey at `dpi`.
func inkPixels(inPDF pdfPath: String, dpi: Int = 150) throws -> Int {
    let prefix = pdfPath + ".gray"
    try run("pdftoppm", ["-r", "\(dpi)", "-gray", "-singlefile", "-f", "1", "-l", "1", pdfPath, prefix])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: prefix + ".pgm"))
    // Binary PGM: "P5", width, height, maxval, each followed by one whitespace byte, then pixels.
    var fields = 0
    var index = bytes.startIndex
    while fields < 4, index < bytes.endIndex {
        if bytes[index] == 0x0A || bytes[index] == 0x20 { fields += 1 }
        index += 1
    }
    return bytes[index...].reduce(0) { $0 + ($1 < 128 ? 1 : 0) }
}

/// Width and height in points of the first page of a PDF.
func pdfPageSize(_ pdfPath: String) throws -> (width: Double, height: Double) {
    let info = try run("pdfinfo", [pdfPath]).output
    let line = info.split(separator: "\n").first { $0.hasPrefix("Page size:") } ?? ""
    let numbers = line.split(separator: " ").compactMap { Double($0) }
    return numbers.count >= 2 ? (numbers[0], numbers[1]) : (0, 0)
}
