import Foundation
import KioskCore
import Terminal

/// The view function of the Elm architecture: draws a state onto a screen of any size (80x24 at
/// least; larger terminals get wider text and longer pages).
public enum KioskView {
    static let titleStyle = Style(bold: true)
    static let numberStyle = Style(bold: true, foreground: .cyan)
    static let errorStyle = Style(bold: true, foreground: .red)
    static let goodStyle = Style(bold: true, foreground: .green)
    static let barStyle = Style(reverse: true)
    static let countdownStyle = Style(bold: true, foreground: .black, background: .yellow)

    /// The screen for `state` at `width` x `height` (the state's layout set to that size).
    public static func render(_ state: KioskState, width: Int, height: Int) -> Screen {
        var state = state
        state.layout = Layout(width: width, height: height)
        return render(state)
    }

    /// The screen for `state` at the size of its layout.
    public static func render(_ state: KioskState) -> Screen {
        let layout = state.layout
        var screen = Screen(width: layout.width, height: layout.height)
        guard layout.fits else {
            screen.putWrapped(text: state.t("screen.tooSmall"), row: 0, col: 0, width: layout.width)
            return screen
        }
        if state.page != .receiptQR { drawHeader(state, &screen, layout) }
        drawPage(state, &screen, layout)
        if let notice = state.notice { drawNotice(notice, &screen, layout) }
        if let remaining = state.countdownRemaining {
            screen.clear(row: layout.statusRow, col: 0, width: layout.width, height: 1, style: countdownStyle)
            screen.putCentered(text: state.t("idle.countdown", String(remaining)), row: layout.statusRow, style: countdownStyle)
        }
        return screen
    }

    static func drawHeader(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        screen.clear(row: 0, col: 0, width: layout.width, height: 1, style: barStyle)
        screen.put(text: " " + state.t("header.title", state.environment.station.station.name), row: 0, col: 0, style: barStyle)
        var right = state.t("header.language")
        if let assistant = state.assistant { right = state.t("header.assistant", assistant.id) + "  " + right }
        right += "  " + CalendarDate(state.now).description + " "
        screen.put(text: right, row: 0, col: layout.width - right.displayWidth, style: barStyle)
    }

    /// Draws a notice and its assistant lines, wrapped, ending on the notice row (never over the divider
    /// below it): at most four rows, the rows it takes cleared first.
    static func drawNotice(_ notice: Notice, _ screen: inout Screen, _ layout: Layout) {
        let style = notice.isError ? errorStyle : goodStyle
        var lines = ((notice.isError ? "! " : "") + notice.text).wrapped(toWidth: layout.bodyWidth).map { ($0, style) }
        if let detail = notice.detail { lines += detail.wrapped(toWidth: layout.bodyWidth).map { ($0, titleStyle) } }
        let shown = lines.prefix(4)
        let top = layout.noticeRow - shown.count + 1
        screen.clear(row: top, col: 0, width: layout.width, height: shown.count)
        for (offset, line) in shown.enumerated() {
            screen.put(text: line.0, row: top + offset, col: layout.bodyCol, style: line.1)
        }
    }

    /// Draws a title on the title row.
    static func title(_ text: String, _ screen: inout Screen, _ layout: Layout, right: String? = nil) {
        screen.put(text: text, row: layout.titleRow, col: layout.bodyCol, style: titleStyle, clipTo: layout.width - 2 - (right?.displayWidth ?? 0))
        if let right { screen.put(text: right, row: layout.titleRow, col: layout.bodyCol + layout.bodyWidth - right.displayWidth, style: titleStyle) }
        screen.put(text: String(repeating: "-", count: layout.bodyWidth), row: layout.titleRow + 1, col: layout.bodyCol)
    }

    /// Draws the key hints at the bottom.
    static func keys(_ text: String, _ screen: inout Screen, _ layout: Layout) {
        screen.put(text: String(repeating: "-", count: layout.bodyWidth), row: layout.keysRow - 1, col: layout.bodyCol)
        screen.put(text: text, row: layout.keysRow, col: layout.bodyCol, clipTo: layout.width - 1)
    }

