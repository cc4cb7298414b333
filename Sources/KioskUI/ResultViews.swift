import Foundation
import KioskCore
import Terminal

/// The screens that show stored applications: the receipt, its QR, a looked-up application and the queue.
extension KioskView {
    static func drawReceipt(_ state: KioskState, _ receipt: ReceiptScreen, _ screen: inout Screen, _ layout: Layout) {
        let summary = receipt.stored.summary
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
        let qr = receipt.stored.qr.lines
        let qrCol = layout.bodyCol + boxWidth + 4
        let inline = !qr.isEmpty && qr.count <= layout.bodyRows - 1 && qrCol + (qr.first?.count ?? 0) <= layout.width - 1
        let textWidth = inline ? boxWidth + 2 : layout.bodyWidth
        if inline {
            for (offset, line) in qr.enumerated() { screen.put(text: line, row: top + offset, col: qrCol) }
        }
        var row = top + 8
        let (message, style): (String, Style) = switch receipt.printResult {
        case .printed?: (state.t("receipt.printed"), goodStyle)
        // What is wrong once (the first line already says the application is saved), then what to do.
        case .failed(let reason, _)?: (state.t("receipt.printFailed", state.t(reason.key)), errorStyle)
        case .notConfigured?, nil: (state.t("receipt.printPending"), errorStyle)
        }
        row += screen.putWrapped(text: message, row: row, col: layout.bodyCol, width: textWidth, maxRows: 3, style: style)
        switch receipt.formPrintResult {
        case .printed?: row += screen.putWrapped(text: state.t("receipt.formPrinted"), row: row, col: layout.bodyCol, width: textWidth, maxRows: 2, style: goodStyle)
        case .failed(let reason, _)?:
            // The same problem as the receipt's is not said twice.
            let text = if case .failed(reason, _)? = receipt.printResult {
                state.t("receipt.formFailedToo")
            } else {
                state.t("receipt.formFailed", state.t(reason.key))
            }
            row += screen.putWrapped(text: text, row: row, col: layout.bodyCol, width: textWidth, maxRows: 2, style: errorStyle)
        case .notConfigured?, nil: break
        }
        screen.putWrapped(text: state.t("receipt.keep"), row: row + 1, col: layout.bodyCol, width: textWidth, maxRows: 2)
        let retry = receipt.printResult != .printed ? state.t("keys.receipt.retry") + "   " : ""
        keys(retry + state.t(inline || qr.isEmpty ? "keys.receipt" : "keys.receipt.qr"), &screen, layout)
    }

    /// The QR alone on the screen, its caption and the way out beside it: with the standard's 4-module
    /// quiet zone when it fits, else with 4 modules left and right and fewer above and below (a
    /// receipt's QR is version 7: 24 rows that way).
    static func drawReceiptQR(_ state: KioskState, _ qr: ReceiptQR, _ screen: inout Screen, _ layout: Layout) {
        for lines in [qr.lines, qr.compactLines] {
            let qrWidth = lines.first?.count ?? 0
            let sideWidth = min(30, layout.width - qrWidth - 4)
            guard !lines.isEmpty, lines.count <= layout.height, sideWidth >= 16 else { continue }
            let top = (layout.height - lines.count) / 2
            let col = (layout.width - qrWidth - 2 - sideWidth) / 2
            for (offset, line) in lines.enumerated() { screen.put(text: line, row: top + offset, col: col) }
            let caption = state.t("receipt.qrCaption").wrapped(toWidth: sideWidth)
            let wayOut = state.t("keys.receipt.qrBack").wrapped(toWidth: sideWidth)
            var row = max(0, (layout.height - caption.count - 1 - wayOut.count) / 2)
            for line in caption {
                screen.put(text: line, row: row, col: col + qrWidth + 2, style: .bold)
                row += 1
            }
            row += 1
            for line in wayOut {
                screen.put(text: line, row: row, col: col + qrWidth + 2, style: numberStyle)
                row += 1
            }
            return
        }
        screen.putCentered(text: state.t("receipt.qrTooBig"), row: layout.height / 2, style: errorStyle)
    }

