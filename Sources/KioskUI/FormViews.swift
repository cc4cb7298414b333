import Foundation
import KioskCore
import Terminal

/// The screens of the application form.
extension KioskView {
    static func drawForm(_ state: KioskState, _ application: Application, _ screen: inout Screen, _ layout: Layout) {
        guard let context = state.formContext(application), let question = application.question(context) else { return }
        let matter = context.matter
        var steps = state.t("form.step", String(question.step + 1), String(question.stepCount))
        // Answers can open or close questions: say why the count is not the one the matter screen gave.
        let change = question.stepCount - application.startingSteps
        if application.startingSteps > 0, change != 0 {
            steps += state.t(change > 0 ? "form.step.more" : "form.step.fewer", String(abs(change)))
        }
        title(matter.name.text(state.language), &screen, layout, right: steps)
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
            let entries = application.keptEntries(of: question.top, context)
            screen.put(text: state.t("form.group.count", String(entries.count)), row: row, col: layout.bodyCol)
            for (index, entry) in entries.prefix(min(7, layout.bodyRows - 8)).enumerated() {
                screen.put(text: "[ \(index + 3) ]", row: row + 1 + index, col: layout.bodyCol + 2, style: numberStyle)
                screen.put(
                    text: state.t("review.entry", String(index + 1)) + state.entrySummary(entry, group: question.top), row: row + 1 + index,
                    col: layout.bodyCol + 10, clipTo: layout.width - 2)
            }
            menu([("1", state.t("form.group.add")), ("2", state.t("form.group.remove"))], &screen, layout, top: layout.noticeRow - 4)
            keyHint = state.t("keys.form.group")
        } else if let input = application.input {
            screen.put(text: "> ", row: row, col: layout.bodyCol, style: .bold)
            let width = min(layout.bodyWidth - 16, max(24, min(field.inputKind?.maxLength ?? 20, 30) * 2 + 1))
            drawInput(input, state, &screen, layout, row: row, col: layout.bodyCol + 2, width: width)
            row += input.isComposing ? 3 : 1
            if field.type == .idNumber {
                // Above the live check, so it stays put while the number is typed.
                screen.put(text: state.t("form.id.x"), row: row + 1, col: layout.bodyCol + 2)
                row += 1
            }
            if input.overflowed {
                screen.put(text: state.t("input.full", String(input.field.maxLength)), row: row + 1, col: layout.bodyCol + 2, style: errorStyle)
                row += 1
            } else if let feedback = liveFeedback(field, input.text, state) {
                screen.put(text: feedback.text, row: row + 1, col: layout.bodyCol + 2, style: feedback.good ? goodStyle : errorStyle)
                row += 1
            }
            if field.type == .date {
                screen.put(text: state.t("form.date.example"), row: row + 1, col: layout.bodyCol + 2)
                row += 1
            }
            if input.composer != nil { keyHint += "   " + inputModeHint(input, state) }
        } else {
            switch field.type {
            case .singleChoice, .multipleChoice:
                let chosen: [String] = switch application.storedValue(question) {
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
        if application.confirmingLeave {
            // In the message row, as a notice is (its second line, if any, over the divider).
            keys(state.t("keys.form.leave"), &screen, layout)
            screen.clear(row: layout.noticeRow, col: 0, width: layout.width, height: 1)
            screen.putWrapped(
                text: state.t("form.leave"), row: layout.noticeRow, col: layout.bodyCol, width: layout.bodyWidth, maxRows: 2, style: errorStyle)
            return
        }
        if let error = application.error {
            screen.putWrapped(
                text: "! " + error.text(state.language), row: min(row + 1, layout.noticeRow - 1), col: layout.bodyCol, width: layout.bodyWidth,
                maxRows: 2, style: errorStyle)
        }
        keys(keyHint, &screen, layout)
    }

    /// Live help while typing: the ID number's check character.
    static func liveFeedback(_ field: Field, _ text: String, _ state: KioskState) -> (text: String, good: Bool)? {
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

    static func drawMaterials(_ state: KioskState, _ screen: inout Screen, _ layout: Layout) {
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
}
