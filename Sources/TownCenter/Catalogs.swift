import Foundation
import NIOConcurrencyHelpers
import GRDB
import KioskConfig
import KioskCore
import KioskSecurity
import SyncProtocol

extension CenterDatabase {
    /// Stores a signed bundle as the current catalog; publishing the same content again is a
    /// no-op, a known version with other content is refused.
    public func publish(_ bundle: CatalogBundle, now: Int64) async throws(CenterError) {
        let encoded: Data
        do { encoded = try SyncJSON.encode(bundle) } catch { throw .protocolError(error) }
        try await write { db in
            if let existing = try Data.fetchOne(db, sql: "SELECT bundle FROM catalog WHERE version = ?", arguments: [bundle.version]) {
                let stored = try JSONDecoder().decode(CatalogBundle.self, from: existing)
                guard stored.files == bundle.files else { throw CenterError.catalogVersionReused(bundle.version) }
                return
            }
            try db.execute(
                sql: "INSERT INTO catalog (version, matters, bundle) VALUES (?, ?, ?)",
                arguments: [bundle.version, bundle.matterCodes.sorted().joined(separator: " "), encoded])
            try Self.appendAudit(AuditEvent(at: now, event: "catalog_published", detail: bundle.version), in: db)
        }
    }

    /// The most recently published catalog bundle.
    public func currentCatalog() async throws(CenterError) -> CatalogBundle? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT bundle FROM catalog ORDER BY seq DESC LIMIT 1").map {
                try JSONDecoder().decode(CatalogBundle.self, from: $0)
            }
        }
    }

    /// The version of the most recently published catalog ("" before any).
    public func currentCatalogVersion() async throws(CenterError) -> String {
        try await read { db in try String.fetchOne(db, sql: "SELECT version FROM catalog ORDER BY seq DESC LIMIT 1") ?? "" }
    }

    /// Matter codes and versions of every catalog ever published (submissions made under an older
    /// catalog stay acceptable).
    public func knownCatalogs() async throws(CenterError) -> (matters: Set<String>, versions: Set<String>) {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT version, matters FROM catalog")
            return (
                Set(rows.flatMap { ($0["matters"] as String).split(separator: " ").map(String.init) }),
                Set(rows.map { $0["version"] as String }))
        }
    }
}

/// Reads a catalog folder into a signed bundle, after checking it with the kiosk's loader.
public enum CatalogPublisher {
    /// Loads and checks `directory` (catalog.yaml + matters/*.yaml); returns its version and files.
    public static func read(directory: URL) throws(CenterError) -> (version: String, files: [(path: String, bytes: Data)]) {
        let catalog: Catalog
        do {
            catalog = try CatalogLoader.load(directory: directory)
        } catch {
            throw .catalog(error.description)
        }
        var files: [(path: String, bytes: Data)] = []
        do {
            files.append(("catalog.yaml", try Data(contentsOf: directory.appendingPathComponent("catalog.yaml"))))
            for matter in catalog.matters {
                let path = "matters/\(matter.code).yaml"
                files.append((path, try Data(contentsOf: directory.appendingPathComponent(path))))
            }
        } catch {
            throw .io(path: directory.path, detail: (error as NSError).localizedDescription)
        }
        return (catalog.version, files)
    }

    /// Signs the files `read` returned.
    public static func bundle(
        version: String, files: [(path: String, bytes: Data)], signer: CenterSigner, now: Int64
    ) throws(CenterError) -> CatalogBundle {
        do {
            return try CatalogBundle.signed(version: version, publishedAt: now, files: files, signer: signer)
        } catch {
            throw .protocolError(error)
        }
    }
}

extension Center {
    /// A checker for a batch from the station with `key`, against every catalog published so far.
    public func submissionChecker(for key: StationPublicKey) async throws(CenterError) -> SubmissionChecker {
        let known = try await database.knownCatalogs()
        return SubmissionChecker(station: key, centerKeys: keys.agreementByID, matters: known.matters, catalogVersions: known.versions)
    }

    /// The matter `code` as the most recently published catalog defines it (for printing forms at the center).
    public func publishedMatter(_ code: String) async throws(CenterError) -> Matter {
        let catalog = try await publishedCatalog()
        guard let matter = catalog.matter(code) else { throw .catalog("matter \(code) is not in catalog \(catalog.version)") }
        return matter
    }

    /// The most recently published catalog, its signature checked; read from its bundle once per version.
    public func publishedCatalog() async throws(CenterError) -> Catalog {
        if let cached = catalogs.catalog(version: try await database.currentCatalogVersion()) { return cached }
        let catalog = try await loadPublishedCatalog()
        catalogs.keep(catalog)
        return catalog
    }

    /// The most recently published catalog, read from its signed bundle.
    private func loadPublishedCatalog() async throws(CenterError) -> Catalog {
        guard let bundle = try await database.currentCatalog() else { throw .catalog("no catalog has been published") }
        let files: [(path: String, bytes: Data)]
        do {
            files = try bundle.verifiedFiles(with: keys.signer.verifier)
        } catch {
            throw .protocolError(error)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        do {
            for file in files {
                let url = scratch.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.bytes.write(to: url)
            }
        } catch {
            throw .io(path: scratch.path, detail: error.localizedDescription)
        }
        do {
            return try CatalogLoader.load(directory: scratch)
        } catch {
            throw .catalog(error.description)
        }
    }
}

/// The published catalog as last read: reading it again means verifying its bundle, writing its
/// files out and parsing them, which a desk page or a workflow step should not pay each time.
final class CatalogCache: Sendable {
    private let kept = NIOLockedValueBox<Catalog?>(nil)

    /// The kept catalog when it is `version`.
    func catalog(version: String) -> Catalog? { kept.withLockedValue { $0?.version == version ? $0 : nil } }

    /// Keeps `catalog`.
    func keep(_ catalog: Catalog) { kept.withLockedValue { $0 = catalog } }
}
