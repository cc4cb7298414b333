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
            var writer = CompactWriter()
            writer.write(answers)
            return Data(writer.bytes)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(answers)) ?? Data("{}".utf8)
    }

    private struct CompactWriter {
        var bytes: [UInt8] = []

        mutating func write(_ answers: Answers) {
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in answers.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(key)
                bytes.append(UInt8(ascii: ":"))
                write(answers[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }

        mutating func write(_ value: AnswerValue) {
            switch value {
            case .text(let text): write(text)
            case .number(let n):
                // Answers hold finite numbers only (JSON has no others; calculations drop them).
                // Large whole numbers as JSONEncoder writes them: the shortest form, without ".0".
                let written = AnswerValue.wholeNumber(n).map(String.init) ?? (n.isFinite ? "\(n)" : "null")
                bytes += (written.hasSuffix(".0") ? written.dropLast(2) : Substring(written)).utf8
            case .list(let list): writeArray(list) { $0.write($1) }
            case .group(let entries): writeArray(entries) { $0.write($1) }
            }
        }

        mutating func writeArray<Element>(_ elements: [Element], _ writeElement: (inout CompactWriter, Element) -> Void) {
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeElement(&self, element)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func write(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
                case 0x0A: bytes += Array("\\n".utf8)
                case 0x0D: bytes += Array("\\r".utf8)
                case 0x09: bytes += Array("\\t".utf8)
                case 0x08: bytes += Array("\\b".utf8)
                case 0x0C: bytes += Array("\\f".utf8)
                case ..<0x20: bytes += Array("\\u00".utf8) + [Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]]
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        static let hex = Array("0123456789abcdef".utf8)
    }
}
