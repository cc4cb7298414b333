/// Turns screens into terminal output (VT100/xterm sequences understood by kmscon, foot and the
/// Linux console).
public enum Renderer {
    /// Bytes that bring a terminal showing `previous` to showing `next`: only changed cells are
    /// written, with a cursor move before each run and SGR only when the style changes. Without a
    /// previous screen, or when the size changed, the terminal is cleared and fully repainted.
    /// Ends with the cursor at `next.cursor` (shown) or hidden.
    public static func frame(previous: Screen?, next: Screen) -> [UInt8] {
        var output: [UInt8] = []
        let base: Screen
        var style: Style?
        let repaint: Bool
        if let previous, previous.width == next.width, previous.height == next.height {
            base = previous
            repaint = false
        } else {
            // Reset the rendition first: erasing uses the current background colour.
            output += Array("\u{1B}[0m\u{1B}[H\u{1B}[2J".utf8)
            base = Screen(width: next.width, height: next.height)
            style = .plain
            repaint = true
        }
        // Where the terminal cursor is after the last write; nil when unknown (pending wrap).
        var cursorAt: Position?
        for row in 0..<next.height {
            var col = 0
            while col < next.width {
                if next[row, col] == base[row, col] {
                    col += 1
                    continue
                }
                var start = col
                if next[row, start].width == 0 {
                    start -= 1  // the right half changed: redraw the whole wide character
                } else if base[row, start].width == 0 && start > 0 && cursorAt != Position(row: row, col: start) {
                    // Overwriting the right half of an old wide character blanks its left half on
                    // screen: redraw the cell to the left as well.
                    start -= 1
                }
                let cell = next[row, start]
                if cursorAt != Position(row: row, col: start) {
                    output += Array("\u{1B}[\(row + 1);\(start + 1)H".utf8)
                }
                if style != cell.style {
                    output += cell.style.sgr
                    style = cell.style
                }
                output += Array(cell.text.utf8)
                col = start + max(cell.width, 1)
                cursorAt = col < next.width ? Position(row: row, col: col) : nil
            }
        }
        let wasShown = !repaint && previous?.cursor != nil
        if let cursor = next.cursor, next.contains(row: cursor.row, col: cursor.col) {
            // With nothing written the cursor is still where the previous frame left it.
            let moved = output.isEmpty ? previous?.cursor != cursor : cursorAt != cursor
            if moved {
                output += Array("\u{1B}[\(cursor.row + 1);\(cursor.col + 1)H".utf8)
            }
            if !wasShown { output += Array("\u{1B}[?25h".utf8) }
        } else if wasShown || repaint {
            output += Array("\u{1B}[?25l".utf8)
        }
        return output
    }
}
