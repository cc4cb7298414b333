import Foundation
import KioskCore
import KioskResources

/// Finds matters by Chinese text, full pinyin or pinyin initials (`ylbx` finds 养老保险 matters).
///
/// The pinyin engine maps pinyin to characters, not back, so the readings of the characters in the
/// catalog's names come from a table generated once (`scripts/gen-pinyin-table.py`) and shipped as
/// `Resources/pinyin/hanzi-pinyin.json`; a polyphonic character matches any of its readings.
public struct MatterSearch: Sendable {
    /// Readings (lower-case pinyin without tones) by character.
    public let readings: [Character: [String]]

    public init(readings: [Character: [String]]) { self.readings = readings }

    /// The table shipped with the kiosk.
    public static func bundled() throws -> MatterSearch {
        guard let url = KioskResources.url("hanzi-pinyin", "json", in: "pinyin") else {
            throw ResourceError(name: "hanzi-pinyin.json")
        }
        let table = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: url))
        var readings: [Character: [String]] = [:]
        for (key, values) in table { if let character = key.first { readings[character] = values } }
        return MatterSearch(readings: readings)
    }

    /// The matters whose name or one of whose keywords matches `query`, in catalog order.
    public func search(_ query: String, in matters: [Matter]) -> [Matter] {
        let query = query.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return [] }
        return matters.filter { matter in
            matches(query, name: matter.name.zh) || matter.keywords.contains { matches(query, name: $0) }
                || matter.code.localizedCaseInsensitiveContains(query)
        }
    }

    /// Whether `name` contains `query` as text, or as pinyin: consecutive characters each matched by
    /// a whole reading or a leading part of one (so full pinyin, initials and mixtures all work).
    public func matches(_ query: String, name: String) -> Bool {
        let letters = query.lowercased()
        guard letters.allSatisfy({ $0.isASCII && $0.isLetter }) else { return name.contains(query) }
        let target = Array(letters)
        let characters = Array(name)
        for start in characters.indices {
            // Positions in the query reachable after matching characters start..<i.
            var reachable: Set<Int> = [0]
            for character in characters[start...] {
                guard let options = readings[character] else { break }
                var next: Set<Int> = []
                for position in reachable {
                    for reading in options {
                        // Any leading part of the reading (at least its first letter) may match.
                        var matched = 0
                        for (a, b) in zip(reading, target[position...]) {
                            guard a == b else { break }
                            matched += 1
                        }
                        if matched > 0 { next.formUnion((1...matched).map { position + $0 }) }
                    }
                }
                if next.contains(target.count) { return true }
                reachable = next
                if reachable.isEmpty { break }
            }
        }
        return false
    }
}
