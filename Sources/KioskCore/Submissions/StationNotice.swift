/// A written notice of the town (文书) as the station prints it for the resident: the town's own text,
/// with the applicant's name masked (the station prints it for the person in front of it).
public struct StationNotice: Codable, Sendable, Hashable {
    /// The notice's number, e.g. 新河便决〔2026〕第0001号.
    public var number: String
    /// Its kind (`KioskCore.NoticeKind`'s raw value).
    public var kind: String
    /// E.g. 准予行政许可决定书.
    public var title: String
    /// The issuing authority.
    public var authority: String
    /// To whom, masked (张*).
    public var addressee: String
    /// The body's paragraphs.
    public var paragraphs: [String]
    /// Listed items (e.g. everything to supplement).
    public var items: [String]
    /// Closing lines (appeal rights, contact).
    public var closing: [String]
    /// The date as written on it.
    public var date: String

    /// A notice from its fields.
    public init(
        number: String, kind: String, title: String, authority: String, addressee: String, paragraphs: [String], items: [String],
        closing: [String], date: String
    ) {
        self.number = number
        self.kind = kind
        self.title = title
        self.authority = authority
        self.addressee = addressee
        self.paragraphs = paragraphs
        self.items = items
        self.closing = closing
        self.date = date
    }
}
