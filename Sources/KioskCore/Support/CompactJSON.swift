/// Writes compact JSON directly: the same bytes as `JSONEncoder` with sorted keys and unescaped
/// slashes, for the hot paths (sealing answers, the center's audit trail) where its cost shows.
public struct CompactJSONWriter {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Writes an object whose members the caller writes, in key order, with `member`.
    public mutating func writeObject(_ writeMembers: (inout ObjectWriter) -> Void) {
        var object = ObjectWriter(writer: self)
        bytes = []
        object.writer.bytes.append(UInt8(ascii: "{"))
        writeMembers(&object)
        object.writer.bytes.append(UInt8(ascii: "}"))
        self = object.writer
    }

    /// Writes an array, each element with `writeElement`.
    public mutating func writeArray<Element>(_ elements: [Element], _ writeElement: (inout CompactJSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeElement(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an integer.
    public mutating func write(_ number: some BinaryInteger) {
        bytes += String(number).utf8
    }

    /// Writes a number in JSON's shortest form (whole numbers without ".0"); non-finite as null.
    public mutating func write(_ number: Double) {
        guard number.isFinite else { return bytes += "null".utf8 }
        let written = "\(number)"
        bytes += (written.hasSuffix(".0") ? written.dropLast(2) : Substring(written)).utf8
    }

    /// Writes a string, escaped as `JSONEncoder` escapes it.
    public mutating func write(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A: bytes += "\\n".utf8
            case 0x0D: bytes += "\\r".utf8
            case 0x09: bytes += "\\t".utf8
            case 0x08: bytes += "\\b".utf8
            case 0x0C: bytes += "\\f".utf8
            case ..<0x20: bytes += "\\u00".utf8 + [Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Writes the members of one object; the caller gives them in sorted key order.
    public struct ObjectWriter {
        fileprivate var writer: CompactJSONWriter
        private var empty = true

        fileprivate init(writer: CompactJSONWriter) { self.writer = writer }

        /// Writes `"key":` and then the value with `writeValue`.
        public mutating func member(_ key: String, _ writeValue: (inout CompactJSONWriter) -> Void) {
            if !empty { writer.bytes.append(UInt8(ascii: ",")) }
            empty = false
            writer.write(key)
            writer.bytes.append(UInt8(ascii: ":"))
            writeValue(&writer)
        }

        /// Writes a string member, or nothing when `value` is nil (as `encodeIfPresent` does).
        public mutating func member(_ key: String, _ value: String?) {
            guard let value else { return }
            member(key) { $0.write(value) }
        }
    }
}
