/// RFC 9285 Base45: bytes as text in the QR alphanumeric character set.
public enum Base45 {
    /// The 45 characters, in value order (RFC 9285, table 1).
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// Value of each ASCII byte in the alphabet, or nil.
    private static let values: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes bytes: each pair as three characters, a trailing single byte as two.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2 * 3 + 2)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            if let second = iterator.next() {
                var n = Int(first) * 256 + Int(second)
                for _ in 0..<3 {
                    output.append(alphabet[n % 45])
                    n /= 45
                }
            } else {
                output.append(alphabet[Int(first) % 45])
                output.append(alphabet[Int(first) / 45])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Base45 text; fails on characters outside the alphabet, a dangling character or
    /// a group whose value does not fit its bytes.
    public static func decode(_ text: String) throws(Base45Error) -> [UInt8] {
        let characters = Array(text.utf8)
        guard characters.count % 3 != 1 else { throw .invalidLength(characters.count) }
        var digits: [Int] = []
        digits.reserveCapacity(characters.count)
        for (offset, character) in characters.enumerated() {
            guard let value = values[Int(character)] else {
                throw .invalidCharacter(offset: offset)
            }
            digits.append(Int(value))
        }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count / 3 * 2 + 1)
        var start = 0
        while start < digits.count {
            if digits.count - start >= 3 {
                let n = digits[start] + digits[start + 1] * 45 + digits[start + 2] * 45 * 45
                guard n <= 0xFFFF else { throw .valueOutOfRange(offset: start) }
                output.append(UInt8(n >> 8))
                output.append(UInt8(n & 0xFF))
                start += 3
            } else {
                let n = digits[start] + digits[start + 1] * 45
                guard n <= 0xFF else { throw .valueOutOfRange(offset: start) }
                output.append(UInt8(n))
                start += 2
            }
        }
        return output
    }
}

/// Why Base45 text could not be decoded.
public enum Base45Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character (at this UTF-8 offset) is not one of the 45.
    case invalidCharacter(offset: Int)
    /// The length leaves one dangling character (length mod 3 is 1).
    case invalidLength(Int)
    /// The group starting at this offset encodes a value too large for its bytes.
    case valueOutOfRange(offset: Int)

    public var description: String {
        switch self {
        case .invalidCharacter(let offset): "Base45: invalid character at offset \(offset)"
        case .invalidLength(let length): "Base45: length \(length) leaves a dangling character"
        case .valueOutOfRange(let offset): "Base45: group at offset \(offset) is out of range"
        }
    }
}
