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
            if n == n.rounded(), abs(n) < 1e15 { try container.encode(Int64(n)) } else { try container.encode(n) }
        case .list(let l): try container.encode(l)
        case .group(let g): try container.encode(g)
        }
    }
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

    /// Encodes answers as stable (sorted-key) JSON.
    public static func encode(_ answers: Answers, pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(answers)) ?? Data("{}".utf8)
    }
}
