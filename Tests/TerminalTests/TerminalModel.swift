@testable import Terminal

/// A small VT100-style terminal for tests: it understands what `Renderer` emits (CUP, SGR, ED,
/// cursor visibility) and treats wide characters like xterm (overwriting half of one blanks the
/// other half), so a frame can be checked by applying it.
struct TerminalModel {
    let width: Int
    let height: Int
    private(set) var cells: [[Cell]]
    private(set) var cursor = Position(row: 0, col: 0)
    private(set) var cursorVisible = true
    private var style = Style.plain

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: .blank(), count: width), count: height)
    }

    var textLines: [String] {
        cells.map { row in row.filter { $0.width > 0 }.map(\.text).joined() }
    }

    mutating func apply(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            if character == "\u{1B}" {
                guard iterator.next() == "[" else { fatalError("unexpected escape") }
                var parameters = ""
                var final: Character = " "
                while let next = iterator.next() {
                    if next.isLetter || next == "~" {
                        final = next
                        break
                    }
                    parameters.append(next)
                }
                control(parameters: parameters, final: final)
            } else {
                put(character)
            }
        }
    }

    private mutating func control(parameters: String, final: Character) {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        switch (final, parameters) {
        case ("H", _):
            cursor = Position(row: max(1, numbers.first ?? 1) - 1, col: max(1, numbers.count > 1 ? numbers[1] : 1) - 1)
        case ("J", "2"):
            cells = Array(repeating: Array(repeating: .blank(style), count: width), count: height)
        case ("h", "?25"): cursorVisible = true
        case ("l", "?25"): cursorVisible = false
        case ("m", _):
            style = .plain
            for code in numbers {
                switch code {
                case 0: style = .plain
                case 1: style.bold = true
                case 4: style.underline = true
                case 7: style.reverse = true
                case 30...37: style.foreground = Color(rawValue: UInt8(code - 30 + 1))!
                case 90...97: style.foreground = Color(rawValue: UInt8(code - 90 + 9))!
                case 40...47: style.background = Color(rawValue: UInt8(code - 40 + 1))!
                case 100...107: style.background = Color(rawValue: UInt8(code - 100 + 9))!
                default: fatalError("unexpected SGR \(code)")
                }
            }
        default:
            fatalError("unexpected sequence \(parameters)\(final)")
        }
    }

    private mutating func put(_ character: Character) {
        let characterWidth = displayWidth(of: character)
        precondition(characterWidth > 0, "renderer wrote an invisible character")
        precondition(cursor.col + characterWidth <= width, "renderer wrote past the right edge")
        let row = cursor.row
        for col in cursor.col..<cursor.col + characterWidth {
            if cells[row][col].width == 0 && col > 0 { cells[row][col - 1] = .blank(cells[row][col - 1].style) }
            if cells[row][col].width == 2 && col + 1 < width { cells[row][col + 1] = .blank(cells[row][col + 1].style) }
        }
        cells[row][cursor.col] = Cell(text: String(character), width: characterWidth, style: style)
        if characterWidth == 2 { cells[row][cursor.col + 1] = Cell(text: "", width: 0, style: style) }
        cursor.col = min(width - 1, cursor.col + characterWidth)
    }

    /// Whether the model shows exactly `screen` (text, widths and styles of every cell).
    func shows(_ screen: Screen) -> Bool {
        for row in 0..<height {
            for col in 0..<width where cells[row][col] != screen[row, col] {
                // Continuation cells carry no visible style of their own.
                if cells[row][col].width == 0 && screen[row, col].width == 0 { continue }
                return false
            }
        }
        return true
    }
}
