import Foundation
import TestSupport

/// Decodes every QR symbol zbarimg finds in an image file.
func zbarDecode(_ imagePath: String) throws -> [String] {
    let result = try runTool("zbarimg", ["-q", "--raw", imagePath])
    return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Text of a PDF (one page when `page` is set).
func pdfText(_ pdfPath: String, page: Int? = nil) throws -> String {
    let pages = page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []
    return try runTool("pdftotext", pages + [pdfPath, "-"]).output
}

/// Text without white space (pdftotext breaks lines and pages where the layout does).
func compact(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{0C}" }))
}

/// Page count from pdfinfo.
func pdfPages(_ pdfPath: String) throws -> Int {
    let info = try runTool("pdfinfo", [pdfPath]).output
    let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
    return Int(line.split(separator: " ").last ?? "") ?? 0
}

/// Rasterises the first page of a PDF at `dpi` and decodes its QR symbols.
func decodeQR(inPDF pdfPath: String, dpi: Int = 200) throws -> [String] {
    let prefix = pdfPath + ".raster"
    try runTool("pdftoppm", ["-r", "\(dpi)", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix])
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
    try runTool("pdftoppm", ["-r", "\(dpi)", "-gray", "-singlefile", "-f", "1", "-l", "1", pdfPath, prefix])
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
    let info = try runTool("pdfinfo", [pdfPath]).output
    let line = info.split(separator: "\n").first { $0.hasPrefix("Page size:") } ?? ""
    let numbers = line.split(separator: " ").compactMap { Double($0) }
    return numbers.count >= 2 ? (numbers[0], numbers[1]) : (0, 0)
}
