import Foundation
import KioskSecurity
import KioskCore

/// The catalog's YAML files (catalog.yaml and matters/*.yaml) with their version, signed by
/// the center; kiosks apply it only after the signature verifies.
public struct CatalogBundle: Codable, Sendable, Hashable {
    /// One file of the catalog folder.
    public struct File: Codable, Sendable, Hashable {
        /// Path inside the catalog folder: `catalog.yaml` or `matters/CODE.yaml`.
        public var path: String
        /// The file's bytes, base64.
        public var content: String

        /// A file from its path and bytes.
        public init(path: String, bytes: Data) {
            self.path = path
            self.content = bytes.base64EncodedString()
        }
    }

    /// The catalog version (from catalog.yaml).
    public var version: String
    /// When the center published it, Unix seconds.
    public var publishedAt: Int64
    /// The files, sorted by path.
    public var files: [File]
    /// Base64 Ed25519 signature of the center over `message`.
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case version, files, signature
        case publishedAt = "published_at"
    }

    /// Signs a bundle of `files` (path and bytes); refuses disallowed paths.
    public static func signed(
        version: String, publishedAt: Int64, files: [(path: String, bytes: Data)], signer: CenterSigner
    ) throws(SyncProtocolError) -> CatalogBundle {
        for file in files where !isAllowedPath(file.path) { throw .catalogBadPath(file.path) }
        var bundle = CatalogBundle(
            version: version, publishedAt: publishedAt,
            files: files.sorted { $0.path < $1.path }.map { File(path: $0.path, bytes: $0.bytes) }, signature: "")
        bundle.signature = try signer.sign(try bundle.message())
        return bundle
    }

    /// The signed bytes: a domain tag, version, publication time, then each file's path and
    /// SHA-256, one per line.
    public func message() throws(SyncProtocolError) -> Data {
        var lines = ["BIANMIN-CATALOG-1", version, String(publishedAt)]
        for file in files {
            guard let bytes = Data(base64Encoded: file.content) else { throw .malformed("catalog file \(file.path) is not base64") }
            lines.append(file.path + " " + sha256Hex(bytes))
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// Verifies the signature and the file names; returns the files (path, bytes) to write.
    public func verifiedFiles(with verifier: CenterVerifier) throws(SyncProtocolError) -> [(path: String, bytes: Data)] {
        guard verifier.isValid(signature: signature, for: try message()) else { throw .catalogSignatureInvalid }
        var seen = Set<String>()
        var result: [(path: String, bytes: Data)] = []
        for file in files {
            guard Self.isAllowedPath(file.path), seen.insert(file.path).inserted else { throw .catalogBadPath(file.path) }
            guard let bytes = Data(base64Encoded: file.content) else { throw .malformed("catalog file \(file.path) is not base64") }
            result.append((file.path, bytes))
        }
        guard seen.contains("catalog.yaml") else { throw .malformed("catalog bundle lacks catalog.yaml") }
        return result
    }

    /// The matter codes the bundle's file names declare.
    public var matterCodes: Set<String> {
        Set(files.compactMap { file in
            guard file.path.hasPrefix("matters/"), file.path.hasSuffix(".yaml") else { return nil }
            return String(file.path.dropFirst("matters/".count).dropLast(".yaml".count))
        })
    }

    /// `catalog.yaml`, or `matters/CODE.yaml` with a valid matter code: nothing that could
    /// escape the catalog folder when written.
    public static func isAllowedPath(_ path: String) -> Bool {
        if path == "catalog.yaml" { return true }
        guard path.hasPrefix("matters/"), path.hasSuffix(".yaml") else { return false }
        return ReceiptRecord.isValidMatterCode(String(path.dropFirst("matters/".count).dropLast(".yaml".count)))
    }
}
