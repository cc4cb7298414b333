import CQRencode
import Foundation

/// Error-correction level of a QR symbol.
public enum QRErrorCorrection: Sendable {
    case low, medium, quartile, high

    var level: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}

/// Why a text could not be turned into a QR symbol, or half-block lines back into one.
public enum QRCodeError: Error, Equatable, CustomStringConvertible {
    /// The text needs a larger symbol than allowed (`neededVersion` is nil above version 40).
    case tooLong(bytes: Int, neededVersion: Int?, maxVersion: Int)
    /// libqrencode refused the input (errno from the library).
    case encodingFailed(errno: Int32)
    /// Half-block lines that do not describe a square QR symbol.
    case malformedHalfBlocks(String)

    public var description: String {
        switch self {
        case let .tooLong(bytes, needed, maxVersion):
            let need = needed.map { "version \($0)" } ?? "more than version 40"
            return "QR text of \(bytes) bytes needs \(need), above the allowed version \(maxVersion)"
        case let .encodingFailed(errno):
            return "libqrencode failed to encode the text: \(String(cString: strerror(errno)))"
        case let .malformedHalfBlocks(why):
            return "half-block QR lines are malformed: \(why)"
        }
    }
}

/// Encodes text into QR symbols with libqrencode.
public enum QRCode {
    /// Encodes text (case-sensitive, 8-bit or alphanumeric mode, never Kanji) into the smallest
    /// symbol, refusing texts that need a version above `maxVersion`.
    ///
    /// libqrencode splits the text into optimal segments itself, so text made only of the QR
    /// alphanumeric set (`0-9 A-Z space $%*+-./:`, e.g. `BM1:` + Base45) is coded in alphanumeric mode.
    public static func encode(
        _ text: String, maxVersion: Int = 10, level: QRErrorCorrection = .medium
    ) throws(QRCodeError) -> QRMatrix {
        guard let code = QRcode_encodeString(text, 0, level.level, QR_MODE_8, 1) else {
            if errno == ERANGE {
                throw .tooLong(bytes: text.utf8.count, neededVersion: nil, maxVersion: maxVersion)
            }
            throw .encodingFailed(errno: errno)
        }
        defer { QRcode_free(code) }
        let version = Int(code.pointee.version)
        guard version <= maxVersion else {
            throw .tooLong(bytes: text.utf8.count, neededVersion: version, maxVersion: maxVersion)
        }
        let size = Int(code.pointee.width)
        let buffer = UnsafeBufferPointer(start: code.pointee.data, count: size * size)
        return QRMatrix(size: size, version: version, modules: buffer.map { $0 & 1 == 1 })
    }
}

/// A square QR symbol without quiet zone; `true` is a dark module.
public struct QRMatrix: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// QR version (1...40).
    public let version: Int
    /// Row-major modules, `size * size` of them.
    public let modules: [Bool]

    /// Creates a matrix from row-major modules.
    public init(size: Int, version: Int, modules: [Bool]) {
        precondition(modules.count == size * size, "QRMatrix needs size*size modules")
        self.size = size
        self.version = version
        self.modules = modules
    }

    /// Whether the module at column `x`, row `y` is dark; outside the symbol is light (quiet zone).
    public subscript(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}

extension QRMatrix {
    private static let upperHalf: Character = "\u{2580}"
    private static let lowerHalf: Character = "\u{2584}"
    private static let fullBlock: Character = "\u{2588}"

    /// Renders the symbol as Unicode half blocks, two module rows per line, `quietZone` light modules
    /// around it.
    ///
    /// The glyphs paint the *light* modules and spaces leave the *dark* ones: on a terminal with the
    /// usual light-on-dark colours (the kiosk console) the symbol then reads dark-on-light as a phone
    /// camera expects, without colour escape codes. The half row below an odd row count is light.
    public func terminalHalfBlocks(quietZone: Int = 4) -> [String] {
        terminalHalfBlocks(side: quietZone, top: quietZone, bottom: quietZone)
    }

    /// Renders the symbol as `terminalHalfBlocks(quietZone:)` does, with `side` light modules left and
    /// right and `top` and `bottom` above and below (a screen is wider than it is tall in modules).
    public func terminalHalfBlocks(side: Int, top: Int, bottom: Int) -> [String] {
        let width = size + 2 * side
        let height = size + top + bottom
        return stride(from: 0, to: height, by: 2).map { row in
            String((0..<width).map { column in
                let x = column - side
                let upperLight = !self[x, row - top]
                let lowerLight = row + 1 >= height || !self[x, row + 1 - top]
                switch (upperLight, lowerLight) {
                case (true, true): return Self.fullBlock
                case (true, false): return Self.upperHalf
                case (false, true): return Self.lowerHalf
                case (false, false): return " "
                }
            })
        }
    }

    /// Reads back lines made by `terminalHalfBlocks(quietZone:)`.
    public init(halfBlockLines lines: [String], quietZone: Int = 4) throws(QRCodeError) {
        guard let width = lines.first?.count, lines.count == (width + 1) / 2 else {
            throw .malformedHalfBlocks("expected as many lines as half the width")
        }
        try self.init(halfBlockLines: lines, side: quietZone, top: quietZone)
    }

    /// Reads back lines made by `terminalHalfBlocks(side:top:bottom:)`.
    public init(halfBlockLines lines: [String], side quietZone: Int, top: Int) throws(QRCodeError) {
        guard let width = lines.first?.count, width > 2 * quietZone else {
            throw .malformedHalfBlocks("no lines, or narrower than the quiet zone")
        }
        let size = width - 2 * quietZone
        guard size >= 21, (size - 17) % 4 == 0 else {
            throw .malformedHalfBlocks("\(size) modules per side is no QR size")
        }
        guard 2 * lines.count >= size + top, lines.allSatisfy({ $0.count == width }) else {
            throw .malformedHalfBlocks("expected \((size + top + 1) / 2) lines of \(width) characters at least")
        }
        var light = [Bool](repeating: true, count: width * lines.count * 2)
        for (row, line) in lines.enumerated() {
            for (column, glyph) in line.enumerated() {
                let (upper, lower): (Bool, Bool)
                switch glyph {
                case Self.fullBlock: (upper, lower) = (true, true)
                case Self.upperHalf: (upper, lower) = (true, false)
                case Self.lowerHalf: (upper, lower) = (false, true)
                case " ": (upper, lower) = (false, false)
                default: throw .malformedHalfBlocks("unexpected character \(glyph)")
                }
                light[2 * row * width + column] = upper
                light[(2 * row + 1) * width + column] = lower
            }
        }
        var modules: [Bool] = []
        modules.reserveCapacity(size * size)
        for y in 0..<size {
            for x in 0..<size {
                modules.append(!light[(y + top) * width + x + quietZone])
            }
        }
        self.init(size: size, version: (size - 17) / 4, modules: modules)
    }
}
