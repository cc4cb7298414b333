import Foundation

/// What a station signs for every submission; rendered into the receipt's QR code.
///
/// Binary layout (format version 1): version byte; receipt number, station id and matter code
/// as ASCII strings each prefixed by a one-byte length; created time as big-endian UInt64 Unix
/// seconds; the 32-byte SHA-256 digest of the sealed payload.
public struct ReceiptRecord: Sendable, Hashable {
    /// The only format version this code writes and reads.
    public static let currentVersion: UInt8 = 1
    /// Length of `payloadDigest` (SHA-256).
    public static let digestLength = 32
    /// Longest matter code.
    public static let maxMatterCodeLength = 16

    /// The receipt number printed for the resident.
    public let receiptNumber: ReceiptNumber
    /// The station that accepted the submission; the receipt number's station code.
    public var stationID: String { receiptNumber.station }
    /// The matter's catalog code (A–Z, 0–9, `-`; up to 16 characters).
    public let matterCode: String
    /// When the submission was accepted, in Unix seconds.
    public let createdAt: UInt64
    /// SHA-256 of the sealed payload's serialized form.
    public let payloadDigest: [UInt8]

    /// A record with validated fields.
    public init(
        receiptNumber: ReceiptNumber, matterCode: String, createdAt: UInt64, payloadDigest: [UInt8]
    ) throws(ReceiptRecordError) {
        guard Self.isValidMatterCode(matterCode) else { throw .badField(.matterCode) }
        guard payloadDigest.count == Self.digestLength else { throw .badField(.payloadDigest) }
        self.receiptNumber = receiptNumber
        self.matterCode = matterCode
        self.createdAt = createdAt
        self.payloadDigest = payloadDigest
    }

    /// `createdAt` as a `Date`.
    public var createdDate: Date { Date(timeIntervalSince1970: TimeInterval(createdAt)) }

    /// The fixed binary layout.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(Self.currentVersion)
        writer.write(lengthPrefixed: Array(receiptNumber.description.utf8), as: UInt8.self)
        writer.write(lengthPrefixed: Array(stationID.utf8), as: UInt8.self)
        writer.write(lengthPrefixed: Array(matterCode.utf8), as: UInt8.self)
        writer.write(bigEndian: createdAt)
        writer.write(raw: payloadDigest)
        return writer.bytes
    }

    /// Decodes exactly one record; trailing bytes are an error.
    public init(decoding bytes: some Sequence<UInt8>) throws(ReceiptRecordError) {
        var reader = BinaryReader(bytes)
        do {
            let version = try reader.readByte()
            guard version == Self.currentVersion else { throw ReceiptRecordError.unknownVersion(version) }
            let numberText = try reader.readLengthPrefixed(as: UInt8.self)
            let station = try reader.readLengthPrefixed(as: UInt8.self)
            let matter = try reader.readLengthPrefixed(as: UInt8.self)
            let created = try reader.read(bigEndian: UInt64.self)
            let digest = try reader.read(count: Self.digestLength)
            guard reader.remaining == 0 else { throw ReceiptRecordError.trailingBytes(reader.remaining) }
            // Only the canonical form is accepted, so one record has exactly one encoding.
            guard let numberString = String(asciiBytes: numberText),
                  let number = try? ReceiptNumber(parsing: numberString),
                  number.description == numberString
            else { throw ReceiptRecordError.badField(.receiptNumber) }
            guard station.elementsEqual(number.station.utf8) else {
                throw ReceiptRecordError.badField(.stationID)
            }
            try self.init(
                receiptNumber: number, matterCode: String(decoding: matter, as: UTF8.self),
                createdAt: created, payloadDigest: digest)
        } catch let error as ReceiptRecordError {
            throw error
        } catch {
            throw .truncated
        }
    }

    /// Whether `code` is a valid matter code for a record.
    public static func isValidMatterCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        return (1...maxMatterCodeLength).contains(bytes.count) && bytes.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        }
    }
}

extension String {
    fileprivate init?(asciiBytes bytes: [UInt8]) {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        self.init(decoding: bytes, as: UTF8.self)
    }
}

/// Why bytes are not a receipt record.
public enum ReceiptRecordError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of the record.
    public enum Field: String, Sendable {
        case receiptNumber = "receipt number"
        case stationID = "station id"
        case matterCode = "matter code"
        case payloadDigest = "payload digest"
    }

    /// The bytes end before the record does.
    case truncated
    /// The version byte names a format this code does not know.
    case unknownVersion(UInt8)
    /// A field holds an invalid value.
    case badField(Field)
    /// Bytes follow the end of the record.
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .truncated: "receipt record is truncated"
        case .unknownVersion(let version): "receipt record has unknown format version \(version)"
        case .badField(let field): "receipt record has an invalid \(field.rawValue)"
        case .trailingBytes(let count): "receipt record is followed by \(count) unexpected bytes"
        }
    }
}
