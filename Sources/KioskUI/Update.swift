import Foundation
import KioskCore
import Terminal

/// The update function of the Elm architecture: a pure step from one state to the next.
public enum KioskUpdate {
    /// The state after `event`, and the effects the runtime must perform.
    public static func update(_ state: KioskState, _ event: KioskEvent) -> (KioskState, [Effect]) {
        var next = state
        let effects = next.handle(event)
        return (next, effects)
    }
}

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
}

extension KioskState {
    /// Switches between Chinese and English on any screen.
    public static let languageKey = KeyEvent.function(3)

    /// Applies one event in place; returns the effects to perform.
    @discardableResult
    public mutating func handle(_ event: KioskEvent) -> [Effect] {
        switch event {
        case .tick(let date):
            now = date
            if hasSession, pending == 0, now.timeIntervalSince(lastInput) >= environment.idleTimeout {
                let effects: [Effect] = assistant.map { [.logout(id: $0.id, reason: "timeout")] } ?? []
                let (width, height) = (self.width, self.height)
                self = KioskState(environment: environment, now: date)
                self.width = width
                self.height = height
                return effects
            }
            return []
        case .resize(let width, let height):
            self.width = width
            self.height = height
            return []
        case .key(let key):
            let wasCounting = countdownRemaining != nil
            lastInput = now
            // A key during the countdown only keeps the session.
            if wasCounting { return [] }
            notice = nil
            if key == Self.languageKey {
                // Anywhere, even mid-form: the answers stay.
                language = language == .zhHans ? .en : .zhHans
                return []
            }
            return handleKey(key)
        case .submitted(let result):
            pending = max(0, pending - 1)
            switch result {
            case .success(let stored):
                let summary = stored.summary
                submitted = summary
                receiptQR = stored.qr
                printResult = nil
                formPrintResult = nil
                var effects: [Effect] = [.printReceipt(summary)]
                if let application, currentMatter?.needsSignature == true {
                    effects.append(.printForm(summary, answers: application.answers))
                }
                self.application = nil  // the answers leave the model as soon as they are stored
                pending += effects.count
                return effects
            case .failure(let failure):
                push(.submitFailed(message: failure.message))
            }
        case .printed(let result):
            pending = max(0, pending - 1)
            printResult = result
            page = .receipt
            backStack = []
        case .formPrinted(let result):
            pending = max(0, pending - 1)
            formPrintResult = result
        case .lookedUp(let result):
            pending = max(0, pending - 1)
            switch result {
            case .success(let summary):
                lookup = summary
                push(.progressResult)
            case .failure(let failure):
                show(error: failure.message)
            }
        case .loggedIn(let result):
            pending = max(0, pending - 1)
            switch result {
            case .success(.success(let who)):
                assistant = who
                loginID.field.clear()
                loginFocus = 0
                page = .assistantHome
                backStack = [.home]
            case .success(.rejected(let left)):
                loginFocus = 1
                show(error: t("login.rejected", String(left)))
            case .success(.locked(let until)):
                loginFocus = 1
                show(error: t("login.locked", String(max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up))))))
            case .failure(let failure):
                show(error: failure.message)
            }
        case .queueLoaded(let result):
            pending = max(0, pending - 1)
            switch result {
            case .success(let view): queue = view
            case .failure(let failure): show(error: failure.message)
            }
        case .notice(let key, let arguments):
            pending = max(0, pending - 1)
            notice = environment.strings.text(key, language, arguments)
            noticeIsError = false
        }
        return []
    }

    // MARK: - Navigation

    mutating func push(_ next: Page) {
        backStack.append(page)
        page = next
    }

    mutating func back() {
        page = backStack.popLast() ?? .home
    }

    /// Back to the start screen: everything entered is dropped; the assistant stays logged in.
    mutating func goHome() {
        let (keptAssistant, keptLanguage, keptWidth, keptHeight) = (assistant, language, width, height)
        let keptNow = now
        self = KioskState(environment: environment, now: keptNow)
        assistant = keptAssistant
        language = keptLanguage
        width = keptWidth
        height = keptHeight
    }

    mutating func show(error: String) {
        notice = error
        noticeIsError = true
    }

    private func listAction(_ key: KeyEvent, count: Int, page: Int) -> ListAction {
        let pages = max(1, (count + Self.pageSize - 1) / Self.pageSize)
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
        case let digit? where digit <= Self.pageSize:
            let index = page * Self.pageSize + digit - 1
            return index < count ? .select(index) : .none
        default: return .none
        }
    }

    /// The matters a list shows.
    func matters(_ filter: MatterFilter) -> [Matter] {
        environment.catalog.matters.filter { matter in
            switch filter {
            case .department(let department): matter.department == department
            case .category(let category): matter.category == category
            }
        }
    }

    /// The search results for the current query.
    var searchResults: [Matter] {
        environment.search.search(searchInput.text, in: environment.catalog.matters)
    }

    // MARK: - Keys

    private mutating func handleKey(_ key: KeyEvent) -> [Effect] {
        switch page {
        case .home: return homeKey(key)
        case .help, .progressResult:
            if key == .enter || key == .escape || key.digit == 0 { back() }
        case .find:
            switch key.digit {
            case 1: push(.departments(page: 0))
            case 2: push(.categories)
            case 3: push(.search(page: 0))
            case 0: back()
            default: if key == .escape { back() }
            }
        case .departments(let current):
            let all = Department.allCases
            switch listAction(key, count: all.count, page: current) {
            case .select(let index): push(.matters(.department(all[index]), page: 0))
            case .turn(let next): page = .departments(page: next)
            case .back: back()
            case .none: break
            }
        case .categories:
            let all = MatterCategory.allCases
            switch listAction(key, count: all.count, page: 0) {
            case .select(let index): push(.matters(.category(all[index]), page: 0))
            case .back: back()
            case .turn, .none: break
            }
        case .matters(let filter, let current):
            let list = matters(filter)
            switch listAction(key, count: list.count, page: current) {
            case .select(let index): open(list[index])
            case .turn(let next): page = .matters(filter, page: next)
            case .back: back()
            case .none: break
            }
        case .search(let current): searchKey(key, page: current)
        case .matter(let code): return matterKey(key, code: code)
        case .guide(let code, let current): return guideKey(key, code: code, page: current)
        case .form: formKey(key)
        case .materials:
            if key == .enter || key.digit == 1 {
                application?.materialsConfirmed = true
                push(.review(page: 0))
            } else if key == .escape || key.digit == 0 {
                back()
            }
        case .review(let current):
            let pages = max(1, KioskView.pageCount(lines: KioskView.reviewLines(self, width: KioskView.Layout(width: width, height: height).bodyWidth).count, layout: KioskView.Layout(width: width, height: height)))
            if key == .enter || key.digit == 1 {
                push(.confirm)
            } else if key == .escape || key.digit == 0 {
                back()
            } else if (key == .pageDown || key == .down || key.digit == 9), current + 1 < pages {
                page = .review(page: current + 1)
            } else if (key == .pageUp || key == .up || key.digit == 8), current > 0 {
                page = .review(page: current - 1)
            }
        case .confirm:
            if key == .enter || key.digit == 1, let application {
                page = .working
                pending += 1
                return [.submit(matter: application.matterCode, answers: application.answers, channel: application.channel)]
            } else if key == .escape || key.digit == 0 {
                back()
            }
        case .working:
            break
        case .receipt:
            if key.digit == 2, let summary = submitted, printResult != .printed {
                // Printing again while the resident is still here: the application is already saved.
                page = .working
                pending += 1
                return [.printReceipt(summary)]
            } else if key.digit == 1 {
                push(.receiptQR)
            } else if key == .enter || key == .escape || key.digit != nil {
                goHome()
            }
        case .receiptQR:
            back()
        case .submitFailed:
            if key == .escape || key.digit == 0 || key == .enter { back() }
        case .progress: return progressKey(key)
        case .assistantLogin: return loginKey(key)
        case .assistantHome: return assistantKey(key)
        case .queue(let current):
            let items = queue?.items ?? []
            switch listAction(key, count: items.count, page: current) {
            case .select(let index):
                pending += 1
                return [.reprint(items[index])]
            case .turn(let next): page = .queue(page: next)
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
            push(.progress)
            _ = receiptInput.handle(key)
            return []
        default:
            break
        }
        switch key.digit {
        case 1:
            purpose = .apply
            push(.find)
        case 2: push(.progress)
        case 3:
            purpose = .guide
            push(.find)
        case 4: push(assistant == nil ? .assistantLogin : .assistantHome)
        case 5: language = language == .zhHans ? .en : .zhHans
        case 6: push(.help)
        default: break
        }
        return []
    }

    private mutating func open(_ matter: Matter) {
        push(purpose == .guide ? .guide(code: matter.code, page: 0) : .matter(code: matter.code))
    }

    private mutating func searchKey(_ key: KeyEvent, page current: Int) {
        let composing = searchInput.isComposing
        if !composing, key.digit != nil || key == .escape || key == .pageUp || key == .pageDown || key == .up || key == .down {
            let results = searchResults
            switch listAction(key, count: results.count, page: current) {
            case .select(let index): open(results[index])
            case .turn(let next): page = .search(page: next)
            case .back:
                searchInput = TextInput(kind: .text, maxLength: 20, candidates: environment.candidates, pinyin: false)
                back()
            case .none: break
            }
            return
        }
        if !composing, key == .enter {
            if searchInput.text.isEmpty { back() }
            return
        }
        let before = searchInput.text
        _ = searchInput.handle(key)
        if searchInput.text != before { page = .search(page: 0) }
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

    private mutating func guideKey(_ key: KeyEvent, code: String, page current: Int) -> [Effect] {
        guard let matter = environment.catalog.matter(code) else {
            back()
            return []
        }
        let layout = KioskView.Layout(width: width, height: height)
        let pages = KioskView.pageCount(lines: KioskView.guideLines(matter, language: language, width: layout.bodyWidth).count, layout: layout)
        if key == .pageDown || key == .down || key.digit == 9 {
            if current + 1 < pages { page = .guide(code: code, page: current + 1) }
        } else if key == .pageUp || key == .up || key.digit == 8 {
            if current > 0 { page = .guide(code: code, page: current - 1) }
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

    private mutating func progressKey(_ key: KeyEvent) -> [Effect] {
        switch key {
        case .escape:
            receiptInput.field.clear()
            back()
        case .enter:
            let text = receiptInput.text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                back()
                return []
            }
            guard let receipt = Self.receiptNumber(from: text) else {
                show(error: t("progress.invalid"))
                return []
            }
            receiptInput.field.clear()
            lookupQuery = receipt
            pending += 1
            return [.lookUp(receipt: receipt)]
        default:
            _ = receiptInput.handle(key)
        }
        return []
    }

    /// The receipt number in typed text or a scanned receipt QR (`BM1:...`), or nil.
    static func receiptNumber(from text: String) -> String? {
        if text.uppercased().hasPrefix(ReceiptQRText.prefix) {
            return (try? ReceiptQRText(text))?.record.receiptNumber.description
        }
        return (try? ReceiptNumber(parsing: text))?.description
    }

    private mutating func loginKey(_ key: KeyEvent) -> [Effect] {
        switch key {
        case .escape:
            loginID.field.clear()
            loginPIN.field.clear()
            loginFocus = 0
            back()
        case .tab, .backTab, .up, .down:
            loginFocus = 1 - loginFocus
        case .enter:
            if loginFocus == 0 {
                if loginID.text.isEmpty { back() } else { loginFocus = 1 }
            } else if !loginPIN.text.isEmpty, !loginID.text.isEmpty {
                let pin = loginPIN.text
                loginPIN.field.clear()
                pending += 1
                return [.login(id: loginID.text, pin: pin)]
            }
        default:
            if loginFocus == 0 { _ = loginID.handle(key) } else { _ = loginPIN.handle(key) }
        }
        return []
    }

    private mutating func assistantKey(_ key: KeyEvent) -> [Effect] {
        guard let assistant else {
            goHome()
            return []
        }
        switch key.digit {
        case 1:
            purpose = .apply
            push(.find)
        case 2: push(.progress)
        case 3:
            queue = nil
            push(.queue(page: 0))
            pending += 1
            return [.loadQueue]
        case 4:
            pending += 1
            return [.syncNow]
        case 9:
            goHome()
            self.assistant = nil
            notice = t("assistant.loggedOut")
            noticeIsError = false
            return [.logout(id: assistant.id, reason: "logout")]
        case 0: back()
        default: if key == .escape { back() }
        }
        return []
    }
}
