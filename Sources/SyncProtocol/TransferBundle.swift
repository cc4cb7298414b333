@preconcurrency import Crypto
import Foundation
import KioskSecurity

/// What a USB transfer bundle carries.
public enum BundleKind: String, Codable, Sendable, Hashable {
    /// A station's unacknowledged submissions, signed by the station key.
    case submissions
    /// The center's answer to a submissions bundle, signed by the center key.
    case answer
}

/// The signed header of a transfer bundle (docs/usb-bundles.md).
public struct BundleManifest: Codable, Sendable, Hashable {
    /// The bundle format version (`TransferBundle.formatVersion`).
    public var formatVersion: Int
    /// Submissions or answer.
    public var kind: BundleKind
    /// The station the bundle comes from (submissions) or is for (answer).
    public var station: String
    /// When the bundle was written, Unix seconds.
    public var createdAt: Int64
    /// Submissions (or per-item results) in the content.
    public var itemCount: Int
    /// The content's length in bytes.
    public var contentBytes: Int
    /// SHA-256 (hex) of the content.
    public var contentSHA256: String
    /// For an answer: the SHA-256 (hex) of the whole submissions bundle it answers.
    public var answers: String?

    /// A manifest from its fields.
    public init(
        formatVersion: Int = TransferBundle.formatVersion, kind: BundleKind, station: String, createdAt: Int64, itemCount: Int,
        contentBytes: Int, contentSHA256: String, answers: String? = nil
    ) {
        self.formatVersion = formatVersion
        self.kind = kind
        self.station = station
        self.createdAt = createdAt
        self.itemCount = itemCount
        self.contentBytes = contentBytes
        self.contentSHA256 = contentSHA256
        self.answers = answers
    }

    enum CodingKeys: String, CodingKey {
        case kind, station, answers
        case formatVersion = "format_version"
        case createdAt = "created_at"
        case itemCount = "item_count"
        case contentBytes = "content_bytes"
        case contentSHA256 = "content_sha256"
    }
}

/// The content of an answer bundle: what the center did with each item, the station's
/// decisions and the current signed catalog.
public struct BundleAnswer: Codable, Sendable, Hashable {
    /// One result per item of the submissions bundle, in its order.
    public var results: [ItemResult]
    /// The latest decision on each of the station's submissions.
    public var decisions: [DecisionUpdate]
    /// The current signed catalog (verified on its own before it is applied).
    public var catalog: CatalogBundle?
    /// The bundle's ratings the center kept or refused: not to be carried again.
    public var ratings: [RatingAnswered]?

    /// An answer from its parts.
    public init(results: [ItemResult], decisions: [DecisionUpdate], catalog: CatalogBundle?, ratings: [RatingAnswered]? = nil) {
        self.results = results
        self.decisions = decisions
        self.catalog = catalog
        self.ratings = ratings
    }
}

/// Why a bundle was refused; descriptions say what is wrong in English for staff.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start like a Bianmin bundle.
    case notABundle
    /// A format version this program does not know.
    case unsupportedVersion(Int)
    /// A submissions bundle where an answer was expected, or the reverse.
    case wrongKind(expected: BundleKind, found: BundleKind)
    /// The content is shorter or longer than the manifest says (a truncated copy).
    case truncated(String)
    /// The content's hash differs from the manifest's (altered).
    case contentAltered
    /// The manifest's signature does not verify with the expected key.
    case signatureInvalid
    /// The bundle names another station.
    case stationMismatch(expected: String, found: String)
    /// The manifest or content is not the expected JSON.
    case malformed(String)

    public var description: String {
        switch self {
        case .notABundle: "not a Bianmin transfer bundle"
        case .unsupportedVersion(let version):
            "bundle format version \(version) is not supported (this program reads version \(TransferBundle.formatVersion)); update the software"
        case .wrongKind(let expected, let found): "expected a \(expected.rawValue) bundle, found a \(found.rawValue) bundle"
        case .truncated(let detail): "bundle is truncated (an interrupted copy?): \(detail)"
        case .contentAltered: "bundle content was altered: its SHA-256 differs from the signed manifest"
        case .signatureInvalid: "bundle signature does not verify (a foreign or altered bundle)"
        case .stationMismatch(let expected, let found): "bundle is for station \(found), not \(expected)"
        case .malformed(let detail): "malformed bundle: \(detail)"
        }
    }
}

/// A USB transfer bundle: a header line, the signed manifest, its signature, then the content.
///
/// ```
/// BIANMIN-BUNDLE <version> <kind>\n
/// <manifest JSON>\n
/// <base64 Ed25519 signature over "BIANMIN-BUNDLE-1\n" + manifest JSON>\n
/// <content JSON>
/// ```
public struct TransferBundle: Sendable, Hashable {
    /// The format version this program writes and reads.
    public static let formatVersion = 1
    /// The file name extension.
    public static let fileExtension = "bmb"

    /// The signed manifest.
    public let manifest: BundleManifest
    /// The manifest's exact bytes (what is signed).
    public let manifestBytes: Data
    /// The base64 signature.
    public let signature: String
    /// The content's bytes.
    public let content: Data

    /// The bytes a bundle's signature covers.
    static func signedMessage(_ manifestBytes: Data) -> Data { Data("BIANMIN-BUNDLE-1\n".utf8) + manifestBytes }

