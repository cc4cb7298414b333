import Testing
import TestSupport

@testable import Terminal

@Suite struct RendererTests {
    /// An 80x24 form screen like the kiosk's: title, box, label, hint, an underlined field.
    private func form(name: String) -> Screen {
        var screen = Screen(width: 80, height: 24)
        screen.putCentered(text: "城乡居民养老保险参保登记", row: 0, style: .bold)
        screen.put(text: "第3步/共8步", row: 1, col: 2)
        screen.drawBox(row: 3, col: 2, width: 76, height: 7, title: "申请人信息")
        screen.put(text: "姓名：", row: 5, col: 5)
        screen.put(text: name.padding(30), row: 5, col: 11, style: .underline)
        screen.put(text: "请输入本人姓名，可用拼音输入。", row: 7, col: 5, style: Style(foreground: .cyan))
        screen.put(text: "1.上一步  2.下一步  F2 中/英", row: 22, col: 2, style: .reverse)
        screen.cursor = Position(row: 5, col: 11 + name.displayWidth)
        return screen
    }

    @Test func firstFrameClearsAndPaintsEverything() {
        let screen = form(name: "")
        let bytes = Renderer.frame(previous: nil, next: screen)
        #expect(bytes.starts(with: Array("\u{1B}[0m\u{1B}[H\u{1B}[2J".utf8)))
        var terminal = TerminalModel(width: 80, height: 24)
        terminal.apply(bytes)
        #expect(terminal.shows(screen))
        #expect(terminal.textLines == screen.textLines)
        #expect(terminal.cursor == Position(row: 5, col: 11))
        #expect(terminal.cursorVisible)
    }

    @Test func typingOneCharacterWritesFewBytes() {
        let before = form(name: "张")
        let after = form(name: "张三")
        let bytes = Renderer.frame(previous: before, next: after)
        #expect(bytes.count < 64)
        var terminal = TerminalModel(width: 80, height: 24)
        terminal.apply(Renderer.frame(previous: nil, next: before))
        terminal.apply(bytes)
        #expect(terminal.shows(after))
        #expect(terminal.cursor == Position(row: 5, col: 15))
        #expect(Renderer.frame(previous: after, next: after).isEmpty)
    }

    @Test func cursorMovesAndVisibility() {
        var screen = Screen(width: 10, height: 2)
        screen.cursor = Position(row: 1, col: 3)
        var moved = screen
        moved.cursor = Position(row: 1, col: 4)
        #expect(Renderer.frame(previous: screen, next: moved) == Array("\u{1B}[2;5H".utf8))
        var hidden = moved
        hidden.cursor = nil
        #expect(Renderer.frame(previous: moved, next: hidden) == Array("\u{1B}[?25l".utf8))
        #expect(Renderer.frame(previous: hidden, next: screen) == Array("\u{1B}[2;4H\u{1B}[?25h".utf8))
    }

    @Test func sizeChangeRepaintsFully() {
        var small = Screen(width: 10, height: 3)
        small.put(text: "你好", row: 0, col: 0)
        var large = Screen(width: 20, height: 5)
        large.put(text: "你好", row: 0, col: 0)
        let bytes = Renderer.frame(previous: small, next: large)
        #expect(bytes.starts(with: Array("\u{1B}[0m\u{1B}[H\u{1B}[2J".utf8)))
        var terminal = TerminalModel(width: 20, height: 5)
        terminal.apply(bytes)
        #expect(terminal.shows(large))
        #expect(!terminal.cursorVisible)
    }

    /// Random edits with wide characters and styles: applying each diff to a terminal showing the
    /// previous screen must give exactly the next one.
    @Test func randomDiffsReproduceTheNextScreen() {
        var generator = SeededGenerator.forTest()
        let pieces = ["中", "文", "a", "b", " ", "Ｂ", "·", "张三", "xy"]
        let styles: [Style] = [.plain, .bold, .reverse, Style(underline: true, foreground: .red, background: .brightWhite)]
        var previous = Screen(width: 17, height: 4)
        var terminal = TerminalModel(width: 17, height: 4)
        terminal.apply(Renderer.frame(previous: nil, next: previous))
        for _ in 0..<500 {
            var next = previous
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                let text = (0..<Int.random(in: 1...3, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                next.put(
                    text: text, row: Int.random(in: 0..<4, using: &generator), col: Int.random(in: -1...17, using: &generator),
                    style: styles.randomElement(using: &generator)!)
            }
            next.cursor = Bool.random(using: &generator) ? nil : Position(row: Int.random(in: 0..<4, using: &generator), col: Int.random(in: 0..<17, using: &generator))
            terminal.apply(Renderer.frame(previous: previous, next: next))
            #expect(terminal.shows(next))
            #expect(terminal.cursorVisible == (next.cursor != nil))
            if let cursor = next.cursor { #expect(terminal.cursor == cursor) }
            previous = next
        }
    }
}
