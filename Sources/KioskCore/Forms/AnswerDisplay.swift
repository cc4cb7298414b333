/// How an answer reads to a person: choice labels instead of values, numbers without a trailing `.0`.
extension Field {
    /// The answer as text in `language`; `masked` hides sensitive values.
    public func display(_ value: AnswerValue, language: KioskLanguage, masked: Bool = false) -> String {
        switch value {
        case .text(let s):
            if masked && sensitive { return Masking.value(s, for: self) }
            return choiceLabel(s)?.text(language) ?? s
        case .number(let n):
            return ExpressionValue.format(n)
        case .list(let values):
            return values.map { choiceLabel($0)?.text(language) ?? $0 }.joined(separator: language == .zhHans ? "、" : ", ")
        case .group(let entries):
            return language == .zhHans ? "\(entries.count)条" : "\(entries.count) entries"
        }
    }
}
