import Foundation

/// A receipt's QR text split into its record and signature bytes (`BM1:` + Base45(record + signature)),
/// parsed without checking the signature (KioskSecurity's `SignedReceipt` verifies it).
public struct ReceiptQRText: Sendable, Hashable {
    /// Prefix of the QR text; the digit is the record format version.
    public static let prefix = "BM1:"
    /// Length of an Ed25519 signature.
    public static let signatureLength = 64

    /// The record, decoded.
    public let record: ReceiptRecord
    /// The signature bytes that follow the record.
    public let signature: [UInt8]

    /// Parses QR text; a scanner's surrounding whitespace or newline is ignored.
    public init(_ qrText: String) throws(ReceiptQRTextError) {
        // A scanner may add a newline; most texts have nothing to trim (and trimming goes through NSString).
        let padded = qrText.first?.isWhitespace != false || qrText.last?.isWhitespace != false
        let text = padded ? qrText.trimmingCharacters(in: .whitespacesAndNewlines) : qrText
        guard text.hasPrefix("BM"), let colon = text.firstIndex(of: ":") else { throw .notBianminReceipt }
        let versionText = text[text.index(text.startIndex, offsetBy: 2)..<colon]
        guard let version = UInt8(versionText) else { throw .notBianminReceipt }
        guard version == ReceiptRecord.currentVersion else { throw .unknownVersion(version) }
        let bytes: [UInt8]
        do {
            bytes = try Base45.decode(String(text[text.index(after: colon)...]))
        } catch {
            throw .damaged(error.description)
        }
        guard bytes.count > Self.signatureLength else { throw .damaged("too short") }
        let split = bytes.count - Self.signatureLength
        do {
            record = try ReceiptRecord(decoding: bytes[..<split])
        } catch .unknownVersion(let inner) {
            throw .unknownVersion(inner)
        } catch {
            throw .damaged(error.description)
        }
        signature = Array(bytes[split...])
    }
}

/// Why text is not a receipt's QR text.
public enum ReceiptQRTextError: Error, Equatable, Sendable {
    /// The text is not a Bianmin receipt (wrong prefix).
    case notBianminReceipt
    /// A Bianmin receipt in a format version this program does not know.
    case unknownVersion(UInt8)
    /// The text is damaged (bad Base45, truncated or an invalid field).
    case damaged(String)
}
