import Foundation
import KioskCore
import Terminal

/// The view function of the Elm architecture: draws a state onto a screen of any size (80x24 at
/// least; larger terminals get wider text and longer pages).
public enum KioskView {
    /// Where the parts of every screen go.
    public struct Layout: Sendable {
        /// Columns of the screen.
        public var width: Int
        /// Rows of the screen.
        public var height: Int

        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }

        /// Left edge of the body; the body stays at most 100 cells wide, centred.
        public var bodyCol: Int { max(2, (width - 100) / 2) }
        /// Width of the body.
        public var bodyWidth: Int { width - 2 * bodyCol }
        /// The row of the screen's title.
        public var titleRow: Int { 2 }
        /// The first row of the body.
        public var bodyTop: Int { 4 }
        /// Rows available to the body.
        public var bodyRows: Int { max(1, height - 8) }
        /// The row of messages and errors.
        public var noticeRow: Int { height - 4 }
        /// The row of key hints.
        public var keysRow: Int { height - 2 }
        /// The last row: the idle countdown.
        public var statusRow: Int { height - 1 }
    }

    static let titleStyle = Style(bold: true)
    static let numberStyle = Style(bold: true, foreground: .cyan)
    static let errorStyle = Style(bold: true, foreground: .red)
    static let goodStyle = Style(bold: true, foreground: .green)
    static let barStyle = Style(reverse: true)
    static let countdownStyle = Style(bold: true, foreground: .black, background: .yellow)

    /// The screen for `state` at `width` x `height`.
    public static func render(_ state: KioskState, width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        guard width >= 80, height >= 24 else {
            screen.putWrapped(text: state.t("screen.tooSmall"), row: 0, col: 0, width: width)
            return screen
        }
        let layout = Layout(width: width, height: height)
        if state.page != .receiptQR { drawHeader(state, &screen, layout) }
        drawPage(state, &screen, layout)
        if let notice = state.notice {
            screen.putWrapped(
                text: (state.noticeIsError ? "! " : "") + notice, row: layout.noticeRow, col: layout.bodyCol, width: layout.bodyWidth,
                maxRows: 2, style: state.noticeIsError ? errorStyle : goodStyle)
        }
        if let remaining = state.countdownRemaining {
            screen.clear(row: layout.statusRow, col: 0, width: width, height: 1, style: countdownStyle)
            screen.putCentered(text: state.t("idle.countdown", String(remaining)), row: layout.statusRow, style: countdownStyle)
        }
        return screen
    }

    private static func drawHeader(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        screen.clear(row: 0, col: 0, width: layout.width, height: 1, style: barStyle)
        screen.put(text: " " + state.t("header.title", state.environment.station.station.name), row: 0, col: 0, style: barStyle)
        var right = state.t("header.language")
        if let assistant = state.assistant { right = state.t("header.assistant", assistant.id) + "  " + right }
        right += "  " + CalendarDate(state.now).description + " "
        screen.put(text: right, row: 0, col: layout.width - right.displayWidth, style: barStyle)
    }

    /// Draws a title on the title row.
    private static func title(_ text: String, _ screen: inout Screen, _ layout: Layout, right: String? = nil) {
        screen.put(text: text, row: layout.titleRow, col: layout.bodyCol, style: titleStyle, clipTo: layout.width - 2 - (right?.displayWidth ?? 0))
        if let right { screen.put(text: right, row: layout.titleRow, col: layout.bodyCol + layout.bodyWidth - right.displayWidth, style: titleStyle) }
        screen.put(text: String(repeating: "-", count: layout.bodyWidth), row: layout.titleRow + 1, col: layout.bodyCol)
    }

    /// Draws the key hints at the bottom.
    private static func keys(_ text: String, _ screen: inout Screen, _ layout: Layout) {
        screen.put(text: String(repeating: "-", count: layout.bodyWidth), row: layout.keysRow - 1, col: layout.bodyCol)
        screen.put(text: text, row: layout.keysRow, col: layout.bodyCol, clipTo: layout.width - 1)
    }

    /// Draws big numbered choices, `spacing` rows apart.
    private static func menu(_ items: [(String, String)], _ screen: inout Screen, _ layout: Layout, top: Int, spacing: Int = 2) {
        for (index, item) in items.enumerated() {
            let row = top + index * spacing
            screen.put(text: "[ \(item.0) ]", row: row, col: layout.bodyCol + 4, style: numberStyle)
            screen.put(text: item.1, row: row, col: layout.bodyCol + 12, style: .bold, clipTo: layout.width - 2)
        }
    }

    /// Draws one page of a numbered list (1-7) with the page count in the title's corner.
    private static func list(_ items: [String], page: Int, _ screen: inout Screen, _ layout: Layout, top: Int, state: KioskState) -> String {
        let pages = max(1, (items.count + KioskState.pageSize - 1) / KioskState.pageSize)
        let page = min(page, pages - 1)
        let shown = items.dropFirst(page * KioskState.pageSize).prefix(KioskState.pageSize)
        let spacing = layout.bodyRows >= top - layout.bodyTop + 2 * KioskState.pageSize ? 2 : 1
        for (offset, item) in shown.enumerated() {
            let row = top + offset * spacing
            screen.put(text: "[ \(offset + 1) ]", row: row, col: layout.bodyCol + 2, style: numberStyle)
            screen.put(text: item, row: row, col: layout.bodyCol + 10, clipTo: layout.width - 2)
        }
        var hints: [String] = []
        if page > 0 { hints.append(state.t("keys.previousPage")) }
        if page + 1 < pages { hints.append(state.t("keys.nextPage")) }
        hints.append(state.t("keys.back"))
        return (pages > 1 ? state.t("list.page", String(page + 1), String(pages)) + "   " : "") + hints.joined(separator: "   ")
    }

    /// The number of pages `lines` take in the body.
    public static func pageCount(lines: Int, layout: Layout) -> Int {
        max(1, (lines + layout.bodyRows - 2) / (layout.bodyRows - 1))
    }

    // MARK: - Pages

    private static func drawPage(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        let top = layout.bodyTop
        switch state.page {
        case .home:
            screen.putCentered(text: state.t("home.welcome"), row: layout.titleRow, style: titleStyle)
            screen.putCentered(text: state.environment.station.station.name, row: layout.titleRow + 1)
            menu(
                [("1", state.t("home.apply")), ("2", state.t("home.progress")), ("3", state.t("home.guide")),
                 ("4", state.t(state.assistant == nil ? "home.assistant" : "home.assistantMenu")), ("5", state.t("home.language")),
                 ("6", state.t("home.help"))],
                &screen, layout, top: top + 1)
            keys(state.t("keys.home"), &screen, layout)
        case .help:
            title(state.t("help.title"), &screen, layout)
            screen.putWrapped(text: state.t("help.body"), row: top, col: layout.bodyCol, width: layout.bodyWidth, maxRows: layout.bodyRows)
            keys(state.t("keys.back"), &screen, layout)
        case .find:
            title(state.t(state.purpose == .apply ? "find.title.apply" : "find.title.guide"), &screen, layout)
            menu([("1", state.t("find.byDepartment")), ("2", state.t("find.byCategory")), ("3", state.t("find.search"))], &screen, layout, top: top + 1)
            keys(state.t("keys.back"), &screen, layout)
        case .departments(let page):
            title(state.t("find.byDepartment"), &screen, layout)
            let names = Department.allCases.map { department in
                "\(department.rawValue)  (\(state.environment.catalog.matters.filter { $0.department == department }.count))"
            }
            keys(list(names, page: page, &screen, layout, top: top, state: state), &screen, layout)
        case .categories:
            title(state.t("find.byCategory"), &screen, layout)
            let names = MatterCategory.allCases.map { category in
                "\(category.rawValue)  (\(state.environment.catalog.matters.filter { $0.category == category }.count))"
            }
            keys(list(names, page: 0, &screen, layout, top: top, state: state), &screen, layout)
        case .matters(let filter, let page):
            let heading = switch filter {
            case .department(let department): department.rawValue
            case .category(let category): category.rawValue
            }
            title(heading, &screen, layout)
            keys(list(state.matters(filter).map { matterLine($0, state) }, page: page, &screen, layout, top: top, state: state), &screen, layout)
        case .search(let page): drawSearch(state, page: page, &screen, layout)
        case .matter(let code): drawMatter(state, code: code, &screen, layout)
        case .guide(let code, let page): drawGuide(state, code: code, page: page, &screen, layout)
        case .form: drawForm(state, &screen, layout)
        case .materials: drawMaterials(state, &screen, layout)
        case .review(let page):
            title(state.t("review.title"), &screen, layout)
            let lines = reviewLines(state, width: layout.bodyWidth)
            let hint = drawPaged(lines, page: page, &screen, layout, state: state)
            keys(state.t("keys.review") + (hint.isEmpty ? "" : "   " + hint), &screen, layout)
        case .confirm:
            title(state.t("confirm.title"), &screen, layout)
            var row = top
            if let matter = state.currentMatter {
                screen.put(text: matter.name.text(state.language), row: row, col: layout.bodyCol, style: .bold)
                row += 2
            }
            row += screen.putWrapped(text: state.t("confirm.body"), row: row, col: layout.bodyCol, width: layout.bodyWidth)
            if case .assisted(let id)? = state.application?.channel {
                screen.put(text: state.t("confirm.assisted", id), row: row + 1, col: layout.bodyCol)
            }
            menu([("1", state.t("confirm.submit")), ("0", state.t("confirm.change"))], &screen, layout, top: top + 8)
            keys(state.t("keys.confirm"), &screen, layout)
        case .working:
            title(state.t("working.title"), &screen, layout)
            screen.putCentered(
                text: state.t(state.submitted == nil ? "working.saving" : "working.printing"), row: top + layout.bodyRows / 2 - 1, style: .bold)
        case .receipt: drawReceipt(state, &screen, layout)
        case .receiptQR: drawReceiptQR(state, &screen, layout)
        case .submitFailed(let message):
            title(state.t("failed.title"), &screen, layout)
            screen.putWrapped(text: message, row: top + 1, col: layout.bodyCol, width: layout.bodyWidth, style: errorStyle)
            keys(state.t("keys.back"), &screen, layout)
        case .progress:
            title(state.t("progress.title"), &screen, layout)
            let used = screen.putWrapped(text: state.t("progress.prompt"), row: top, col: layout.bodyCol, width: layout.bodyWidth)
            screen.put(text: "> ", row: top + used + 1, col: layout.bodyCol, style: .bold)
            screen.put(field: state.receiptInput.field, row: top + used + 1, col: layout.bodyCol + 2, width: min(40, layout.bodyWidth - 4), focused: true)
            screen.put(text: state.t("progress.example"), row: top + used + 3, col: layout.bodyCol)
            keys(state.t("keys.progress"), &screen, layout)
        case .progressResult: drawProgressResult(state, &screen, layout)
        case .assistantLogin:
            title(state.t("login.title"), &screen, layout)
            let width = 20
            screen.put(text: (state.loginFocus == 0 ? "> " : "  ") + state.t("login.id"), row: top + 1, col: layout.bodyCol, style: .bold)
            screen.put(field: state.loginID.field, row: top + 1, col: layout.bodyCol + 20, width: width, focused: state.loginFocus == 0)
            screen.put(text: (state.loginFocus == 1 ? "> " : "  ") + state.t("login.pin"), row: top + 3, col: layout.bodyCol, style: .bold)
            let masked = TextFieldState(text: String(repeating: "*", count: state.loginPIN.text.count), maxLength: 12)
            screen.put(field: masked, row: top + 3, col: layout.bodyCol + 20, width: width, focused: state.loginFocus == 1)
            screen.putWrapped(text: state.t("login.note"), row: top + 6, col: layout.bodyCol, width: layout.bodyWidth)
            keys(state.t("keys.login"), &screen, layout)
        case .assistantHome:
            title(state.t("assistant.title", state.assistant?.id ?? "", state.assistant?.name ?? ""), &screen, layout)
            menu(
                [("1", state.t("assistant.apply")), ("2", state.t("assistant.progress")), ("3", state.t("assistant.queue")),
                 ("4", state.t("assistant.sync")), ("9", state.t("assistant.logout"))],
                &screen, layout, top: top + 1)
            keys(state.t("keys.assistant"), &screen, layout)
        case .queue(let page): drawQueue(state, page: page, &screen, layout)
        }
    }

    /// A matter in a list, marked when the kiosk cannot take it.
    private static func matterLine(_ matter: Matter, _ state: KioskState) -> String {
        let name = matter.name.text(state.language)
        switch matter.refusal {
        case .notDelegated?: return name + "  " + state.t("matter.tag.refused")
        case .townOnly?: return name + "  " + state.t("matter.tag.town")
        case nil: return name
        }
    }

    private static func drawSearch(_ state: KioskState, page: Int, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("search.title"), &screen, layout)
        let top = layout.bodyTop
        screen.put(text: state.t("search.prompt"), row: top, col: layout.bodyCol)
        screen.put(text: "> ", row: top + 1, col: layout.bodyCol, style: .bold)
        drawInput(state.searchInput, state, &screen, layout, row: top + 1, col: layout.bodyCol + 2, width: 30)
        let results = state.searchResults
        var hint = state.t("keys.search")
        if state.searchInput.text.isEmpty {
            screen.put(text: state.t("search.example"), row: top + 4, col: layout.bodyCol)
        } else if results.isEmpty {
            screen.put(text: state.t("search.none"), row: top + 4, col: layout.bodyCol, style: errorStyle)
        } else {
            screen.put(text: state.t("search.count", String(results.count)), row: top + 3, col: layout.bodyCol)
            var listLayout = layout
            listLayout.height = layout.height - 1  // single spacing below the input
            hint = list(results.map { matterLine($0, state) }, page: page, &screen, listLayout, top: top + 4, state: state) + "   " + hint
        }
        keys(hint, &screen, layout)
    }

    /// Draws a text input with its pinyin composition and candidates on the two rows below.
    private static func drawInput(_ input: TextInput, _ state: KioskState, _ screen: inout Screen, _ layout: Layout, row: Int, col: Int, width: Int) {
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

    private static func drawMatter(_ state: KioskState, code: String, _ screen: inout Screen, _ layout: Layout) {
        guard let matter = state.environment.catalog.matter(code) else { return }
        title(matter.name.text(state.language), &screen, layout)
        let top = layout.bodyTop
        screen.put(text: "\(matter.code)   \(matter.department.rawValue)   \(matter.category.rawValue)", row: top, col: layout.bodyCol)
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
            screen.put(text: state.t("matter.steps", String(matter.form.fields.filter { $0.isAnswered }.count)), row: top + 5, col: layout.bodyCol)
            menu([("1", state.t("matter.start")), ("2", state.t("matter.readGuide"))], &screen, layout, top: top + 8)
        }
        keys(state.t("keys.back"), &screen, layout)
    }

    /// The service guide as display lines `width` cells wide.
    public static func guideLines(_ matter: Matter, language: KioskLanguage, width: Int) -> [String] {
        let guide = ServiceGuide(matter, language: language)
        var lines: [String] = []
        for section in guide.sections {
            lines.append("【\(section.title)】")
            for line in section.lines { lines += line.wrapped(toWidth: width - 2).map { "  " + $0 } }
        }
        return lines
    }

    /// Draws one page of `lines` (the last body row holds the page count); returns the paging hint.
    private static func drawPaged(_ lines: [String], page: Int, _ screen: inout Screen, _ layout: Layout, state: KioskState) -> String {
        let perPage = layout.bodyRows - 1
        let pages = pageCount(lines: lines.count, layout: layout)
        let page = min(page, pages - 1)
        for (offset, line) in lines.dropFirst(page * perPage).prefix(perPage).enumerated() {
            screen.put(text: line, row: layout.bodyTop + offset, col: layout.bodyCol, clipTo: layout.bodyCol + layout.bodyWidth)
        }
        guard pages > 1 else { return "" }
        var hints = [state.t("list.page", String(page + 1), String(pages))]
        if page > 0 { hints.append(state.t("keys.previousPage")) }
        if page + 1 < pages { hints.append(state.t("keys.nextPage")) }
        return hints.joined(separator: "   ")
    }

    private static func drawGuide(_ state: KioskState, code: String, page: Int, _ screen: inout Screen, _ layout: Layout) {
        guard let matter = state.environment.catalog.matter(code) else { return }
        title(state.t("guide.title", matter.name.text(state.language)), &screen, layout)
        let hint = drawPaged(guideLines(matter, language: state.language, width: layout.bodyWidth), page: page, &screen, layout, state: state)
        let actions = state.t(matter.refusal == nil ? "keys.guide.apply" : "keys.guide")
        keys([hint, actions].filter { !$0.isEmpty }.joined(separator: "   "), &screen, layout)
    }

    // MARK: - Form

    private static func drawForm(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        guard let application = state.application, let matter = state.currentMatter, let question = state.question else { return }
        title(matter.name.text(state.language), &screen, layout, right: state.t("form.step", String(question.step + 1), String(question.stepCount)))
        var row = layout.bodyTop
        let field = question.field
        if let entry = application.entry {
            screen.put(
                text: state.t(
                    "form.entry", question.top.label.text(state.language), String(entry.index + 1), String(question.memberStep + 1),
                    String(question.memberCount)),
                row: row, col: layout.bodyCol, style: numberStyle, clipTo: layout.width - 2)
            row += 1
        }
        var label = field.label.text(state.language)
        if field.required && field.type != .note && field.type != .repeat { label += "  " + state.t("form.required") }
        row += screen.putWrapped(text: label, row: row, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 2, style: titleStyle)
        if let hint = field.hint {
            row += screen.putWrapped(text: hint.text(state.language), row: row, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 2)
        }
        row += 1
        var keyHint = state.t("keys.form")
        if question.field.type == .repeat && application.entry == nil {
            let entries = state.keptEntries(of: question.top)
            screen.put(text: state.t("form.group.count", String(entries.count)), row: row, col: layout.bodyCol)
            for (index, entry) in entries.prefix(min(7, layout.bodyRows - 8)).enumerated() {
                screen.put(text: "[ \(index + 3) ]", row: row + 1 + index, col: layout.bodyCol + 2, style: numberStyle)
                screen.put(
                    text: state.t("review.entry", String(index + 1)) + entrySummary(entry, group: question.top, state), row: row + 1 + index,
                    col: layout.bodyCol + 10, clipTo: layout.width - 2)
            }
            menu([("1", state.t("form.group.add")), ("2", state.t("form.group.remove"))], &screen, layout, top: layout.noticeRow - 4)
            keyHint = state.t("keys.form.group")
        } else if let input = application.input {
            screen.put(text: "> ", row: row, col: layout.bodyCol, style: .bold)
            let width = min(layout.bodyWidth - 16, max(24, min(field.inputKind?.maxLength ?? 20, 30) * 2 + 1))
            drawInput(input, state, &screen, layout, row: row, col: layout.bodyCol + 2, width: width)
            row += input.isComposing ? 3 : 1
            if let feedback = liveFeedback(field, input.text, state) {
                screen.put(text: feedback.text, row: row + 1, col: layout.bodyCol + 2, style: feedback.good ? goodStyle : errorStyle)
                row += 1
            }
            if field.type == .date {
                screen.put(text: state.t("form.date.example"), row: row + 1, col: layout.bodyCol + 2)
                row += 1
            }
            if input.composer != nil { keyHint += "   " + state.t("keys.pinyin") }
        } else {
            switch field.type {
            case .singleChoice, .multipleChoice:
                let chosen: [String] = switch state.storedValue(question) {
                case .text(let value)?: [value]
                case .list(let values)?: values
                default: []
                }
                let spacing = field.choices.count * 2 <= layout.noticeRow - row - 1 ? 2 : 1
                for (index, choice) in field.choices.prefix(9).enumerated() {
                    let selected = chosen.contains(choice.value)
                    let mark = field.type == .multipleChoice ? (selected ? "[x]" : "[ ]") : (selected ? " > " : "   ")
                    let line = row + index * spacing
                    screen.put(text: mark, row: line, col: layout.bodyCol, style: .bold)
                    screen.put(text: "[ \(index + 1) ]", row: line, col: layout.bodyCol + 4, style: numberStyle)
                    screen.put(
                        text: choice.label.text(state.language), row: line, col: layout.bodyCol + 11, style: selected ? .reverse : .plain,
                        clipTo: layout.width - 2)
                }
                row += min(field.choices.count, 9) * spacing - spacing + 1
                keyHint = state.t(field.type == .multipleChoice ? "keys.form.multiple" : "keys.form.choice")
            default:
                keyHint = state.t("keys.form.note")
            }
        }
        if let error = application.error {
            screen.putWrapped(
                text: "! " + error.text(state.language), row: min(row + 1, layout.noticeRow - 1), col: layout.bodyCol, width: layout.bodyWidth,
                maxRows: 2, style: errorStyle)
        }
        keys(keyHint, &screen, layout)
    }

    /// What an entry of a repeat group holds, masked where sensitive.
    private static func entrySummary(_ entry: Answers, group: Field, _ state: KioskState) -> String {
        group.fields.compactMap { member in
            entry[member.id].map { display($0, field: member, state) }
        }.joined(separator: "  ")
    }

    /// Live help while typing: the ID number's check character.
    private static func liveFeedback(_ field: Field, _ text: String, _ state: KioskState) -> (text: String, good: Bool)? {
        guard field.type == .idNumber else { return nil }
        switch text.count {
        case 17:
            guard let check = ResidentID.checkCharacter(for: Array(text)) else { return nil }
            return (state.t("form.id.expect", String(check)), true)
        case 18:
            do {
                _ = try ResidentID(text, today: state.today)
                return (state.t("form.id.ok"), true)
            } catch {
                return (error.message.text(state.language), false)
            }
        default:
            return text.isEmpty ? nil : (state.t("form.id.count", String(text.count)), true)
        }
    }

    /// An answer as the review shows it: choice labels, masked personal data.
    static func display(_ value: AnswerValue, field: Field, _ state: KioskState) -> String {
        switch value {
        case .text(let text):
            if field.sensitive { return Masking.value(text, for: field) }
            return field.choiceLabel(text)?.text(state.language) ?? text
        case .number(let number):
            return field.sensitive ? Masking.generic(ExpressionValue.format(number)) : ExpressionValue.format(number)
        case .list(let values):
            return values.map { field.choiceLabel($0)?.text(state.language) ?? $0 }.joined(separator: state.language == .zhHans ? "、" : ", ")
        case .group(let entries):
            return state.t("review.entries", String(entries.count))
        }
    }

    /// The review's lines: every answered, visible question with its (masked) answer.
    public static func reviewLines(_ state: KioskState, width: Int) -> [String] {
        guard let application = state.application, let matter = state.environment.catalog.matter(application.matterCode) else { return [] }
        let result = FormValidator.validate(application.answers, form: matter.form, today: state.today)
        var lines: [String] = []
        for field in matter.form.fields where field.type != .note && !result.hidden.contains(field.id) {
            let label = field.label.text(state.language)
            guard let value = result.answers[field.id] else {
                lines.append("\(label): " + state.t("review.empty"))
                continue
            }
            lines += "\(label): \(display(value, field: field, state))".wrapped(toWidth: width)
            if case .group(let entries) = value {
                for (index, entry) in entries.enumerated() {
                    lines += ("  " + state.t("review.entry", String(index + 1)) + entrySummary(entry, group: field, state)).wrapped(toWidth: width)
                }
            }
        }
        return lines
    }

    private static func drawMaterials(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        guard let matter = state.currentMatter else { return }
        title(state.t("materials.title"), &screen, layout)
        var row = layout.bodyTop
        row += screen.putWrapped(text: state.t("materials.intro"), row: row, col: layout.bodyCol, width: layout.bodyWidth)
        row += 1
        for (index, material) in matter.materials.enumerated() {
            var line = "\(index + 1). \(material.name.text(state.language)) (\(material.kind.label.text(state.language)) \(state.t("materials.copies", String(material.copies))))"
            if material.bring { line += "  " + state.t("materials.bring") }
            if let note = material.note { line += "  " + note.text(state.language) }
            row += screen.putWrapped(text: line, row: row, col: layout.bodyCol, width: layout.bodyWidth, maxRows: max(0, layout.noticeRow - 4 - row))
        }
        menu([("1", state.t("materials.confirm")), ("0", state.t("keys.back.short"))], &screen, layout, top: layout.noticeRow - 3, spacing: 1)
        keys(state.t("keys.materials"), &screen, layout)
    }

    private static func drawReceipt(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        guard let summary = state.submitted else { return }
        title(state.t("receipt.title"), &screen, layout)
        let top = layout.bodyTop
        screen.put(text: state.t("receipt.saved"), row: top, col: layout.bodyCol, style: goodStyle)
        if let matter = state.environment.catalog.matter(summary.matter) {
            screen.put(text: matter.name.text(state.language), row: top + 1, col: layout.bodyCol, clipTo: layout.width - 2)
        }
        screen.put(text: state.t("receipt.number"), row: top + 3, col: layout.bodyCol)
        // The number large: letters spaced out, bold, in a box.
        let spaced = summary.receipt.map(String.init).joined(separator: " ")
        let boxWidth = spaced.displayWidth + 6
        screen.drawBox(row: top + 4, col: layout.bodyCol, width: boxWidth, height: 3, style: .bold)
        screen.put(text: spaced, row: top + 5, col: layout.bodyCol + 3, style: Style(bold: true, foreground: .brightWhite))
        let qr = state.receiptQR?.lines ?? []
        let qrCol = layout.bodyCol + boxWidth + 4
        let inline = !qr.isEmpty && qr.count <= layout.bodyRows - 1 && qrCol + (qr.first?.count ?? 0) <= layout.width - 1
        let textWidth = inline ? boxWidth + 2 : layout.bodyWidth
        if inline {
            for (offset, line) in qr.enumerated() { screen.put(text: line, row: top + offset, col: qrCol) }
        }
        var row = top + 8
        let (message, style): (String, Style) = switch state.printResult {
        case .printed?: (state.t("receipt.printed"), goodStyle)
        case .failed(let message, _)?: (message + " " + state.t("receipt.printFailed"), errorStyle)
        case .notConfigured?, nil: (state.t("receipt.printPending"), errorStyle)
        }
        row += screen.putWrapped(text: message, row: row, col: layout.bodyCol, width: textWidth, maxRows: 3, style: style)
        switch state.formPrintResult {
        case .printed?: row += screen.putWrapped(text: state.t("receipt.formPrinted"), row: row, col: layout.bodyCol, width: textWidth, maxRows: 2, style: goodStyle)
        case .failed(let message, _)?:
            row += screen.putWrapped(text: message + " " + state.t("receipt.formFailed"), row: row, col: layout.bodyCol, width: textWidth, maxRows: 2, style: errorStyle)
        case .notConfigured?, nil: break
        }
        screen.putWrapped(text: state.t("receipt.keep"), row: row + 1, col: layout.bodyCol, width: textWidth, maxRows: 2)
        let retry = state.printResult != .printed ? state.t("keys.receipt.retry") + "   " : ""
        keys(retry + state.t(inline || qr.isEmpty ? "keys.receipt" : "keys.receipt.qr"), &screen, layout)
    }

    /// The QR alone on the screen: with a 2-module quiet zone and a hint when they fit, else with a
    /// 1-module quiet zone on every row (a receipt's QR is version 7 here: 24 rows that way).
    private static func drawReceiptQR(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        for lines in [state.receiptQR?.lines ?? [], state.receiptQR?.compactLines ?? []] {
            guard !lines.isEmpty, lines.count <= layout.height, (lines.first?.count ?? 0) <= layout.width else { continue }
            let hint = lines.count < layout.height
            let top = hint ? (layout.height - 1 - lines.count) / 2 : 0
            let col = (layout.width - (lines.first?.count ?? 0)) / 2
            for (offset, line) in lines.enumerated() { screen.put(text: line, row: top + offset, col: col) }
            if hint { screen.putCentered(text: state.t("keys.receipt.qrBack"), row: layout.height - 1, style: .bold) }
            return
        }
        screen.putCentered(text: state.t("receipt.qrTooBig"), row: layout.height / 2, style: errorStyle)
    }

    private static func drawProgressResult(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("progress.title"), &screen, layout)
        let top = layout.bodyTop
        guard let summary = state.lookup else {
            screen.putWrapped(
                text: state.t("progress.notFound", state.lookupQuery ?? ""), row: top + 1, col: layout.bodyCol, width: layout.bodyWidth,
                style: errorStyle)
            keys(state.t("keys.back"), &screen, layout)
            return
        }
        let matter = state.environment.catalog.matter(summary.matter)?.name.text(state.language) ?? summary.matter
        let rows: [(String, String)] = [
            (state.t("progress.receipt"), summary.receipt),
            (state.t("progress.matter"), matter),
            (state.t("progress.date"), CalendarDate(summary.createdAt).description),
            (state.t("progress.state"), summary.state.label.text(state.language)),
            (state.t("progress.decision"), summary.decision == nil ? state.t("progress.noDecision") : summary.status(state.language)),
        ]
        var row = top
        for (label, value) in rows {
            screen.put(text: label, row: row, col: layout.bodyCol, style: .bold)
            row += screen.putWrapped(text: value, row: row, col: layout.bodyCol + 12, width: layout.bodyWidth - 12, maxRows: 3) + 1
        }
        if let decided = summary.decidedAt {
            screen.put(text: state.t("progress.decidedAt", CalendarDate(decided).description), row: row, col: layout.bodyCol)
        }
        keys(state.t("keys.back"), &screen, layout)
    }

    private static func drawQueue(_ state: KioskState, page: Int, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("queue.title"), &screen, layout)
        guard let queue = state.queue else {
            screen.put(text: state.t("queue.loading"), row: layout.bodyTop, col: layout.bodyCol)
            keys(state.t("keys.back"), &screen, layout)
            return
        }
        let stats = queue.stats
        screen.put(
            text: state.t(
                "queue.stats", String(stats.total), String(stats.byState[SubmissionState.queued.rawValue] ?? 0),
                String(stats.byState[SubmissionState.acknowledged.rawValue] ?? 0), String(stats.notPrinted)),
            row: layout.bodyTop, col: layout.bodyCol, clipTo: layout.width - 2)
        let lines = queue.items.map { item in
            "\(item.receipt)  \(item.matter)  \(item.applicantMasked.split(separator: " ").first ?? "")  \(item.state.label.text(state.language))"
        }
        var listLayout = layout
        listLayout.height = layout.height - 2
        let hint = list(lines, page: page, &screen, listLayout, top: layout.bodyTop + 2, state: state)
        keys(state.t("keys.queue") + "   " + hint, &screen, layout)
    }
}

extension KioskView {
    /// The home screen drawn from the station and the kiosk's words alone: what `kiosk run` shows
    /// while it loads the catalog, the pinyin dictionary and the queue.
    public static func home(station: StationConfig, strings: UIStrings, width: Int, height: Int) -> Screen {
        let environment = KioskEnvironment(
            station: station, catalog: Catalog(version: "", county: "", matters: []), strings: strings,
            search: MatterSearch(readings: [:]), candidates: nil)
        return render(KioskState(environment: environment, now: Date()), width: width, height: height)
    }
}