    static func drawProgressResult(
        _ state: KioskState, query: String, _ lookup: SubmissionSummary?, notices: [StationNotice], _ screen: inout Screen, _ layout: Layout
    ) {
        title(state.t("progress.title"), &screen, layout)
        let top = layout.bodyTop
        guard let summary = lookup else {
            screen.putWrapped(
                text: state.t("progress.notFound", query), row: top + 1, col: layout.bodyCol, width: layout.bodyWidth,
                style: errorStyle)
            keys(state.t("keys.back"), &screen, layout)
            return
        }
        let matter = state.environment.catalog.matter(summary.matter)?.name.text(state.language) ?? summary.matter
        var rows: [(String, String)] = [
            (state.t("progress.receipt"), summary.receipt),
            (state.t("progress.matter"), matter),
            (state.t("progress.date"), CalendarDate(summary.createdAt).description),
            (state.t("progress.state"), summary.state.label.text(state.language)),
            (state.t("progress.decision"), summary.decision == nil ? state.t("progress.noDecision") : summary.status(state.language)),
        ]
        if let progress = summary.progress {
            if let due = progress.due {
                rows.append((state.t("progress.due"), state.t(progress.dueEstimated ? "progress.dueEstimated" : "progress.dueBy", due)))
            }
            if !progress.missing.isEmpty { rows.append((state.t("progress.missing"), progress.missing.joined(separator: "、"))) }
            if let goTo = progress.goTo { rows.append((state.t("progress.goTo"), goTo)) }
        }
        if let notice = notices.last { rows.append((state.t("progress.notice"), "\(notice.title) \(notice.number)")) }
        var row = top
        for (label, value) in rows {
            screen.put(text: label, row: row, col: layout.bodyCol, style: .bold)
            row += screen.putWrapped(text: value, row: row, col: layout.bodyCol + 12, width: layout.bodyWidth - 12, maxRows: 3) + 1
        }
        if let decided = summary.decidedAt {
            screen.put(text: state.t("progress.decidedAt", CalendarDate(decided).description), row: row, col: layout.bodyCol)
        }
        var hints: [String] = []
        if !notices.isEmpty { hints.append(state.t("keys.progress.notice")) }
        if summary.isDecided { hints.append(state.t("keys.progress.rate")) }
        keys((hints + [state.t("keys.back")]).joined(separator: "  "), &screen, layout)
    }

    static func drawRating(_ state: KioskState, _ rating: RatingScreen, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("rating.title"), &screen, layout, right: rating.summary.receipt)
        let top = layout.bodyTop
        guard let level = rating.level else {
            screen.putWrapped(text: state.t("rating.prompt"), row: top, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 2)
            menu(RatingLevel.offered.enumerated().map { ("\($0.offset + 1)", $0.element.label.text(state.language)) }, &screen, layout, top: top + 3)
            keys(state.t("keys.back"), &screen, layout)
            return
        }
        screen.put(text: level.label.text(state.language), row: top, col: layout.bodyCol, style: .bold)
        screen.putWrapped(text: state.t("rating.reasons"), row: top + 1, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 2)
        menu(RatingReason.allCases.enumerated().map { index, reason in
            ("\(index + 1)", (rating.reasons.contains(reason) ? "[x] " : "[ ] ") + reason.label.text(state.language))
        }, &screen, layout, top: top + 4)
        keys(state.t("keys.rating.reasons"), &screen, layout)
    }

    static func drawQueue(_ state: KioskState, _ queue: QueueView?, page: Int, asking: Int?, _ screen: inout Screen, _ layout: Layout) {
        title(state.t("queue.title"), &screen, layout)
        guard let queue else {
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
        // The matter's name, not its code, cut to what the line leaves after the receipt, applicant and state.
        let room = layout.width - 2 - (layout.bodyCol + 10)
        let lines = queue.items.map { item in
            let head = "\(item.receipt)  \(item.applicantMasked.split(separator: " ").first ?? "")  "
            let tail = "  " + item.state.label.text(state.language)
            return head + state.matterName(item.matter).clipped(toWidth: room - head.displayWidth - tail.displayWidth) + tail
        }
        var listLayout = layout
        listLayout.height = layout.height - 2
        let hint = list(lines, page: page, &screen, listLayout, top: layout.bodyTop + 2, state: state)
        if let asking, asking < queue.items.count {
            let item = queue.items[asking]
            screen.putWrapped(
                text: state.t("queue.reprint.ask", item.receipt, state.matterName(item.matter)), row: layout.noticeRow, col: layout.bodyCol,
                width: layout.bodyWidth, maxRows: 1, style: titleStyle)
            keys(state.t("keys.queue.ask"), &screen, layout)
        } else {
            keys(state.t("keys.queue") + "   " + hint, &screen, layout)
        }
    }
}

extension KioskState {
    /// The name of the matter `code` in the screen's language (the code when the catalog no longer has it).
    func matterName(_ code: String) -> String {
        environment.catalog.matter(code)?.name.text(language) ?? code
    }
}

extension String {
    /// The string cut to at most `width` cells, ending in "…" when it was cut.
    func clipped(toWidth width: Int) -> String {
        guard displayWidth > width else { return self }
        let ellipsis = "…"
        guard width >= ellipsis.displayWidth else { return "" }
        var result = ""
        var used = 0
        for character in self {
            let cells = Terminal.displayWidth(of: character)
            if used + cells > width - ellipsis.displayWidth { break }
            result.append(character)
            used += cells
        }
        return result + ellipsis
    }
}
