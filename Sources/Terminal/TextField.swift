/// The editing state of a one-line text field: text, cursor and length limit (pure value).
///
/// Positions and the limit count characters (grapheme clusters), so a cursor never lands inside a
/// Chinese character or between a letter and its combining mark.
public struct TextFieldState: Hashable, Sendable {
    /// The current text (always sanitised).
    public private(set) var text: String
    /// Cursor position: the number of characters before it, `0...text.count`.
    public private(set) var cursor: Int
    /// Most characters the field accepts.
    public let maxLength: Int

    /// A field holding `text` (sanitised and cut to `maxLength`), cursor at its end.
    public init(text: String = "", maxLength: Int) {
        self.maxLength = max(0, maxLength)
        self.text = Sanitizer.clean(text, maxLength: self.maxLength)
        cursor = self.text.count
    }

    /// Whether no more characters fit.
    public var isFull: Bool { text.count >= maxLength }

    /// Inserts text at the cursor, sanitised and cut to the room left.
    public mutating func insert(_ newText: String) {
        let clean = Sanitizer.clean(newText, maxLength: maxLength - text.count)
        guard !clean.isEmpty else { return }
        let index = text.index(text.startIndex, offsetBy: cursor)
        let before = text.count
        text.insert(contentsOf: clean, at: index)
        // A combining mark may merge with the character before it: count what was really added.
        cursor += text.count - before
    }

    /// Deletes the character before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
        cursor -= 1
    }

    /// Deletes the character after the cursor.
    public mutating func deleteForward() {
        guard cursor < text.count else { return }
        text.remove(at: text.index(text.startIndex, offsetBy: cursor))
    }

    /// Moves the cursor one character left.
    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    /// Moves the cursor one character right.
    public mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    /// Moves the cursor to the start.
    public mutating func moveHome() { cursor = 0 }
    /// Moves the cursor to the end.
    public mutating func moveEnd() { cursor = text.count }
    /// Empties the field.
    public mutating func clear() {
        text = ""
        cursor = 0
    }

    /// Applies an editing key (text, paste, Backspace, Delete, arrows, Home/End, Ctrl-A/E/U);
    /// returns false for keys the field does not handle, which the caller then handles.
    @discardableResult
    public mutating func apply(_ key: KeyEvent) -> Bool {
        switch key {
        case .text(let string), .paste(let string): insert(string)
        case .backspace: backspace()
        case .delete: deleteForward()
        case .left: moveLeft()
        case .right: moveRight()
        case .home, .control("a"): moveHome()
        case .end, .control("e"): moveEnd()
        case .control("u"): clear()
        default: return false
        }
        return true
    }

    /// The part of the text visible in a box `width` cells wide and the cursor's column in it.
    ///
    /// The view starts at the text's beginning while the cursor fits; otherwise it scrolls so the
    /// cursor sits at the right edge (one cell is kept for the cursor itself). A wide character is
    /// never cut: the visible text may be a cell narrower than `width`.
    public func visible(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 0 else { return ("", 0) }
        let characters = Array(text)
        // Choose the first visible character so the text before the cursor takes < width cells.
        var first = cursor
        var beforeWidth = 0
        while first > 0 {
            let characterWidth = displayWidth(of: characters[first - 1])
            if beforeWidth + characterWidth > width - 1 { break }
            beforeWidth += characterWidth
            first -= 1
        }
        var shown = ""
        var shownWidth = 0
        for character in characters[first...] {
            let characterWidth = displayWidth(of: character)
            if shownWidth + characterWidth > width { break }
            shown.append(character)
            shownWidth += characterWidth
        }
        return (shown, beforeWidth)
    }
}

extension Screen {
    /// Draws a text field `width` cells wide (scrolled so the cursor is visible, padded with
    /// `style`, e.g. underline) and, when `focused`, puts the terminal cursor at its cursor.
    public mutating func put(field: TextFieldState, row: Int, col: Int, width: Int, style: Style = .underline, focused: Bool) {
        let view = field.visible(width: width)
        clear(row: row, col: col, width: width, height: 1, style: style)
        put(text: view.text, row: row, col: col, style: style, clipTo: col + width)
        if focused { cursor = Position(row: row, col: col + view.cursorColumn) }
    }
}
