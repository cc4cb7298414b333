import Foundation
import KioskCore
import Terminal

/// Keys of the progress look-up and of the assistant's screens.
extension KioskState {
    mutating func progressKey(_ key: KeyEvent, _ progress: ProgressScreen) -> [Effect] {
        var progress = progress
        switch key {
        case .escape:
            back()
            return []
        case .enter:
            let text = progress.input.text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                back()
                return []
            }
            guard let receipt = Self.receiptNumber(from: text, station: environment.station.station.id) else {
                show(error: t("progress.invalid"))
                return []
            }
            progress.input.field.clear()
            progress.query = receipt
            current = .progress(progress)
            pending += 1
            return [.lookUp(receipt: receipt)]
        default:
            _ = progress.input.handle(key)
            current = .progress(progress)
            return []
        }
    }

    /// The receipt number in typed text or a scanned receipt QR (`BM1:...`), or nil; a number typed
    /// as digits only (date and sequence) is one of `station`'s receipts.
    static func receiptNumber(from text: String, station: String) -> String? {
        if text.uppercased().hasPrefix(ReceiptQRText.prefix) {
            return (try? ReceiptQRText(text))?.record.receiptNumber.description
        }
        if let digitsOnly = try? ReceiptNumber(station: station, digits: text) { return digitsOnly.description }
        return (try? ReceiptNumber(parsing: text))?.description
    }

    mutating func loginKey(_ key: KeyEvent, _ login: LoginScreen) -> [Effect] {
        var login = login
        switch key {
        case .escape:
            back()
            return []
        case .tab, .backTab, .up, .down:
            login.focus = 1 - login.focus
        case .enter:
            if login.focus == 0 {
                if login.id.text.isEmpty {
                    back()
                    return []
                }
                login.focus = 1
            } else if !login.pin.text.isEmpty, !login.id.text.isEmpty {
                let pin = login.pin.text
                login.pin.field.clear()
                current = .assistantLogin(login)
                pending += 1
                return [.login(id: login.id.text, pin: pin)]
            }
        default:
            if login.focus == 0 { _ = login.id.handle(key) } else { _ = login.pin.handle(key) }
        }
        current = .assistantLogin(login)
        return []
    }

    mutating func assistantKey(_ key: KeyEvent) -> [Effect] {
        guard let assistant else {
            goHome()
            return []
        }
        switch key.digit {
        case 1: push(.find(.apply))
        case 2: push(.progress(ProgressScreen()))
        case 3:
            push(.queue(nil, page: 0, asking: nil))
            pending += 1
            return [.loadQueue]
        case 4:
            pending += 1
            return [.syncNow]
        case 9:
            goHome()
            self.assistant = nil
            notice = Notice(text: t("assistant.loggedOut"), isError: false)
            return [.logout(id: assistant.id, reason: "logout")]
        case 0: back()
        default: if key == .escape { back() }
        }
        return []
    }
}
