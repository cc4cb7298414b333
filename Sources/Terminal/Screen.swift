/// One character cell of the terminal grid.
public struct Cell: Hashable, Sendable {
    /// The grapheme drawn here; empty for the right half of a wide character.
    public internal(set) var text: String
    /// 1 for a narrow character, 2 for the left half of a wide one, 0 for its right half.
    public internal(set) var width: Int
    /// How the cell is drawn.
    public internal(set) var style: Style

    /// An empty cell in the given style.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(text: " ", width: 1, style: style) }
}

/// A row and column on the screen, both counted from 0.
public struct Position: Hashable, Sendable {
    /// Row from the top.
    public var row: Int
    /// Column from the left.
    public var col: Int

    /// Creates a position.
    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}

/// A grid of cells that a view draws into; the renderer turns two of them into terminal output.
///
/// Invariant: a wide character always occupies a lead cell (width 2) followed by a continuation cell
/// (width 0); no operation leaves half of one behind.
public struct Screen: Hashable, Sendable {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// Where the terminal cursor is shown (for a text field), or nil to hide it.
    public var cursor: Position?
    private var cells: [Cell]

    /// A blank screen of the given size.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(), count: self.width * self.height)
    }

    /// The cell at a position inside the screen.
    public subscript(row: Int, col: Int) -> Cell {
        precondition(contains(row: row, col: col), "cell (\(row), \(col)) outside a \(width)x\(height) screen")
        return cells[row * width + col]
    }

    /// Whether a position lies on the screen.
    public func contains(row: Int, col: Int) -> Bool {
        row >= 0 && row < height && col >= 0 && col < width
    }

    /// Draws `text` on one line from `col`, clipped to the screen and to columns before `clipTo`.
    /// Controls and other undrawable characters are skipped; a wide character that would cross the
    /// clip edge is replaced by a space. Returns the column after the text.
    @discardableResult
    public mutating func put(text: String, row: Int, col: Int, style: Style = .plain, clipTo: Int? = nil) -> Int {
        let limit = min(width, clipTo ?? width)
        var x = col
        for character in text {
            guard character.unicodeScalars.allSatisfy(Sanitizer.isAllowed) else { continue }
            let cellWidth = displayWidth(of: character)
            guard cellWidth > 0 else { continue }
            if x >= limit { break }
            let fits = x >= 0 && x + cellWidth <= limit
            if row >= 0 && row < height {
                if fits {
                    set(Cell(text: String(character), width: cellWidth, style: style), row: row, col: x)
                } else {
                    // Half of a wide character falls outside: show a space in the visible half.
                    for column in max(x, 0)..<max(max(x, 0), min(x + cellWidth, limit)) {
                        set(.blank(style), row: row, col: column)
                    }
                }
            }
            x += cellWidth
        }
        return min(x, max(limit, col))
    }

    /// Draws `text` centred between `col` and `col + width` (default: the whole row).
    public mutating func putCentered(text: String, row: Int, col: Int = 0, width: Int? = nil, style: Style = .plain) {
        let span = width ?? self.width - col
        let start = col + max(0, (span - text.displayWidth) / 2)
        put(text: text, row: row, col: start, style: style, clipTo: col + span)
    }

    /// Draws `text` wrapped to `width` columns from (`row`, `col`), using at most `maxRows` rows.
    /// Returns the number of rows used.
    @discardableResult
    public mutating func putWrapped(
        text: String, row: Int, col: Int, width: Int, maxRows: Int = .max, style: Style = .plain,
        mode: WrapMode = .word
    ) -> Int {
        let lines = text.wrapped(toWidth: width, mode: mode).prefix(max(0, maxRows))
        for (index, line) in lines.enumerated() {
            put(text: line, row: row + index, col: col, style: style, clipTo: col + width)
        }
        return lines.count
    }

    /// Fills a rectangle with blank cells of `style`.
    public mutating func clear(row: Int, col: Int, width: Int, height: Int, style: Style = .plain) {
        for y in max(row, 0)..<max(max(row, 0), min(row + height, self.height)) {
            for x in max(col, 0)..<max(max(col, 0), min(col + width, self.width)) {
                set(.blank(style), row: y, col: x)
            }
        }
    }

    /// Draws a rectangle outline with an optional title on its top edge.
    ///
    /// Uses ASCII `+`, `-` and `|`: the Unicode box-drawing block (U+2500...U+257F) is East Asian
    /// Ambiguous, so CJK-configured terminals and fonts draw it two cells wide and break the layout.
    public mutating func drawBox(row: Int, col: Int, width: Int, height: Int, style: Style = .plain, title: String? = nil) {
        guard width >= 2, height >= 2 else { return }
        let horizontal = "+" + String(repeating: "-", count: width - 2) + "+"
        put(text: horizontal, row: row, col: col, style: style)
        put(text: horizontal, row: row + height - 1, col: col, style: style)
        for y in row + 1..<row + height - 1 {
            put(text: "|", row: y, col: col, style: style)
            put(text: "|", row: y, col: col + width - 1, style: style)
        }
        if let title, width > 4 {
            put(text: " \(title) ", row: row, col: col + 2, style: style, clipTo: col + width - 2)
        }
    }

    /// The rows as strings (right halves of wide characters omitted), each exactly `width` cells wide.
    public var textLines: [String] {
        (0..<height).map { row in
            var line = ""
            for col in 0..<width where cells[row * width + col].width > 0 {
                line += cells[row * width + col].text
            }
            return line
        }
    }

    /// The text of the screen with trailing spaces removed from each row, rows joined by newlines:
    /// the form snapshot tests compare.
    public var snapshot: String {
        textLines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed.removeLast() }
            return String(trimmed)
        }.joined(separator: "\n")
    }

    /// Writes one cell, first blanking the other half of any wide character it overlaps.
    private mutating func set(_ cell: Cell, row: Int, col: Int) {
        let index = row * width + col
        breakWideCharacter(at: index, row: row)
        if cell.width == 2 {
            breakWideCharacter(at: index + 1, row: row)
            cells[index] = cell
            cells[index + 1] = Cell(text: "", width: 0, style: cell.style)
        } else {
            cells[index] = cell
        }
    }

    /// If the cell at `index` is half of a wide character, turns the other half into a blank.
    private mutating func breakWideCharacter(at index: Int, row: Int) {
        let cell = cells[index]
        if cell.width == 0, index > row * width {
            cells[index - 1] = .blank(cells[index - 1].style)
        } else if cell.width == 2, index + 1 < (row + 1) * width {
            cells[index + 1] = .blank(cell.style)
        }
    }
}
