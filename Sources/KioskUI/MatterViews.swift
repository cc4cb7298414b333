import Foundation
import KioskCore
import Terminal

/// The screens of a matter: search, the matter itself and its guide.
extension KioskView {
    static func drawSearch(_ state: KioskState, _ search: SearchScreen, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("search.title"), &screen, layout)
        let top = layout.bodyTop
        screen.put(text: state.t("search.prompt"), row: top, col: layout.bodyCol)
        screen.put(text: "> ", row: top + 1, col: layout.bodyCol, style: .bold)
        drawInput(search.input, state, &screen, layout, row: top + 1, col: layout.bodyCol + 2, width: 30)
        let results = state.searchResults
        // Nothing listed: the way back is still shown (while pinyin is pending, Esc first clears it).
        let back = state.t(search.input.isComposing ? "keys.pinyin.clear" : "keys.back")
        var hint = [back, inputModeHint(search.input, state)].filter { !$0.isEmpty }.joined(separator: "   ")
        if search.input.text.isEmpty {
            screen.put(text: state.t("search.example"), row: top + 4, col: layout.bodyCol)
        } else if results.isEmpty {
            screen.put(text: state.t("search.none"), row: top + 4, col: layout.bodyCol, style: errorStyle)
        } else {
            screen.put(text: state.t("search.count", String(results.count)), row: top + 3, col: layout.bodyCol)
            var listLayout = layout
            listLayout.height = layout.height - 1  // single spacing below the input
            hint = [list(results.map { matterLine($0, state) }, page: search.page, &screen, listLayout, top: top + 4, state: state),
                    inputModeHint(search.input, state)].filter { !$0.isEmpty }.joined(separator: "   ")
        }
        keys(hint, &screen, layout)
    }

    /// The F2 hint of an input with built-in pinyin, naming the mode it is in now ("" without pinyin).
    static func inputModeHint(_ input: TextInput, _ state: KioskState) -> String {
        guard let composer = input.composer else { return "" }
        return state.t("keys.pinyin", state.t(composer.mode == .pinyin ? "input.mode.pinyin" : "input.mode.direct"))
    }

    /// Draws a text input with its pinyin composition and candidates on the two rows below.
    static func drawInput(_ input: TextInput, _ state: KioskState, _ screen: inout Screen, _ layout: Layout, row: Int, col: Int, width: Int) {
        screen.put(field: input.field, row: row, col: col, width: width, focused: !input.isComposing)
        guard let composer = input.composer else { return }
        let mode = state.t(composer.mode == .pinyin ? "input.pinyin" : "input.direct")
        screen.put(text: mode, row: row, col: col + width + 2, style: numberStyle)
        if composer.isComposing {
            let end = screen.put(text: state.t("input.composing") + composer.composition, row: row + 1, col: col, style: .underline)
            screen.cursor = Position(row: row + 1, col: end)
            var bar = composer.candidateBar
            if composer.pageCount > 1 { bar += "   " + state.t("input.pages", String(composer.page + 1), String(composer.pageCount)) }
            screen.put(text: bar, row: row + 2, col: col, style: .bold, clipTo: layout.width - 2)
        }
    }

    static func drawMatter(_ state: KioskState, code: String, _ screen: inout Screen, _ layout: Layout) {
        guard let matter = state.environment.catalog.matter(code) else { return }
        title(matter.name.text(state.language), &screen, layout)
        let top = layout.bodyTop
        screen.put(text: "\(matter.code)   \(matter.department.rawValue)   \(state.categoryName(matter.category))", row: top, col: layout.bodyCol)
        if let refusal = matter.refusal {
            let tag = if case .notDelegated = refusal { state.t("matter.refused") } else { state.t("matter.townOnly") }
            screen.put(text: tag, row: top + 2, col: layout.bodyCol, style: errorStyle)
            screen.putWrapped(text: refusal.message.text(state.language), row: top + 3, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 4)
            menu([("1", state.t("matter.readGuide")), ("2", state.t("matter.printGuide"))], &screen, layout, top: top + 8)
        } else {
            let limit = matter.timeLimitDays == 0 ? state.t("matter.onTheSpot") : state.t("matter.days", String(matter.timeLimitDays))
            screen.put(text: state.t("matter.limit", limit), row: top + 2, col: layout.bodyCol)
            screen.put(text: state.t("matter.fee", matter.fee.text(state.language)), row: top + 3, col: layout.bodyCol, clipTo: layout.width - 2)
            screen.put(text: state.t("matter.visits", String(matter.visits)), row: top + 4, col: layout.bodyCol)
            screen.put(text: state.t("matter.steps", String(state.startingSteps(matter))), row: top + 5, col: layout.bodyCol)
            menu([("1", state.t("matter.start")), ("2", state.t("matter.readGuide"))], &screen, layout, top: top + 8)
        }
        keys(state.t("keys.back"), &screen, layout)
    }

    /// Draws one page of `lines` (the last body row holds the page count); returns the paging hint.
    static func drawPaged(_ lines: [String], page: Int, _ screen: inout Screen, _ layout: Layout, state: KioskState) -> String {
        let (shown, page, pages) = layout.textPage(lines, page: page)
        for (offset, line) in shown.enumerated() {
            screen.put(text: line, row: layout.bodyTop + offset, col: layout.bodyCol, clipTo: layout.bodyCol + layout.bodyWidth)
        }
        guard pages > 1 else { return "" }
        var hints = [state.t("list.page", String(page + 1), String(pages))]
        if page > 0 { hints.append(state.t("keys.previousPage")) }
        if page + 1 < pages { hints.append(state.t("keys.nextPage")) }
        return hints.joined(separator: "   ")
    }

    static func drawGuide(_ state: KioskState, code: String, page: Int, _ screen: inout Screen, _ layout: Layout) {
        guard let matter = state.environment.catalog.matter(code) else { return }
        title(state.t("guide.title", matter.name.text(state.language)), &screen, layout)
        let hint = drawPaged(state.guideLines(matter), page: page, &screen, layout, state: state)
        let actions = state.t(matter.refusal == nil ? "keys.guide.apply" : "keys.guide")
        keys([hint, actions].filter { !$0.isEmpty }.joined(separator: "   "), &screen, layout)
    }
}
