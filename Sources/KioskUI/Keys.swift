import Foundation
import KioskCore
import Terminal

/// What a key does on a numbered list.
private enum ListAction {
    case select(Int)
    case turn(Int)
    case back
    case none
}

extension KeyEvent {
    /// The digit typed, if this is a single ASCII digit.
    var digit: Int? {
        guard case .text(let text) = self, text.count == 1, let character = text.first, character.isASCIIDigit else { return nil }
        return character.wholeNumberValue
    }

    /// Whether this is a key a resident types or presses to go on (text, Enter, Esc, Space, Backspace).
    var isTyping: Bool {
        switch self {
        case .text, .paste, .enter, .escape, .backspace: true
        default: false
        }
    }

    /// Whether this key turns to the next page (PageDown, Down or 9).
    var isNextPage: Bool { self == .pageDown || self == .down || digit == 9 }
    /// Whether this key turns to the previous page (PageUp, Up or 8).
    var isPreviousPage: Bool { self == .pageUp || self == .up || digit == 8 }
}

extension KioskState {
    private func listAction(_ key: KeyEvent, count: Int, page: Int) -> ListAction {
        let pages = Layout.listPageCount(count)
        switch key {
        case .escape: return .back
        case .pageDown, .down: return page + 1 < pages ? .turn(page + 1) : .none
        case .pageUp, .up: return page > 0 ? .turn(page - 1) : .none
        default: break
        }
        switch key.digit {
        case 0: return .back
        case 8: return page > 0 ? .turn(page - 1) : .none
        case 9: return page + 1 < pages ? .turn(page + 1) : .none
        case let digit? where digit <= Layout.listPageSize:
            let index = page * Layout.listPageSize + digit - 1
            return index < count ? .select(index) : .none
        default: return .none
        }
    }

    /// The page of paged text after `key` (nil: the key does not turn pages).
    private func turn(_ key: KeyEvent, page: Int, lines: Int) -> Int? {
        if key.isNextPage { return min(page + 1, layout.pageCount(lines: lines) - 1) }
        if key.isPreviousPage { return max(0, page - 1) }
        return nil
    }

    mutating func handleKey(_ key: KeyEvent) -> [Effect] {
        switch current {
        case .home: return homeKey(key)
        case .progressResult(_, let summary?, let notices) where key.digit == 5 && !notices.isEmpty:
            pending += 1
            return [.printNotice(receipt: summary.receipt, number: notices[notices.count - 1].number, assistant: assistant?.id)]
        case .progressResult(_, let summary?, _) where key.digit == 6 && summary.isDecided:
            push(.rating(RatingScreen(summary: summary)))
        case .rating(let rating): return ratingKey(key, rating)
        case .help, .progressResult:
            if key == .enter || key == .escape || key.digit == 0 { back() }
        case .find(let purpose):
            switch key.digit {
            case 1: push(.departments(purpose, page: 0))
            case 2: push(.categories(purpose))
            case 3: push(.search(purpose, SearchScreen(candidates: environment.candidates)))
            case 0: back()
            default: if key == .escape { back() }
            }
        case .departments(let purpose, let current):
            let all = Department.allCases
            switch listAction(key, count: all.count, page: current) {
            case .select(let index): push(.matters(purpose, .department(all[index]), page: 0))
            case .turn(let next): self.current = .departments(purpose, page: next)
            case .back: back()
            case .none: break
            }
        case .categories(let purpose):
            let all = MatterCategory.allCases
            switch listAction(key, count: all.count, page: 0) {
            case .select(let index): push(.matters(purpose, .category(all[index]), page: 0))
            case .back: back()
            case .turn, .none: break
            }
        case .matters(let purpose, let filter, let current):
            let list = matters(filter)
            switch listAction(key, count: list.count, page: current) {
            case .select(let index): open(list[index], purpose)
            case .turn(let next): self.current = .matters(purpose, filter, page: next)
            case .back: back()
            case .none: break
            }
        case .search(let purpose, let search): searchKey(key, purpose, search)
        case .matter(let code): return matterKey(key, code: code)
        case .guide(let code, let current): return guideKey(key, code: code, page: current)
        case .form(let application): formKey(key, application)
        case .materials(let application):
            if key == .enter || key.digit == 1 {
                push(.review(application, ReviewScreen()))
            } else if key == .escape || key.digit == 0 {
                back()
            }
        case .review(let application, let review): reviewKey(key, application, review)
        case .confirm(let application):
            if key == .enter || key.digit == 1 {
                current = .saving(application)
                pending += 1
                return [.submit(matter: application.matterCode, answers: application.answers, channel: application.channel)]
            } else if key == .escape || key.digit == 0 {
                back()
            }
        case .saving, .printing:
            break
        case .receipt(let receipt):
            if key.digit == 2, receipt.printResult != .printed {
                // Printing again while the resident is still here: the application is already saved.
                current = .printing(receipt)
                pending += 1
                return [.printReceipt(receipt.stored.summary)]
            } else if key.digit == 1 {
                current = .receiptQR(receipt)
            } else if key.digit == 0 {
                goHome()
            } else if key.isTyping {
                // A stray key never takes the receipt number off the screen: say which key does.
                notice = Notice(text: t("receipt.homeKey"), isError: false)
            }
        case .receiptQR(let receipt):
            current = .receipt(receipt)
        case .submitFailed:
            if key == .escape || key.digit == 0 || key == .enter { back() }
        case .progress(let progress): return progressKey(key, progress)
        case .assistantLogin(let login): return loginKey(key, login)
        case .assistantHome: return assistantKey(key)
        case .queue(let queue, let current, let asking):
            let items = queue?.items ?? []
            if let asking, asking < items.count {
                // A digit chose an application: only 1 (or Enter) prints its receipt again; any other key cancels.
                self.current = .queue(queue, page: current, asking: nil)
                if key.digit == 1 || key == .enter {
                    pending += 1
                    return [.reprint(items[asking])]
                }
                return []
            }
            switch listAction(key, count: items.count, page: current) {
            case .select(let index): self.current = .queue(queue, page: current, asking: index)
            case .turn(let next): self.current = .queue(queue, page: next, asking: nil)
            case .back: back()
            case .none: break
            }
        }
        return []
    }

