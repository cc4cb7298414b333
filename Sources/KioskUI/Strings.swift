import Foundation
import KioskCore
import KioskResources

/// The kiosk's own words (not the catalog's), one table per language, loaded from
/// `Resources/strings/<language>.json`. `{0}`, `{1}`... in a text are replaced by arguments.
public struct UIStrings: Sendable {
    /// Text by key, per language.
    public let tables: [KioskLanguage: [String: String]]

    public init(tables: [KioskLanguage: [String: String]]) { self.tables = tables }

    /// The tables shipped with the kiosk.
    public static func bundled() throws -> UIStrings {
        var tables: [KioskLanguage: [String: String]] = [:]
        for language in KioskLanguage.allCases {
            guard let url = KioskResources.url(language.rawValue, "json", in: "strings") else {
                throw ResourceError(name: "strings/\(language.rawValue).json")
            }
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return UIStrings(tables: tables)
    }

    /// Whether the tables have a text for `key`.
    public func has(_ key: String) -> Bool { tables[.zhHans]?[key] != nil }

    /// The text for `key` in `language` (Chinese when missing, the key itself as a last resort).
    public func text(_ key: String, _ language: KioskLanguage, _ arguments: [String] = []) -> String {
        var text = tables[language]?[key] ?? tables[.zhHans]?[key] ?? key
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}

/// A resource file missing from the kiosk's bundle (a broken installation).
public struct ResourceError: Error, CustomStringConvertible, Sendable {
    /// The resource's path inside `Resources/`.
    public var name: String
    public var description: String { "the kiosk's resource \(name) is missing: reinstall the kiosk" }
}