    /// Writes a bundle of `content`, signing its manifest with `sign`.
    static func encode(
        kind: BundleKind, station: String, createdAt: Int64, itemCount: Int, answers: String?, content: Data,
        sign: (Data) throws(SyncProtocolError) -> String
    ) throws(SyncProtocolError) -> Data {
        let manifest = BundleManifest(
            kind: kind, station: station, createdAt: createdAt, itemCount: itemCount, contentBytes: content.count,
            contentSHA256: sha256Hex(content), answers: answers)
        let manifestBytes = try SyncJSON.encode(manifest)
        let signature = try sign(signedMessage(manifestBytes))
        return Data("BIANMIN-BUNDLE \(formatVersion) \(kind.rawValue)\n".utf8) + manifestBytes + Data("\n\(signature)\n".utf8) + content
    }

    /// A submissions bundle of `items` (and residents' `ratings`) from `station`, signed with the station's key.
    public static func submissions(
        _ items: [SubmissionItem], ratings: [SignedRating] = [], station: String, createdAt: Int64, identity: StationIdentity
    ) throws(SyncProtocolError) -> Data {
        try encode(
            kind: .submissions, station: station, createdAt: createdAt, itemCount: items.count, answers: nil,
            content: try SyncJSON.encode(SubmissionBatch(items: items, ratings: ratings.isEmpty ? nil : ratings))
        ) { (message: Data) throws(SyncProtocolError) -> String in
            do {
                return try identity.signingKey.signature(for: message).base64EncodedString()
            } catch {
                throw .cryptoFailure(String(describing: error))
            }
        }
    }

    /// An answer bundle for `station` answering the submissions bundle whose SHA-256 is
    /// `answering`, signed by the center.
    public static func answer(
        _ answer: BundleAnswer, station: String, answering: String, createdAt: Int64, signer: CenterSigner
    ) throws(SyncProtocolError) -> Data {
        try encode(
            kind: .answer, station: station, createdAt: createdAt, itemCount: answer.results.count, answers: answering,
            content: try SyncJSON.encode(answer), sign: signer.sign)
    }

    /// Parses a bundle's framing and checks the content against the manifest (not yet the
    /// signature: see `verifiedSubmissions` and `verifiedAnswer`).
    public init(data: Data) throws(BundleError) {
        let newline = UInt8(ascii: "\n")
        var lines: [Data] = []
        var start = data.startIndex
        while lines.count < 3 {
            guard let end = data[start...].firstIndex(of: newline) else {
                throw data.starts(with: Data("BIANMIN-BUNDLE ".utf8)) ? BundleError.truncated("the header ends early") : BundleError.notABundle
            }
            lines.append(data[start..<end])
            start = data.index(after: end)
        }
        let header = String(decoding: lines[0], as: UTF8.self).split(separator: " ")
        guard header.count == 3, header[0] == "BIANMIN-BUNDLE", let version = Int(header[1]) else { throw .notABundle }
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        let manifest: BundleManifest
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: lines[1])
        } catch {
            throw .malformed("manifest: \(error)")
        }
        guard manifest.formatVersion == Self.formatVersion else { throw .unsupportedVersion(manifest.formatVersion) }
        guard manifest.kind.rawValue == header[2] else { throw .malformed("header says \(header[2]), manifest says \(manifest.kind.rawValue)") }
        let content = Data(data[start...])
        guard content.count == manifest.contentBytes else { throw .truncated("content has \(content.count) bytes, the manifest says \(manifest.contentBytes)") }
        guard sha256Hex(content) == manifest.contentSHA256 else { throw .contentAltered }
        self.manifest = manifest
        manifestBytes = Data(lines[1])
        signature = String(decoding: lines[2], as: UTF8.self)
        self.content = content
    }

    /// The submissions, once the station's signature verifies with `key` (the enrolled key of
    /// the station the manifest names).
    public func verifiedSubmissions(key: StationPublicKey) throws(BundleError) -> SubmissionBatch {
        guard manifest.kind == .submissions else { throw .wrongKind(expected: .submissions, found: manifest.kind) }
        guard manifest.station == key.stationID else { throw .stationMismatch(expected: key.stationID, found: manifest.station) }
        guard let raw = Data(base64Encoded: signature), key.key.isValidSignature(raw, for: Self.signedMessage(manifestBytes))
        else { throw .signatureInvalid }
        let batch = try decode(SubmissionBatch.self)
        guard batch.items.count == manifest.itemCount else { throw .malformed("manifest says \(manifest.itemCount) items, content has \(batch.items.count)") }
        return batch
    }

    /// The answer, once the center's signature verifies and it is for `station`.
    public func verifiedAnswer(verifier: CenterVerifier, station: String) throws(BundleError) -> BundleAnswer {
        guard manifest.kind == .answer else { throw .wrongKind(expected: .answer, found: manifest.kind) }
        guard verifier.isValid(signature: signature, for: Self.signedMessage(manifestBytes)) else { throw .signatureInvalid }
        guard manifest.station == station else { throw .stationMismatch(expected: station, found: manifest.station) }
        return try decode(BundleAnswer.self)
    }

    private func decode<T: Decodable>(_ type: T.Type) throws(BundleError) -> T {
        do {
            return try JSONDecoder().decode(type, from: content)
        } catch {
            throw .malformed("content: \(error)")
        }
    }

    /// A file name for a bundle: `bianmin-STATION-YYYYMMDDTHHMM-SHORT.bmb` (China time).
    public static func fileName(station: String, createdAt: Int64, digest: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyyMMdd'T'HHmm"
        return "bianmin-\(station)-\(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(createdAt))))-\(digest.prefix(8)).\(fileExtension)"
    }

    /// The answer file's name for a submissions bundle at `path`: `NAME.answer.bmb`.
    public static func answerPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.pathExtension == fileExtension ? url.deletingPathExtension() : url
        return base.path + ".answer." + fileExtension
    }
}
