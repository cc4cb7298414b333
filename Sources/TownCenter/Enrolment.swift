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
}

/// Where a station stands at this center.
public enum StationStanding: Sendable {
    /// Never enrolled.
    case unknown
    /// Revoked at this Unix time.
    case revoked(at: Int64)
    /// Enrolled with this key.
    case enrolled(StationPublicKey)
}

/// An issued token as stored: only its hash.
private struct TokenRecord: Sendable {
    var hash: Data
    var station: String
    var expiresAt: Int64
    var usedAt: Int64?
}

extension CenterDatabase {
    /// Issues a one-time token for `station`, valid until `expiresAt`.
    public func issueToken(station: String, now: Int64, expiresAt: Int64) async throws(CenterError) -> String {
        guard ReceiptNumber.isValidStationCode(station) else { throw .invalidStation(station) }
        let token = EnrolmentToken.generate()
        try await write { db in
            guard try !Self.isWindowSeries(station, in: db) else { throw CenterError.windowSeries(station) }
            try db.execute(
                sql: "INSERT INTO enrolment_token (token_hash, station, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [EnrolmentSecret.tokenHash(token), station, now, expiresAt])
            try Self.appendAudit(AuditEvent(at: now, event: "token_issued", station: station), in: db)
        }
        return token
    }

    /// Most tokens weighed against one enrolment: an unauthenticated request stays cheap.
    static let enrolmentCandidates = 256

    /// Enrols (or re-enrols) `station` with `publicKey` (base64, as sent) if `proof` shows knowledge of
    /// one of the center's tokens for this request's `nonce`; one transaction. Returns the token's
    /// secret, with which the center proves its own knowledge in the answer.
    public func enroll(
        station: String, publicKey: String, proof: String, nonce: String, now: Int64
    ) async throws(CenterError) -> EnrolmentSecret {
        guard let key = StationPublicKey(stationID: station, base64: publicKey) else { throw .enrolment(.badPublicKey) }
        // The token is never sent: find the issued token whose secret yields the proof, the station's
        // own first, then any live one (to say it belongs to another station). Read only: a refusal
        // takes no write lock.
        let candidates = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT token_hash, station, expires_at, used_at FROM enrolment_token
                    WHERE station = ? OR (used_at IS NULL AND expires_at >= ?)
                    ORDER BY station = ? DESC, issued_at DESC LIMIT ?
                    """,
                arguments: [station, now, station, Self.enrolmentCandidates]
            ).map { TokenRecord(hash: $0["token_hash"], station: $0["station"], expiresAt: $0["expires_at"], usedAt: $0["used_at"]) }
        }
        guard let (token, secret) = candidates.lazy.compactMap({ token -> (TokenRecord, EnrolmentSecret)? in
            let secret = EnrolmentSecret(tokenHash: token.hash)
            return EnrolmentSecret.matches(proof, secret.stationProof(station: station, publicKey: publicKey, nonce: nonce))
                ? (token, secret) : nil
        }).first
        else { throw .enrolment(.tokenUnknown) }
        guard token.station == station else { throw .enrolment(.tokenForOtherStation) }
        guard token.usedAt == nil else { throw .enrolment(.tokenUsed) }
        guard token.expiresAt >= now else { throw .enrolment(.tokenExpired) }
        try await write { db in
            // Spent only once, even by two enrolments at the same moment.
            try db.execute(
                sql: "UPDATE enrolment_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", arguments: [now, token.hash])
            guard db.changesCount == 1 else { throw CenterError.enrolment(.tokenUsed) }
            try db.execute(
                sql: """
                    INSERT INTO station (id, public_key, enrolled_at) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, revoked_at = NULL
                    """,
                arguments: [station, key.key.rawRepresentation, now])
            try Self.appendAudit(AuditEvent(at: now, event: "enrolled", station: station, detail: key.fingerprint), in: db)
        }
        return secret
    }

    /// Whether `station` is enrolled, and with which key, or revoked.
    public func standing(of station: String) async throws(CenterError) -> StationStanding {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT public_key, revoked_at FROM station WHERE id = ?", arguments: [station]),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: row["public_key"] as Data)
            else { return .unknown }
            if let revokedAt = row["revoked_at"] as Int64? { return .revoked(at: revokedAt) }
            return .enrolled(StationPublicKey(stationID: station, key: key))
        }
    }

    /// Revokes `station`: its requests and bundles are refused (and counted) until it is enrolled
    /// again with a new token; what it delivered stays.
    public func revoke(station: String, now: Int64) async throws(CenterError) {
        try await write { db in
            try db.execute(sql: "UPDATE station SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, station])
            guard db.changesCount == 1 else {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM station WHERE id = ?", arguments: [station]) == true else {
                    throw CenterError.unknownStation(station)
                }
                return
            }
            try Self.appendAudit(AuditEvent(at: now, event: "station_revoked", station: station), in: db)
        }
    }

    /// The codes of the enrolled stations that are not revoked.
    public func enrolledStations() async throws(CenterError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM station WHERE revoked_at IS NULL ORDER BY id") }
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
