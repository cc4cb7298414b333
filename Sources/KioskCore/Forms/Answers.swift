import Foundation

/// One answer as it travels in JSON: text, a number, the values of a multiple choice, or repeat-group entries.
public enum AnswerValue: Sendable, Hashable, Codable {
    case text(String)
    case number(Double)
    case list([String])
    case group([Answers])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "null is not an answer; leave the field out instead")
        }
        if let s = try? container.decode(String.self) {
            self = .text(s)
        } else if (try? container.decode(Bool.self)) != nil {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "true/false is not an answer; use a choice value")
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let l = try? container.decode([String].self) {
            self = .list(l)
        } else if let g = try? container.decode([Answers].self) {
            self = .group(g)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "an answer is text, a number, a list of choice values or a list of entries")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let s): try container.encode(s)
        case .number(let n):
            if let whole = Self.wholeNumber(n) { try container.encode(whole) } else { try container.encode(n) }
        case .list(let l): try container.encode(l)
        case .group(let g): try container.encode(g)
        }
    }

    /// A number written without a fraction when it has none (and is small enough to be exact).
    static func wholeNumber(_ n: Double) -> Int64? { n == n.rounded() && abs(n) < 1e15 ? Int64(n) : nil }
}

/// A set of answers keyed by field id.
public typealias Answers = [String: AnswerValue]

/// Why an answers document cannot be read.
public struct AnswersFormatError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the place in the document.
    public var message: String
    public var description: String { message }
}

/// Reading and writing answers as JSON.
public enum AnswersJSON {
    /// Decodes an answers object, with a readable error for malformed JSON or values.
    public static func decode(_ data: Data) throws(AnswersFormatError) -> Answers {
        do {
            return try JSONDecoder().decode(Answers.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw AnswersFormatError(
                message: "malformed answers JSON\(path.isEmpty ? "" : " at '\(path)'"): \(underlying ?? context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw AnswersFormatError(message: "answers must be a JSON object of field ids\(path.isEmpty ? "" : " (at '\(path)')")")
        } catch {
            throw AnswersFormatError(message: "malformed answers JSON: \(error)")
        }
    }

    /// Encodes answers as stable (sorted-key) JSON: compact for sealing, written directly (the
    /// same bytes as `JSONEncoder` with sorted keys, at a fraction of its cost on the submit path),
    /// or pretty-printed for people.
    public static func encode(_ answers: Answers, pretty: Bool = false) -> Data {
        guard pretty else {
            var writer = CompactJSONWriter()
            write(answers, to: &writer)
            return Data(writer.bytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(answers)) ?? Data("{}".utf8)
    }

    private static func write(_ answers: Answers, to writer: inout CompactJSONWriter) {
        writer.writeObject { object in
            for key in answers.keys.sorted() {
                object.member(key) { write(answers[key]!, to: &$0) }
            }
        }
    }

    private static func write(_ value: AnswerValue, to writer: inout CompactJSONWriter) {
        switch value {
        case .text(let text): writer.write(text)
        // Answers hold finite numbers only (JSON has no others; calculations drop them). Whole
        // numbers as JSONEncoder writes them: without ".0".
        case .number(let n):
            if let whole = AnswerValue.wholeNumber(n) { writer.write(whole) } else { writer.write(n) }
        case .list(let list): writer.writeArray(list) { $0.write($1) }
        case .group(let entries): writer.writeArray(entries) { write($1, to: &$0) }
        }
    }
}
