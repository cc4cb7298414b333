@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// A submission item that passed every check, ready to store.
public struct CheckedItem: Sendable, Hashable {
    /// The item as received.
    public let item: SubmissionItem
    /// The verified receipt record.
    public let record: ReceiptRecord
    /// The sealed payload's serialized bytes.
    public let sealedPayload: Data
    /// SHA-256 of the item's content (everything but `form_printed`): equal hashes are duplicates.
    public let contentHash: Data
}

/// The outcome of checking one item: ready to store, or the rejection to answer with.
public enum CheckOutcome: Sendable, Hashable {
    /// Passed every check.
    case passed(CheckedItem)
    /// Refused; the result says why.
    case rejected(ItemResult)
}

/// Checks forwarded items against the station's key, the center's key and the catalogs.
public struct SubmissionChecker: Sendable {
    /// The key of the station the batch came from.
    public let station: StationPublicKey
    /// The center's X25519 pairs by key id, current and retired (a payload must open with the one it
    /// names, under the item's own context: a kiosk offline over a rotation still delivers).
    public let centerKeys: [String: CenterKeyPair]
    /// Matter codes of every published catalog.
    public let matters: Set<String>
    /// Versions of every published catalog.
    public let catalogVersions: Set<String>

    /// A checker for one station's batch.
    public init(station: StationPublicKey, centerKeys: [String: CenterKeyPair], matters: Set<String>, catalogVersions: Set<String>) {
        self.station = station
        self.centerKeys = centerKeys
        self.matters = matters
        self.catalogVersions = catalogVersions
    }

