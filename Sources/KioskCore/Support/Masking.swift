/// Masks personal data for screens and receipts, where the full value is not needed.
public enum Masking {
    /// `张三` -> `张*`, `欧阳娜娜` -> `欧***`, Latin names keep their first letter.
    public static func name(_ s: String) -> String {
        guard let first = s.first else { return "" }
        return String(first) + String(repeating: "*", count: max(s.count - 1, 1))
    }

    /// `110101199003071234` -> `1101**********1234`: the first four and last four characters kept.
    public static func idNumber(_ s: String) -> String {
        keepEnds(s, head: 4, tail: 4)
    }

    /// `13800138000` -> `138****8000`.
    public static func phone(_ s: String) -> String {
        keepEnds(s, head: 3, tail: 4)
    }

    /// Any other sensitive value: only its last four characters shown.
    public static func generic(_ s: String) -> String {
        keepEnds(s, head: 0, tail: 4)
    }

    /// Masks a value according to the field it answers.
    public static func value(_ s: String, for field: Field) -> String {
        switch field.type {
        case .idNumber: idNumber(s)
        case .phone: phone(s)
        case .text where field.asksForName: name(s)
        default: generic(s)
        }
    }

    private static func keepEnds(_ s: String, head: Int, tail: Int) -> String {
        let chars = Array(s)
        guard chars.count > head + tail else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(head)) + String(repeating: "*", count: chars.count - head - tail) + String(chars.suffix(tail))
    }
}
