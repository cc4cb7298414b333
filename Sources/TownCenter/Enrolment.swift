@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// One-time enrolment tokens: 16 Crockford base32 characters in groups of four.
public enum EnrolmentToken {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A fresh random token, e.g. `7K2M-9QXD-…`.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// SHA-256 of the token with case, dashes and spaces ignored; only the hash is stored.
    static func hash(_ token: String) -> Data {
        let normalized = token.uppercased().filter { $0 != "-" && $0 != " " }
        return Data(SHA256.hash(data: Data(normalized.utf8)))
    }
}

extension CenterDatabase {
    /// Issues a one-time token for `station`, valid until `expiresAt`.
    public func issueToken(station: String, now: Int64, expiresAt: Int64) async throws(CenterError) -> String {
        guard ReceiptNumber.isValidStationCode(station) else { throw .invalidStation(station) }
        let token = EnrolmentToken.generate()
        try await write { db in
            try db.execute(
                sql: "INSERT INTO enrolment_token (token_hash, station, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [EnrolmentToken.hash(token), station, now, expiresAt])
            try Self.appendAudit(AuditEvent(at: now, event: "token_issued", station: station), in: db)
        }
        return token
    }

    /// Uses `token` to enrol (or re-enrol) `station` with `publicKey`, in one transaction.
    public func enroll(
        station: String, token: String, publicKey: Curve25519.Signing.PublicKey, now: Int64
    ) async throws(CenterError) {
        let tokenHash = EnrolmentToken.hash(token)
        let raw = publicKey.rawRepresentation
        try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT station, expires_at, used_at FROM enrolment_token WHERE token_hash = ?",
                arguments: [tokenHash])
            else { throw CenterError.enrolment(.tokenUnknown) }
            guard (row["station"] as String) == station else { throw CenterError.enrolment(.tokenForOtherStation) }
            guard (row["used_at"] as Int64?) == nil else { throw CenterError.enrolment(.tokenUsed) }
            guard (row["expires_at"] as Int64) >= now else { throw CenterError.enrolment(.tokenExpired) }
            try db.execute(sql: "UPDATE enrolment_token SET used_at = ? WHERE token_hash = ?", arguments: [now, tokenHash])
            try db.execute(
                sql: """
                    INSERT INTO station (id, public_key, enrolled_at) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at
                    """,
                arguments: [station, raw, now])
            try Self.appendAudit(
                AuditEvent(at: now, event: "enrolled", station: station,
                           detail: StationPublicKey(stationID: station, key: publicKey).fingerprint),
                in: db)
        }
    }

    /// The enrolled key of `station`, if any.
    public func stationKey(_ station: String) async throws(CenterError) -> StationPublicKey? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT public_key FROM station WHERE id = ?", arguments: [station]).flatMap {
                (try? Curve25519.Signing.PublicKey(rawRepresentation: $0)).map { StationPublicKey(stationID: station, key: $0) }
            }
        }
    }

    /// Every enrolled station's key.
    public func stationKeys() async throws(CenterError) -> [StationPublicKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, public_key FROM station ORDER BY id").compactMap { row in
                let raw: Data = row["public_key"]
                return (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)).map {
                    StationPublicKey(stationID: row["id"], key: $0)
                }
            }
        }
    }
}