    /// Draws big numbered choices, `spacing` rows apart.
    static func menu(_ items: [(String, String)], _ screen: inout Screen, _ layout: Layout, top: Int, spacing: Int = 2) {
        for (index, item) in items.enumerated() {
            let row = top + index * spacing
            screen.put(text: "[ \(item.0) ]", row: row, col: layout.bodyCol + 4, style: numberStyle)
            screen.put(text: item.1, row: row, col: layout.bodyCol + 12, style: .bold, clipTo: layout.width - 2)
        }
    }

    /// Draws one page of a numbered list (1-7) with the page count in the title's corner.
    static func list(_ items: [String], page: Int, _ screen: inout Screen, _ layout: Layout, top: Int, state: KioskState) -> String {
        let (shown, page, pages) = Layout.listPage(items, page: page)
        let spacing = layout.bodyRows >= top - layout.bodyTop + 2 * Layout.listPageSize ? 2 : 1
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

    // MARK: - Pages

    static func drawPage(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
        let top = layout.bodyTop
        switch state.current {
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
        case .find(let purpose):
            title(state.t(purpose == .apply ? "find.title.apply" : "find.title.guide"), &screen, layout)
            menu([("1", state.t("find.byDepartment")), ("2", state.t("find.byCategory")), ("3", state.t("find.search"))], &screen, layout, top: top + 1)
            keys(state.t("keys.back"), &screen, layout)
        case .departments(_, let page):
            title(state.t("find.byDepartment"), &screen, layout)
            let names = Department.allCases.map { department in
                "\(department.rawValue)  (\(state.environment.catalog.matters.filter { $0.department == department }.count))"
            }
            keys(list(names, page: page, &screen, layout, top: top, state: state), &screen, layout)
        case .categories:
            title(state.t("find.byCategory"), &screen, layout)
            let names = MatterCategory.allCases.map { category in
                "\(state.categoryName(category))  (\(state.environment.catalog.matters.filter { $0.category == category }.count))"
            }
            keys(list(names, page: 0, &screen, layout, top: top, state: state), &screen, layout)
        case .matters(_, let filter, let page):
            let heading = switch filter {
            case .department(let department): department.rawValue
            case .category(let category): state.categoryName(category)
            }
            title(heading, &screen, layout)
            keys(list(state.matters(filter).map { matterLine($0, state) }, page: page, &screen, layout, top: top, state: state), &screen, layout)
        case .search(_, let search): drawSearch(state, search, &screen, layout)
        case .matter(let code): drawMatter(state, code: code, &screen, layout)
        case .guide(let code, let page): drawGuide(state, code: code, page: page, &screen, layout)
        case .form(let application): drawForm(state, application, &screen, layout)
        case .materials: drawMaterials(state, &screen, layout)
        case .review(let application, let review):
            title(state.t("review.title"), &screen, layout, right: state.t(review.revealed ? "review.revealed" : "review.masked"))
            let lines = state.reviewLines(application, revealed: review.revealed)
            let (shown, page, pages) = layout.textPage(lines, page: review.page)
            for (offset, line) in shown.enumerated() {
                screen.put(text: line, row: top + offset, col: layout.bodyCol, clipTo: layout.bodyCol + layout.bodyWidth)
            }
            if pages > 1 {
                screen.put(
                    text: state.t("list.page", String(page + 1), String(pages)) + "   " + state.t("keys.review.pages"),
                    row: layout.noticeRow - 1, col: layout.bodyCol)
            }
            if !review.number.isEmpty, state.notice == nil {
                screen.put(text: state.t("review.number", review.number), row: layout.noticeRow, col: layout.bodyCol, style: numberStyle)
            }
            keys(state.t("keys.review", state.t(review.revealed ? "keys.review.hide" : "keys.review.reveal")), &screen, layout)
        case .confirm(let application):
            title(state.t("confirm.title"), &screen, layout)
            var row = top
            if let matter = state.currentMatter {
                screen.put(text: matter.name.text(state.language), row: row, col: layout.bodyCol, style: .bold)
                row += 2
            }
            row += screen.putWrapped(text: state.t("confirm.body"), row: row, col: layout.bodyCol, width: layout.bodyWidth)
            if case .assisted(let id) = application.channel {
                screen.put(text: state.t("confirm.assisted", id), row: row + 1, col: layout.bodyCol)
            }
            menu([("1", state.t("confirm.submit")), ("0", state.t("confirm.change"))], &screen, layout, top: top + 8)
            keys(state.t("keys.confirm"), &screen, layout)
        case .saving, .printing:
            title(state.t("working.title"), &screen, layout)
            let saving = if case .saving = state.current { true } else { false }
            screen.putCentered(text: state.t(saving ? "working.saving" : "working.printing"), row: top + layout.bodyRows / 2 - 1, style: .bold)
        case .receipt(let receipt): drawReceipt(state, receipt, &screen, layout)
        case .receiptQR(let receipt): drawReceiptQR(state, receipt.stored.qr, &screen, layout)
        case .submitFailed(let message):
            title(state.t("failed.title"), &screen, layout)
            screen.putWrapped(text: message, row: top + 1, col: layout.bodyCol, width: layout.bodyWidth, style: errorStyle)
            keys(state.t("keys.back"), &screen, layout)
        case .progress(let progress):
            title(state.t("progress.title"), &screen, layout)
            let used = screen.putWrapped(text: state.t("progress.prompt"), row: top, col: layout.bodyCol, width: layout.bodyWidth)
            screen.put(text: "> ", row: top + used + 1, col: layout.bodyCol, style: .bold)
            screen.put(field: progress.input.field, row: top + used + 1, col: layout.bodyCol + 2, width: min(40, layout.bodyWidth - 4), focused: true)
            screen.put(text: state.t("progress.example"), row: top + used + 3, col: layout.bodyCol)
            screen.put(text: state.t("progress.digits"), row: top + used + 4, col: layout.bodyCol, clipTo: layout.width - 2)
            keys(state.t("keys.progress"), &screen, layout)
        case .progressResult(let query, let lookup, let notices): drawProgressResult(state, query: query, lookup, notices: notices, &screen, layout)
        case .rating(let rating): drawRating(state, rating, &screen, layout)
        case .assistantLogin(let login):
            title(state.t("login.title"), &screen, layout)
            let width = 20
            screen.put(text: (login.focus == 0 ? "> " : "  ") + state.t("login.id"), row: top + 1, col: layout.bodyCol, style: .bold)
            screen.put(field: login.id.field, row: top + 1, col: layout.bodyCol + 20, width: width, focused: login.focus == 0)
            screen.put(text: (login.focus == 1 ? "> " : "  ") + state.t("login.pin"), row: top + 3, col: layout.bodyCol, style: .bold)
            let masked = TextFieldState(text: String(repeating: "*", count: login.pin.text.count), maxLength: 12)
            screen.put(field: masked, row: top + 3, col: layout.bodyCol + 20, width: width, focused: login.focus == 1)
            screen.putWrapped(text: state.t("login.note"), row: top + 6, col: layout.bodyCol, width: layout.bodyWidth)
            keys(state.t("keys.login"), &screen, layout)
        case .assistantHome:
            title(state.t("assistant.title", state.assistant?.id ?? "", state.assistant?.name ?? ""), &screen, layout)
            menu(
                [("1", state.t("assistant.apply")), ("2", state.t("assistant.progress")), ("3", state.t("assistant.queue")),
                 ("4", state.t("assistant.sync")), ("9", state.t("assistant.logout"))],
                &screen, layout, top: top + 1)
            keys(state.t("keys.assistant"), &screen, layout)
        case .queue(let queue, let page, let asking): drawQueue(state, queue, page: page, asking: asking, &screen, layout)
        }
    }

    /// A matter in a list, marked when the kiosk cannot take it.
    static func matterLine(_ matter: Matter, _ state: KioskState) -> String {
        let name = matter.name.text(state.language)
        switch matter.refusal {
        case .notDelegated?: return name + "  " + state.t("matter.tag.refused")
        case .townOnly?: return name + "  " + state.t("matter.tag.town")
        case nil: return name
        }
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
