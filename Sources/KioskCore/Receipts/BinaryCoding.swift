/// Appends fixed-width big-endian integers and length-prefixed fields to a byte buffer.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] { written }
    // Inlinable, so callers in other modules get the writes specialized to their integer types.
    @usableFromInline var written: [UInt8] = []

    /// An empty buffer.
    @inlinable public init() {}

    /// Appends one byte.
    @inlinable public mutating func write(_ value: UInt8) { written.append(value) }

    /// Appends a big-endian fixed-width integer.
    @inlinable public mutating func write<T: FixedWidthInteger & UnsignedInteger>(bigEndian value: T) {
        for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
            written.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Appends bytes as they are.
    @inlinable public mutating func write(raw: some Sequence<UInt8>) { written.append(contentsOf: raw) }

    /// Appends a length (of width `Length`, big-endian) then the bytes; the caller keeps the
    /// length within `Length`'s range.
    @inlinable public mutating func write<Length: FixedWidthInteger & UnsignedInteger>(
        lengthPrefixed field: some Collection<UInt8>, as _: Length.Type
    ) {
        precondition(field.count <= Int(Length.max), "field longer than its length prefix allows")
        write(bigEndian: Length(field.count))
        written.append(contentsOf: field)
    }
}

/// Reads what `BinaryWriter` wrote; every read fails with `.truncated` past the end.
public struct BinaryReader: Sendable {
    // Inlinable, like `BinaryWriter`.
    @usableFromInline let bytes: [UInt8]
    @usableFromInline var position = 0

    /// A reader at the start of `bytes`.
    @inlinable public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    /// Offset of the next unread byte.
    @inlinable public var offset: Int { position }

    /// Bytes not yet read.
    @inlinable public var remaining: Int { bytes.count - position }

    /// Reads one byte.
    @inlinable public mutating func readByte() throws(BinaryReaderError) -> UInt8 {
        try read(bigEndian: UInt8.self)
    }

    /// Reads a big-endian fixed-width integer.
    @inlinable public mutating func read<T: FixedWidthInteger & UnsignedInteger>(
        bigEndian _: T.Type
    ) throws(BinaryReaderError) -> T {
        let count = T.bitWidth / 8
        guard count <= remaining else { throw .truncated(offset: position, needed: count) }
        defer { position += count }
        return bytes[position..<position + count].reduce(T.zero) { $0 << 8 | T($1) }
    }

    /// Reads exactly `count` bytes.
    @inlinable public mutating func read(count: Int) throws(BinaryReaderError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw .truncated(offset: position, needed: count)
        }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Reads a length of width `Length`, then that many bytes.
    @inlinable public mutating func readLengthPrefixed<Length: FixedWidthInteger & UnsignedInteger>(
        as _: Length.Type
    ) throws(BinaryReaderError) -> [UInt8] {
        let length = try read(bigEndian: Length.self)
        guard let count = Int(exactly: length) else { throw .truncated(offset: position, needed: .max) }
        return try read(count: count)
    }
}

/// A read ran past the end of the bytes.
public enum BinaryReaderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// At `offset`, `needed` more bytes were expected than remain.
    case truncated(offset: Int, needed: Int)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed): "truncated: \(needed) bytes needed at offset \(offset)"
        }
    }
}
