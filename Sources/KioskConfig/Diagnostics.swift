import Yams

/// One problem in a configuration file, located as `path:line:column`.
public struct ConfigIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// Every problem found while loading, so one run reports them all.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a loader walks a YAML document.
final class Diagnostics {
    private(set) var issues: [ConfigIssue] = []

    func report(_ path: String, _ mark: Mark?, _ message: String, columnOffset: Int = 0) {
        issues.append(ConfigIssue(path: path, line: mark?.line ?? 1, column: (mark?.column ?? 1) + columnOffset, message: message))
    }

    /// Parses `text` as one YAML document, reporting syntax errors with their position.
    func compose(_ text: String, path: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(path, nil, "the file is empty")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                report(path, mark, "YAML syntax error: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                report(path, context.mark, "duplicate key(s): \(duplicates.joined(separator: ", "))")
            case .reader(let problem, _, _, _):
                report(path, nil, "cannot read the file as UTF-8 YAML: \(problem)")
            default:
                report(path, nil, "YAML error: \(error)")
            }
            return nil
        } catch {
            report(path, nil, "YAML error: \(error)")
            return nil
        }
    }
}

/// Reads a YAML mapping key by key, reporting missing, mistyped and unknown keys.
struct MappingReader {
    let node: Node
    let path: String
    let diagnostics: Diagnostics
    private let entries: [(key: String, keyMark: Mark?, value: Node)]

    /// A reader, or nil (with an issue reported) when `node` is not a mapping.
    init?(_ node: Node, path: String, diagnostics: Diagnostics, what: String) {
        guard case .mapping(let mapping) = node else {
            diagnostics.report(path, node.mark, "\(what) must be a mapping of keys")
            return nil
        }
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
        entries = mapping.map { (key: $0.key.string ?? "", keyMark: $0.key.mark, value: $0.value) }
    }

    /// The value of `key`, if present.
    func optional(_ key: String) -> Node? {
        entries.first { $0.key == key }?.value
    }

    /// The value of `key`, reporting it when missing.
    func required(_ key: String) -> Node? {
        guard let value = optional(key) else {
            diagnostics.report(path, node.mark, "missing required key '\(key)'")
            return nil
        }
        return value
    }

    /// Reports every key not in `allowed`.
    func rejectUnknownKeys(allowed: [String]) {
        for entry in entries where !allowed.contains(entry.key) {
            diagnostics.report(path, entry.keyMark, "unknown key '\(entry.key)' (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    func string(_ key: String, required: Bool = true) -> String? {
        guard let node = required ? self.required(key) : optional(key) else { return nil }
        return scalarString(node, key: key)
    }

    func scalarString(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            diagnostics.report(path, node.mark, "'\(key)' must be non-empty text")
            return nil
        }
        return scalar.string
    }

    func int(_ key: String, required: Bool = true, range: ClosedRange<Int> = 0...Int.max) -> Int? {
        guard let node = required ? self.required(key) : optional(key) else { return nil }
        guard case .scalar = node, let value = node.int, range.contains(value) else {
            diagnostics.report(path, node.mark, "'\(key)' must be a whole number in \(range.lowerBound)...\(range.upperBound == Int.max ? "" : "\(range.upperBound)")")
            return nil
        }
        return value
    }

    func number(_ key: String) -> Double? {
        guard let node = optional(key) else { return nil }
        guard case .scalar = node, let value = node.float, value.isFinite else {
            diagnostics.report(path, node.mark, "'\(key)' must be a number")
            return nil
        }
        return value
    }

    func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let node = required ? self.required(key) : optional(key) else { return nil }
        guard case .scalar = node, let value = node.bool else {
            diagnostics.report(path, node.mark, "'\(key)' must be true or false")
            return nil
        }
        return value
    }

    /// A sequence value, reporting a non-sequence.
    func sequence(_ key: String, required: Bool = true) -> [Node]? {
        guard let node = required ? self.required(key) : optional(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            diagnostics.report(path, node.mark, "'\(key)' must be a list")
            return nil
        }
        return Array(sequence)
    }

    /// The mark of `key`'s value, or of the mapping.
    func mark(_ key: String) -> Mark? { optional(key)?.mark ?? node.mark }
}