    /// Checks a batch, in order, spreading the signature checks and payload openings over the cores.
    public func check(_ items: [SubmissionItem]) async -> [CheckOutcome] {
        let chunk = max(16, (items.count + Self.cores - 1) / Self.cores)
        guard items.count > chunk else { return items.map(check) }
        return await withTaskGroup(of: (Int, [CheckOutcome]).self) { group in
            for start in stride(from: 0, to: items.count, by: chunk) {
                let slice = Array(items[start..<min(start + chunk, items.count)])
                group.addTask { (start, slice.map(check)) }
            }
            var outcomes: [(Int, [CheckOutcome])] = []
            for await part in group { outcomes.append(part) }
            return outcomes.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// The checked item, or the rejection to answer with.
    public func check(_ item: SubmissionItem) -> CheckOutcome {
        func reject(_ reason: RejectionReason, _ detail: String) -> CheckOutcome {
            .rejected(ItemResult(uuid: item.uuid, outcome: .rejected, reason: reason, detail: detail))
        }
        let receipt: SignedReceipt
        do {
            receipt = try SignedReceipt(qrText: item.receipt)
        } catch {
            return reject(.receiptUnreadable, error.english)
        }
        guard receipt.record.stationID == station.stationID else {
            return reject(.receiptStationMismatch, "receipt names station \(receipt.record.stationID)")
        }
        do {
            try receipt.verify(with: station)
        } catch {
            return reject(.receiptSignatureInvalid, error.english)
        }
        guard let bytes = Data(base64Encoded: item.sealedPayload) else { return reject(.payloadMalformed, "not base64") }
        let sealed: SealedPayload
        do {
            sealed = try SealedPayload(serialized: bytes)
        } catch {
            return reject(.payloadMalformed, error.description)
        }
        guard SealedPayload.digest(ofSerialized: bytes) == receipt.record.payloadDigest else {
            return reject(.payloadDigestMismatch, "sealed payload digest differs from the receipt's")
        }
        guard let centerKey = centerKeys[sealed.keyID] else {
            return reject(.unknownKeyID, "payload sealed to key \(sealed.keyID.prefix(40)), which this center does not hold")
        }
        guard item.matter == receipt.record.matterCode else {
            return reject(.matterMismatch, "item says \(item.matter), receipt says \(receipt.record.matterCode)")
        }
        guard matters.contains(item.matter) else { return reject(.unknownMatter, "no published catalog has \(item.matter)") }
        // The station-supplied fields that are not signed are checked too: they reach staff and exports.
        guard catalogVersions.contains(item.catalogVersion) else {
            return reject(.unknownCatalogVersion, "no published catalog has version \(item.catalogVersion.prefix(40))")
        }
        guard item.createdAt == Int64(clamping: receipt.record.createdAt) else {
            return reject(.createdAtMismatch, "created_at differs from the signed receipt time")
        }
        switch (item.channel, item.assistant) {
        case (.selfService, nil): break
        case (.assisted, let id?) where Channel.isValidAssistantID(id): break
        case (.window, _): return reject(.badAssistant, "a station cannot forward a window item: the window channel is the center's own")
        default: return reject(.badAssistant, "a \(item.channel.rawValue) item with assistant \(item.assistant.map { "'\($0.prefix(20))'" } ?? "none")")
        }
        let context = SealContext(uuid: item.uuid, station: station.stationID, matter: item.matter)
        guard (try? PayloadOpener.open(sealed, with: centerKey, associated: context)) != nil else {
            return reject(.payloadContextMismatch, "payload does not open for this uuid, station and matter")
        }
        return .passed(CheckedItem(item: item, record: receipt.record, sealedPayload: bytes, contentHash: Self.contentHash(item)))
    }

    /// What "the same content" means for a resent item: every field but `formPrinted` (which the
    /// village may change by printing later), each length-prefixed so no two items share a hash.
    static func contentHash(_ item: SubmissionItem) -> Data {
        var hash = SHA256()
        for var field in [
            item.uuid.uuidString, item.receipt, item.sealedPayload, item.matter, item.catalogVersion, item.channel.rawValue,
            item.assistant ?? "\u{0}", String(item.createdAt),
        ] {
            withUnsafeBytes(of: UInt32(field.utf8.count).bigEndian) { hash.update(bufferPointer: $0) }
            field.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        return Data(hash.finalize())
    }
}

extension CenterDatabase {
    /// Stores a station's checked batch in one transaction, consuming the request's nonce in
    /// the same transaction; returns one result per item, in order.
    public func ingest(
        station: String, nonce: String, nonceExpiresAt: Int64, items: [CheckOutcome], now: Int64
    ) async throws(CenterError) -> [ItemResult] {
        try await write { db in
            try Self.consumeNonce(nonce, station: station, now: now, expiresAt: nonceExpiresAt, in: db)
            return try Self.storeAll(items, station: station, now: now, in: db)
        }
    }

    /// Stores a station's checked items with no request nonce (`usb`: carried in a USB bundle) in
    /// one transaction, by the same rules as the network; one result per item, in order.
    public func ingest(station: String, items: [CheckOutcome], now: Int64, usb: Bool = false) async throws(CenterError) -> [ItemResult] {
        try await write { db in try Self.storeAll(items, station: station, now: now, usb: usb, in: db) }
    }

    private static func storeAll(_ items: [CheckOutcome], station: String, now: Int64, usb: Bool = false, in db: Database) throws -> [ItemResult] {
        var events: [AuditEvent] = []
        events.reserveCapacity(items.count)
        let results = try items.map { checked in
            switch checked {
            case .rejected(let rejection):
                events.append(
                    AuditEvent(at: now, event: "rejected", station: station, uuid: rejection.uuid.uuidString,
                               detail: rejection.reason?.rawValue))
                return rejection
            case .passed(let item):
                return try store(item, station: station, now: now, usb: usb, in: db, audit: &events)
            }
        }
        try appendAudit(events, in: db)
        return results
    }

    /// Stores one checked item (`usb`: it came in a USB bundle, which reports count as a channel of its own).
    static func store(
        _ checked: CheckedItem, station: String, now: Int64, usb: Bool = false, in db: Database, audit events: inout [AuditEvent]
    ) throws -> ItemResult {
        let item = checked.item
        let receipt = checked.record.receiptNumber.description
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT uuid, content_hash FROM submission WHERE uuid = ? OR receipt = ? LIMIT 1"),
            arguments: [item.uuid.uuidString, receipt])
        if let existing {
            if (existing["uuid"] as String) == item.uuid.uuidString, (existing["content_hash"] as Data) == checked.contentHash {
                return ItemResult(uuid: item.uuid, outcome: .duplicate)
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO conflict (uuid, station, item, content_hash, received_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [item.uuid.uuidString, station, try SyncJSON.encoder().encode(item), checked.contentHash, now])
            events.append(AuditEvent(at: now, event: "conflict", station: station, receipt: receipt, uuid: item.uuid.uuidString))
            let detail = (existing["uuid"] as String) == item.uuid.uuidString
                ? "uuid already stored with different content" : "receipt number already stored under another uuid"
            return ItemResult(uuid: item.uuid, outcome: .conflict, reason: .conflict, detail: detail)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO submission (uuid, station, receipt, matter, catalog_version, channel, assistant, created_at,
                    received_at, form_printed, receipt_qr, sealed_payload, content_hash, report_channel)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                item.uuid.uuidString, station, receipt, item.matter, item.catalogVersion, item.channel.rawValue,
                item.assistant, item.createdAt, now, item.formPrinted, item.receipt, checked.sealedPayload,
                checked.contentHash, usb ? "usb" : item.channel.rawValue,
            ])
        events.append(AuditEvent(at: now, event: "stored", station: station, receipt: receipt, uuid: item.uuid.uuidString))
        return ItemResult(uuid: item.uuid, outcome: .stored)
    }

    /// How many conflicting resends are recorded for `uuid`.
    public func conflictCount(uuid: UUID) async throws(CenterError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict WHERE uuid = ?", arguments: [uuid.uuidString]) ?? 0
        }
    }
}
