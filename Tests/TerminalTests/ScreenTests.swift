import Testing
import TestSupport

@testable import Terminal

@Suite struct ScreenTests {
    @Test func putsNarrowAndWideCharacters() {
        var screen = Screen(width: 10, height: 2)
        let end = screen.put(text: "a张三b", row: 0, col: 1)
        #expect(end == 7)
        #expect(screen.textLines == [" a张三b   ", "          "])
        #expect(screen[0, 2].width == 2)
        #expect(screen[0, 3].width == 0)
        #expect(screen.snapshot == " a张三b\n")
    }

    @Test func wideCharacterCrossingTheEdgeBecomesASpace() {
        var screen = Screen(width: 5, height: 1)
        screen.put(text: "ab中文", row: 0, col: 0, style: .bold)
        #expect(screen.textLines == ["ab中 "])
        #expect(screen[0, 4] == Cell.blank(.bold))
        // Same at a clip column inside the screen, and at the left edge.
        var clipped = Screen(width: 8, height: 2)
        clipped.put(text: "中文字", row: 0, col: 1, clipTo: 6)
        clipped.put(text: "中文x", row: 1, col: -1)
        #expect(clipped.textLines == [" 中文 ", " 文x    "].map { $0.padding(8) })
    }

    @Test func overwritingHalfAWideCharacterClearsTheOtherHalf() {
        var screen = Screen(width: 6, height: 1)
        screen.put(text: "中文", row: 0, col: 0)
        screen.put(text: "x", row: 0, col: 1)  // right half of 中
        #expect(screen.textLines == [" x文  "])
        screen.put(text: "y", row: 0, col: 2)  // left half of 文
        #expect(screen.textLines == [" xy   "])
        screen.put(text: "中文", row: 0, col: 0)
        screen.put(text: "日", row: 0, col: 1)  // straddles both
        #expect(screen.textLines == [" 日   "])
    }

    @Test func skipsControlsSoNoEscapeReachesTheTerminal() {
        var screen = Screen(width: 20, height: 1)
        screen.put(text: "a\u{1B}[31mb\u{7}c\u{202E}d\r\ne\u{301}", row: 0, col: 0)
        #expect(screen.snapshot == "a[31mbcde\u{301}")
        let bytes = Renderer.frame(previous: nil, next: screen)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("\u{1B}[31m"))
        #expect(!bytes.contains(0x07))
    }

    @Test func drawsAsciiBoxWithTitleAndCentredText() {
        var screen = Screen(width: 12, height: 4)
        screen.drawBox(row: 0, col: 0, width: 12, height: 4, title: "办事")
        screen.putCentered(text: "中文", row: 1, col: 1, width: 10)
        screen.putCentered(text: "很长很长很长很长的标题", row: 2)
        #expect(screen.textLines == [
            "+- 办事 ---+",
            "|   中文   |",
            "很长很长很长",
            "+----------+",
        ])
    }

    @Test func clearFillsWithStyle() {
        var screen = Screen(width: 4, height: 3)
        screen.put(text: "中文", row: 1, col: 0)
        screen.clear(row: 1, col: 1, width: 2, height: 5, style: .reverse)
        #expect(screen.textLines[1] == "    ")
        #expect(screen[1, 0] == .blank())
        #expect(screen[1, 1] == .blank(.reverse) && screen[1, 2] == .blank(.reverse))
        #expect(screen[2, 1] == .blank(.reverse))
    }

    /// Whatever is drawn, every row stays exactly `width` cells wide and no wide character is split.
    @Test func randomDrawingKeepsRowsWhole() {
        var generator = SeededGenerator.forTest()
        let pieces = ["中", "文", "a", "Ｂ", "e\u{301}", "·", "张三", "x y", "…"]
        var screen = Screen(width: 13, height: 3)
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            screen.put(
                text: text, row: Int.random(in: -1...3, using: &generator), col: Int.random(in: -3...14, using: &generator),
                clipTo: Bool.random(using: &generator) ? nil : Int.random(in: 0...13, using: &generator))
            for row in 0..<screen.height {
                #expect(screen.textLines[row].displayWidth == 13)
                for col in 0..<screen.width where screen[row, col].width == 2 {
                    #expect(col + 1 < screen.width && screen[row, col + 1].width == 0)
                }
                for col in 0..<screen.width where screen[row, col].width == 0 {
                    #expect(col > 0 && screen[row, col - 1].width == 2)
                }
            }
        }
    }
}

extension String {
    /// Pads with spaces to `width` cells.
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - displayWidth)) }
}
