import FileSystem
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// What importing one USB submissions bundle did.
public struct BundleImportReport: Codable, Sendable, Hashable {
    /// The station the bundle came from.
    public var station: String
    /// Items in the bundle.
    public var items: Int
    /// Newly stored.
    public var stored: Int
    /// Already stored with the same content.
    public var duplicates: Int
    /// Same UUID or receipt with different content (recorded, not overwritten).
    public var conflicts: Int
    /// Refused items.
    public var rejected: Int
    /// Decisions carried back in the answer.
    public var decisions: Int
    /// The catalog version carried back.
    public var catalogVersion: String?
    /// Where the answer bundle was written.
    public var answerPath: String
}

extension Center {
    /// Imports the submissions bundle at `path`: verifies it with the enrolled key of the station
    /// it names, stores its items by the network's rules, and writes the signed answer bundle
    /// beside it (`NAME.answer.bmb`) with the results, the station's decisions and the catalog.
    public func importBundle(at path: String, calendar: WorkingDayCalendar = WorkingDayCalendar(schedules: [])) async throws(CenterError)
        -> BundleImportReport
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, detail: (error as NSError).localizedDescription)
        }
        let (bundle, key, batch) = try await verify(data, path: path)
        let checker = try await submissionChecker(for: key)
        let station = bundle.manifest.station
        let results = try await database.ingest(station: station, items: await checker.check(batch.items), now: now, usb: true)
        var ratings: [RatingAnswered] = []
        for signed in batch.ratings ?? [] {
            if let rating = signed.verified(with: key.key) {
                try await recordRating(rating, channel: "kiosk", station: station, signature: signed.signature, calendar: calendar)
            }
            ratings.append(RatingAnswered(uuid: signed.uuid, ratedAt: signed.ratedAt))
        }
        let decisions = try await database.latestDecisions(station: station)
        let catalog = try await database.currentCatalog()
        let bytes: Data
        do {
            bytes = try TransferBundle.answer(
                BundleAnswer(results: results, decisions: decisions, catalog: catalog, ratings: ratings.isEmpty ? nil : ratings), station: station,
                answering: sha256Hex(data), createdAt: now, signer: keys.signer)
        } catch {
            throw .protocolError(error)
        }
        let answerPath = TransferBundle.answerPath(for: path)
        do {
            try DurableFile.write(bytes, to: answerPath)
        } catch {
            throw .io(path: error.path, detail: error.reason)
        }
        try await database.audit(AuditEvent(at: now, event: "bundle_imported", station: station, detail: "items=\(results.count)"))
        return BundleImportReport(
            station: station, items: results.count, stored: results.count(where: { $0.outcome == .stored }),
            duplicates: results.count(where: { $0.outcome == .duplicate }), conflicts: results.count(where: { $0.outcome == .conflict }),
            rejected: results.count(where: { $0.outcome == .rejected }), decisions: decisions.count, catalogVersion: catalog?.version,
            answerPath: answerPath)
    }

    /// Parses and verifies a submissions bundle with the enrolled key of the station it names;
    /// refusals are counted.
    private func verify(
        _ data: Data, path: String
    ) async throws(CenterError) -> (TransferBundle, StationPublicKey, SubmissionBatch) {
        let bundle: TransferBundle
        do {
            bundle = try TransferBundle(data: data)
        } catch {
            try? await database.addRefusals(["bundle_refused": 1])
            throw .bundleRefused(path: path, error)
        }
        let key: StationPublicKey
        switch try await database.standing(of: bundle.manifest.station) {
        case .enrolled(let enrolled): key = enrolled
        case .revoked:
            try? await database.addRefusals(["bundle_station_revoked": 1])
            throw .stationRevoked(bundle.manifest.station)
        case .unknown:
            try? await database.addRefusals(["bundle_unknown_station": 1])
            throw .unknownStation(bundle.manifest.station)
        }
        do {
            return (bundle, key, try bundle.verifiedSubmissions(key: key))
        } catch {
            try? await database.addRefusals(["bundle_refused": 1])
            throw .bundleRefused(path: path, error)
        }
    }
}

extension CenterDatabase {
    /// The latest decision on each of `station`'s submissions, in decision order.
    public func latestDecisions(station: String) async throws(CenterError) -> [DecisionUpdate] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.decisionColumns)
                    FROM decision d JOIN submission s ON s.uuid = d.uuid
                    WHERE d.station = ? AND d.seq = (SELECT MAX(seq) FROM decision WHERE uuid = d.uuid)
                    ORDER BY d.seq
                    """,
                arguments: [station]
            ).map(Self.decisionUpdate)
        }
    }
}
