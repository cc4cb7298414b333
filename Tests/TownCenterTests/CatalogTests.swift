import Foundation
import SyncProtocol
import Testing
import TownCenter

@Suite("Catalog bundle")
struct CatalogTests {
    @Test("the served bundle verifies with the center's key and fails when anything is altered")
    func servedBundle() async throws {
        try await withRunningCenter { center in
            let answer = try await SignedRequest("GET", SyncPath.catalog, station: TestStation()).send(to: center)
            #expect(answer.status == 200)
            let bundle = try answer.decode(CatalogBundle.self)
            #expect(bundle.version == "2026.11.1")
            let files = try bundle.verifiedFiles(with: center.verifier)
            let onDisk = try Data(contentsOf: demoCatalog.appendingPathComponent("matters/MZ-GG-01.yaml"))
            #expect(files.first { $0.path == "matters/MZ-GG-01.yaml" }?.bytes == onDisk)
            #expect(bundle.matterCodes.count == 35)

            var content = bundle
            let index = try #require(content.files.firstIndex { $0.path == "matters/MZ-GG-01.yaml" })
            content.files[index] = CatalogBundle.File(path: content.files[index].path, bytes: onDisk + Data("\n# x".utf8))
            #expect(throws: SyncProtocolError.catalogSignatureInvalid) { try content.verifiedFiles(with: center.verifier) }

            var version = bundle
            version.version = "2026.11.2"
            #expect(throws: SyncProtocolError.catalogSignatureInvalid) { try version.verifiedFiles(with: center.verifier) }

            var dropped = bundle
            dropped.files.removeLast()
            #expect(throws: SyncProtocolError.catalogSignatureInvalid) { try dropped.verifiedFiles(with: center.verifier) }

            let stranger = CenterSigner(key: .init()).verifier
            #expect(throws: SyncProtocolError.catalogSignatureInvalid) { try bundle.verifiedFiles(with: stranger) }
        }
    }

    @Test("file names that could escape the catalog folder are refused, even when signed")
    func paths() throws {
        let signer = CenterSigner(key: .init())
        #expect(throws: SyncProtocolError.catalogBadPath("../kiosk.yaml")) {
            try CatalogBundle.signed(
                version: "1", publishedAt: 0, files: [("catalog.yaml", Data()), ("../kiosk.yaml", Data())], signer: signer)
        }
        var bundle = try CatalogBundle.signed(version: "1", publishedAt: 0, files: [("catalog.yaml", Data())], signer: signer)
        bundle.files.append(CatalogBundle.File(path: "matters/../../x.yaml", bytes: Data()))
        bundle.signature = try signer.sign(try bundle.message())
        #expect(throws: SyncProtocolError.catalogBadPath("matters/../../x.yaml")) { try bundle.verifiedFiles(with: signer.verifier) }
        for path in ["catalog.yaml", "matters/MZ-GG-01.yaml"] { #expect(CatalogBundle.isAllowedPath(path)) }
        for path in ["/etc/passwd", "matters/a.yaml", "matters/X/Y.yaml", "catalog.yml", "matters/.yaml"] {
            #expect(!CatalogBundle.isAllowedPath(path))
        }
    }

    @Test("publishing a new version makes it current; reusing a version for other content is refused")
    func publish() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("catalog")
        try FileManager.default.copyItem(at: demoCatalog, to: copy)
        let header = copy.appendingPathComponent("catalog.yaml")
        let text = try String(contentsOf: header, encoding: .utf8)
        try text.replacingOccurrences(of: "2026.11.1", with: "2026.12.1").write(to: header, atomically: true, encoding: .utf8)
        let bundle = try await center.publishCatalog(directory: copy)
        #expect(bundle.version == "2026.12.1")
        #expect(try await center.database.currentCatalog()?.version == "2026.12.1")
        // The same content again changes nothing.
        _ = try await center.publishCatalog(directory: copy)

        try (text.replacingOccurrences(of: "2026.11.1", with: "2026.12.1") + "\n# edited\n")
            .write(to: header, atomically: true, encoding: .utf8)
        await #expect(throws: CenterError.catalogVersionReused("2026.12.1")) { try await center.publishCatalog(directory: copy) }

        try FileManager.default.removeItem(at: copy.appendingPathComponent("matters/MZ-GG-01.yaml"))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("matters/MZ-GG-02.yaml"))
        try text.replacingOccurrences(of: "2026.11.1", with: "2027.01.1").write(to: header, atomically: true, encoding: .utf8)
        _ = try await center.publishCatalog(directory: copy)
        // Matters from older catalogs stay acceptable for submissions made under them.
        #expect(try await center.database.knownCatalogs().matters.contains("MZ-GG-01"))
    }
}
