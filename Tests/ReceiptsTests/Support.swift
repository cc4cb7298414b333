import Foundation

/// Output of a finished command-line tool.
struct ToolResult {
    let status: Int32
    let output: String
    let errorOutput: String
}

/// Runs a tool from PATH and waits for it.
@discardableResult
func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    // stderr goes to a file so that neither pipe can fill up while the other is read.
    let errorPath = "/tmp/bianmin-test-stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorPath) }
    let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errors.close()
    let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
    return ToolResult(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        errorOutput: String(decoding: errorData, as: UTF8.self))
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