    private mutating func homeKey(_ key: KeyEvent) -> [Effect] {
        // A receipt scanned (or a receipt number typed) on the start screen: look it up.
        switch key {
        case .text(let text) where key.digit == nil && text.first?.isLetter == true, .paste(let text) where !text.isEmpty:
            var progress = ProgressScreen()
            _ = progress.input.handle(key)
            push(.progress(progress))
            return []
        default:
            break
        }
        switch key.digit {
        case 1: push(.find(.apply))
        case 2: push(.progress(ProgressScreen()))
        case 3: push(.find(.guide))
        case 4: push(assistant == nil ? .assistantLogin(LoginScreen()) : .assistantHome)
        case 5: language = language == .zhHans ? .en : .zhHans
        case 6: push(.help)
        default: break
        }
        return []
    }

    private mutating func open(_ matter: Matter, _ purpose: FindPurpose) {
        push(purpose == .guide ? .guide(code: matter.code, page: 0) : .matter(code: matter.code))
    }

    private mutating func searchKey(_ key: KeyEvent, _ purpose: FindPurpose, _ search: SearchScreen) {
        var search = search
        let composing = search.input.isComposing
        if !composing, key.digit != nil || key == .escape || key == .pageUp || key == .pageDown || key == .up || key == .down {
            let results = searchResults
            switch listAction(key, count: results.count, page: search.page) {
            case .select(let index): open(results[index], purpose)
            case .turn(let next):
                search.page = next
                current = .search(purpose, search)
            case .back: back()
            case .none: break
            }
            return
        }
        if !composing, key == .enter {
            if search.input.text.isEmpty { back() }
            return
        }
        let before = search.input.text
        _ = search.input.handle(key)
        if search.input.text != before { search.page = 0 }
        current = .search(purpose, search)
    }

    private mutating func matterKey(_ key: KeyEvent, code: String) -> [Effect] {
        guard let matter = environment.catalog.matter(code) else {
            back()
            return []
        }
        switch key.digit {
        case 1:
            if matter.refusal == nil {
                startApplication(matter)
            } else {
                push(.guide(code: code, page: 0))
            }
        case 2:
            if matter.refusal == nil {
                push(.guide(code: code, page: 0))
            } else {
                pending += 1
                return [.printGuide(matter: code)]
            }
        case 0: back()
        default: if key == .escape { back() }
        }
        return []
    }

    /// The level by one key (1 is 非常满意); a bad one then asks what was wrong: digits tick reasons,
    /// Enter sends (at least one ticked). 0 or Esc goes back a step.
    private mutating func ratingKey(_ key: KeyEvent, _ screen: RatingScreen) -> [Effect] {
        var screen = screen
        guard let level = screen.level else {
            if let digit = key.digit, (1...RatingLevel.offered.count).contains(digit) {
                let chosen = RatingLevel.offered[digit - 1]
                if !chosen.isBad { return rate(screen.summary, chosen, []) }
                screen.level = chosen
                current = .rating(screen)
            } else if key.digit == 0 || key == .escape {
                back()
            }
            return []
        }
        if let digit = key.digit, (1...RatingReason.allCases.count).contains(digit) {
            let reason = RatingReason.allCases[digit - 1]
            if screen.reasons.contains(reason) { screen.reasons.remove(reason) } else { screen.reasons.insert(reason) }
            current = .rating(screen)
        } else if key == .enter {
            guard !screen.reasons.isEmpty else {
                show(error: t("rating.pickReason"))
                return []
            }
            return rate(screen.summary, level, Array(screen.reasons))
        } else if key.digit == 0 || key == .escape {
            screen.level = nil
            screen.reasons = []
            current = .rating(screen)
        }
        return []
    }

    /// Back to the application's progress, the rating on its way to be kept.
    private mutating func rate(_ summary: SubmissionSummary, _ level: RatingLevel, _ reasons: [RatingReason]) -> [Effect] {
        back()
        pending += 1
        return [.rate(CaseRating(uuid: summary.uuid, level: level, reasons: reasons, ratedAt: Int64(now.timeIntervalSince1970.rounded(.down))))]
    }

    private mutating func guideKey(_ key: KeyEvent, code: String, page current: Int) -> [Effect] {
        guard let matter = environment.catalog.matter(code) else {
            back()
            return []
        }
        if let next = turn(key, page: current, lines: guideLines(matter).count) {
            self.current = .guide(code: code, page: next)
        } else if key.digit == 1 {
            pending += 1
            return [.printGuide(matter: code)]
        } else if key.digit == 2, matter.refusal == nil {
            startApplication(matter)
        } else if key == .escape || key.digit == 0 {
            back()
        }
        return []
    }
}
