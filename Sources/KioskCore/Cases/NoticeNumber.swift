/// How notice numbers are written: a pattern with `{prefix}`, `{year}` and `{seq}` (or `{seq:N}`,
/// zero-padded to N digits), e.g. `{prefix}〔{year}〕第{seq:4}号` gives `新河便受〔2026〕第0001号`.
public struct NoticeNumberFormat: Sendable, Hashable {
    /// The pattern the county uses unless configured otherwise.
    public static let standard = NoticeNumberFormat(validating: "{prefix}〔{year}〕第{seq:4}号")!

    private enum Piece: Sendable, Hashable {
        case text(String)
        case prefix
        case year
        case sequence(width: Int)
    }

    private let pieces: [Piece]

    /// The format of `pattern`, or nil when it has an unknown placeholder, no `{seq}`, or a width
    /// outside 1–8.
    public init?(validating pattern: String) {
        var pieces: [Piece] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "prefix": pieces.append(.prefix)
            case "year": pieces.append(.year)
            case "seq": pieces.append(.sequence(width: 1))
            default:
                guard name.hasPrefix("seq:"), let width = Int(name.dropFirst(4)), (1...8).contains(width) else { return nil }
                pieces.append(.sequence(width: width))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        guard pieces.contains(where: { if case .sequence = $0 { true } else { false } }) else { return nil }
        self.pieces = pieces
    }

    /// An SQL `LIKE` pattern (escape `\\`) matching every number of `year` in the series `prefix`.
    public func likePattern(prefix series: String, year: Int) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        }
        return pieces.map { piece in
            switch piece {
            case .text(let text): escaped(text)
            case .prefix: escaped(series)
            case .year: String(year)
            case .sequence: "%"
            }
        }.joined()
    }

    /// The number of the `sequence`th notice of `year` in the series `prefix`.
    public func format(prefix series: String, year: Int, sequence: Int) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .prefix: series
            case .year: String(year)
            case .sequence(let width): sequence.zeroPadded(width)
            }
        }.joined()
    }
}
