import Testing

@testable import Terminal

@Suite struct TextFieldTests {
    @Test func editsByCharacter() {
        var field = TextFieldState(maxLength: 20)
        field.insert("张三")
        field.moveLeft()
        field.insert("小")
        #expect(field.text == "张小三")
        #expect(field.cursor == 2)
        field.backspace()
        #expect(field.text == "张三")
        field.moveHome()
        field.deleteForward()
        #expect(field.text == "三")
        #expect(field.cursor == 0)
        field.moveEnd()
        field.insert("e\u{301}")
        field.moveLeft()
        #expect(field.cursor == 1)
        field.moveRight()
        field.backspace()
        #expect(field.text == "三")
    }

    @Test func keysDriveEditing() {
        var field = TextFieldState(maxLength: 20)
        for key: KeyEvent in [.text("abc"), .left, .left, .backspace, .end, .text("d"), .home, .delete] {
            let result1 = field.apply(key)
            #expect(result1)
        }
        #expect(field.text == "cd")
        let result2 = field.apply(.enter)
        #expect(!result2)
        let result3 = field.apply(.escape)
        #expect(!result3)
        let result4 = field.apply(.control("u"))
        #expect(result4)
        #expect(field.text.isEmpty)
    }

    @Test func limitsLengthAndSanitises() {
        var field = TextFieldState(text: "12345678", maxLength: 10)
        field.insert("9\u{1B}[31mABC")
        #expect(field.text == "123456789A")
        #expect(field.isFull)
        field.insert("x")
        #expect(field.text == "123456789A")
        field.apply(.paste("\u{202E}"))
        #expect(field.text == "123456789A")
    }

    @Test func scrollsByDisplayWidth() {
        var field = TextFieldState(text: "北京市朝阳区建国路1号", maxLength: 50)
        // 18 CJK cells + "1" = 19 cells + "号" = 21 cells; the cursor is at the end.
        var view = field.visible(width: 10)
        // The text before the cursor may take 9 cells: 建国路1号 (9), with the cursor after it.
        #expect(view.text == "建国路1号")
        #expect(view.cursorColumn == 9)
        field.moveHome()
        view = field.visible(width: 10)
        #expect(view.text == "北京市朝阳")
        #expect(view.cursorColumn == 0)
        // A wide character that would straddle the edge is left out.
        field.moveRight()
        view = field.visible(width: 9)
        #expect(view.text == "北京市朝")
        #expect(view.cursorColumn == 2)
        for _ in 0..<5 { field.moveRight() }
        view = field.visible(width: 9)
        // Cursor after 区: 市朝阳区 fills the 8 cells before it; 建 would not fit in the ninth.
        #expect(view.text == "市朝阳区")
        #expect(view.cursorColumn == 8)
    }
}

@Suite struct FieldDrawingTests {
    @Test func drawsScrolledFieldWithCursor() {
        var screen = Screen(width: 20, height: 2)
        let field = TextFieldState(text: "北京市朝阳区建国路1号", maxLength: 50)
        screen.put(field: field, row: 1, col: 2, width: 10, focused: true)
        #expect(screen.textLines[1] == "  建国路1号         ")
        #expect(screen.cursor == Position(row: 1, col: 11))
        #expect(screen[1, 11] == .blank(.underline))
        #expect(screen[1, 12] == .blank())
        var unfocused = Screen(width: 20, height: 2)
        unfocused.put(field: TextFieldState(maxLength: 5), row: 0, col: 0, width: 5, focused: false)
        #expect(unfocused.cursor == nil)
        #expect((0..<5).allSatisfy { unfocused[0, $0] == .blank(.underline) })
    }
}
