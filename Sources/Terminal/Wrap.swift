/// How text is broken into lines.
public enum WrapMode: Sendable {
    /// Break between words of Latin text and between any two CJK characters, keeping closing
    /// punctuation off the start of a line and opening punctuation off the end.
    case word
    /// Break wherever the line is full.
    case character
}

extension String {
    /// Splits the string into lines of at most `width` display cells; `\n` starts a new line.
    /// Trailing spaces are dropped; a word longer than a line is broken by character.
    public func wrapped(toWidth width: Int, mode: WrapMode = .word) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrapParagraph(paragraph, width: width, mode: mode)
        }
        return lines
    }
}

/// A piece of text that is kept on one line if it fits.
private struct Unit {
    var text: String
    var width: Int
    var isSpace: Bool
}

/// Closing punctuation that may not begin a line.
private let closingPunctuation: Set<Character> = [
    "，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "”", "’", "…", "%", ",", ".", ";",
    ":", "?", "!", ")", "]",
]
/// Opening punctuation that may not end a line.
private let openingPunctuation: Set<Character> = ["（", "《", "「", "『", "“", "‘", "(", "["]

private func units(of text: Substring, mode: WrapMode) -> [Unit] {
    var result: [Unit] = []
    var glueNext = false
    for character in text {
        let width = displayWidth(of: character)
        if character == " " || character == "\u{3000}" {
            result.append(Unit(text: String(character), width: width, isSpace: true))
            glueNext = false
            continue
        }
        let joinsPrevious: Bool
        if let last = result.last, !last.isSpace, mode == .word {
            let lastIsNarrowWord = last.text.last.map { displayWidth(of: $0) == 1 } ?? false
            joinsPrevious = glueNext || closingPunctuation.contains(character) || width == 0
                || (width == 1 && lastIsNarrowWord)
        } else {
            joinsPrevious = false
        }
        if joinsPrevious {
            result[result.count - 1].text.append(character)
            result[result.count - 1].width += width
        } else {
            result.append(Unit(text: String(character), width: width, isSpace: false))
        }
        glueNext = mode == .word && openingPunctuation.contains(character)
    }
    return result
}

private func wrapParagraph(_ paragraph: Substring, width: Int, mode: WrapMode) -> [String] {
    var lines: [String] = []
    var line = ""
    var lineWidth = 0
    func endLine() {
        while line.last == " " || line.last == "\u{3000}" {
            lineWidth -= displayWidth(of: line.removeLast())
        }
        lines.append(line)
        line = ""
        lineWidth = 0
    }
    for unit in units(of: paragraph, mode: mode) {
        if unit.isSpace {
            // Spaces at the start of a wrapped line are dropped; those of the paragraph's first line kept.
            if lineWidth == 0 && !lines.isEmpty { continue }
            if lineWidth + unit.width > width { endLine(); continue }
            line += unit.text
            lineWidth += unit.width
            continue
        }
        if lineWidth + unit.width > width && lineWidth > 0 && unit.width <= width { endLine() }
        if lineWidth + unit.width <= width {
            line += unit.text
            lineWidth += unit.width
            continue
        }
        // Longer than a whole line: break it by character.
        for character in unit.text {
            let characterWidth = displayWidth(of: character)
            if lineWidth + characterWidth > width && lineWidth > 0 { endLine() }
            line.append(character)
            lineWidth += characterWidth
        }
    }
    endLine()
    return lines
}
