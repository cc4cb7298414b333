/// The languages the kiosk speaks.
public enum KioskLanguage: String, Sendable, Codable, CaseIterable {
    case zhHans = "zh-Hans"
    case en
}

/// A text a person reads, in Chinese and (optionally) English.
public struct LocalizedText: Sendable, Hashable, Codable {
    /// The Chinese text (always present).
    public var zh: String
    /// The English text, when the catalog gives one.
    public var en: String?

    public init(zh: String, en: String? = nil) {
        self.zh = zh
        self.en = en
    }

    /// The text in `language`, falling back to Chinese.
    public func text(_ language: KioskLanguage) -> String {
        switch language {
        case .zhHans: zh
        case .en: en ?? zh
        }
    }
}
