import Documents
import Foundation
import QRCode
import Testing
import TestSupport

@Suite("QR codes")
struct QRCodeTests {
    @Test("half-block lines decode back to libqrencode's matrix", arguments: [21, 120, 300])
    func halfBlockRoundTrip(length: Int) throws {
        let matrix = try QRCode.encode(alphanumericText(length: length))
        let lines = matrix.terminalHalfBlocks(quietZone: 4)
        #expect(lines.count == (matrix.size + 8 + 1) / 2)
        #expect(try QRMatrix(halfBlockLines: lines, quietZone: 4) == matrix)
    }

    @Test("terminal glyphs paint light modules, so light-on-dark terminals show dark-on-light")
    func halfBlockPolarity() throws {
        let lines = try QRCode.encode("BM1:TEST").terminalHalfBlocks(quietZone: 4)
        #expect(lines[0].allSatisfy { $0 == "\u{2588}" }, "quiet zone is light: full blocks")
        // Module rows 0 and 1 of the finder pattern are dark at column 0: a space.
        #expect(Array(lines[2])[4] == " ")
        #expect(Array(lines[2])[3] == "\u{2588}")
    }

    @Test("alphanumeric text uses alphanumeric mode: 300 characters fit version 10-M")
    func alphanumericMode() throws {
        let matrix = try QRCode.encode(alphanumericText(length: 300), maxVersion: 10)
        #expect(matrix.version <= 10)
        // The same length in lowercase is 8-bit data (213 bytes at most in 10-M).
        #expect(throws: QRCodeError.self) {
            try QRCode.encode(alphanumericText(length: 300).lowercased(), maxVersion: 10)
        }
    }

    @Test("a text too long for version 10-M is refused with the version it would need")
    func tooLong() throws {
        #expect(throws: QRCodeError.tooLong(bytes: 330, neededVersion: 11, maxVersion: 10)) {
            try QRCode.encode(alphanumericText(length: 330), maxVersion: 10)
        }
    }

    @Test("PNG rendering decodes with zbarimg, case preserved")
    func pngDecodes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for text in ["BM1:" + alphanumericText(length: 200, seed: 7), "bm1:Mixed-Case/ascii?x=1"] {
            let png = try Documents.qrPNG(QRCode.encode(text), moduleSize: 4)
            let path = directory.file("qr.png")
            try png.write(to: URL(fileURLWithPath: path))
            #expect(try zbarDecode(path) == [text])
        }
    }
}
