@preconcurrency import Crypto
import Foundation
import KioskCore

extension SyncPath {
    /// `POST`: residents' ratings of `station`'s decided cases (`StationRatings`), sent at the end of each forward round.
    public static func ratings(station: String) -> String { "/v1/stations/\(station)/ratings" }
}

/// A resident's rating as a station sends it: the rating and the station's Ed25519 signature over it.
public struct SignedRating: Codable, Sendable, Hashable {
    public var uuid: UUID
    /// 1 (非常不满意) to 5 (非常满意).
    public var level: Int
    /// `RatingReason` raw values, for a bad rating.
    public var reasons: [String]
    public var ratedAt: Int64
    /// Base64 Ed25519 signature over `CaseRating.signedMessage`.
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case uuid, level, reasons, signature
        case ratedAt = "rated_at"
    }

    /// `rating` signed with the station's `key`.
    public init(_ rating: CaseRating, signedWith key: Curve25519.Signing.PrivateKey) throws {
        uuid = rating.uuid
        level = rating.level.rawValue
        reasons = rating.reasons.map(\.rawValue)
        ratedAt = rating.ratedAt
        signature = try key.signature(for: rating.signedMessage).base64EncodedString()
    }

    /// The rating, when every value is in range and the signature is `key`'s; nil otherwise.
    public func verified(with key: Curve25519.Signing.PublicKey) -> CaseRating? {
        guard let level = RatingLevel(rawValue: level), reasons.count <= RatingReason.allCases.count, ratedAt >= 0 else { return nil }
        let parsed = reasons.compactMap(RatingReason.init(rawValue:))
        guard parsed.count == reasons.count else { return nil }
        let rating = CaseRating(uuid: uuid, level: level, reasons: parsed, ratedAt: ratedAt)
        guard rating.reasons.map(\.rawValue) == reasons, let bytes = Data(base64Encoded: signature),
              key.isValidSignature(bytes, for: rating.signedMessage)
        else { return nil }
        return rating
    }
}

/// The body of `POST /v1/stations/{id}/ratings`.
public struct StationRatings: Codable, Sendable, Hashable {
    /// The most ratings one request carries (its body stays within the small requests' 8 KiB).
    public static let maxRatings = 25

    public var ratings: [SignedRating]

    public init(ratings: [SignedRating]) { self.ratings = ratings }

    /// Why the report is out of range, or nil.
    public var outOfRange: String? {
        if ratings.isEmpty || ratings.count > Self.maxRatings { return "ratings must hold 1–\(Self.maxRatings) entries" }
        if ratings.contains(where: { !(1...5).contains($0.level) || $0.reasons.count > RatingReason.allCases.count || $0.ratedAt < 0 || $0.signature.count > 200 }) {
            return "a rating's level must be 1–5, with at most \(RatingReason.allCases.count) reasons"
        }
        return nil
    }
}

/// A rating a USB answer bundle says the center dealt with (kept or refused): the case and the rating's time.
public struct RatingAnswered: Codable, Sendable, Hashable {
    public var uuid: UUID
    public var ratedAt: Int64

    enum CodingKeys: String, CodingKey {
        case uuid
        case ratedAt = "rated_at"
    }

    public init(uuid: UUID, ratedAt: Int64) {
        self.uuid = uuid
        self.ratedAt = ratedAt
    }
}

/// The center's signed answer to a `StationRatings` report.
public struct StationRatingsAnswer: Codable, Sendable, Hashable {
    /// Ratings kept (or kept before): not to be sent again.
    public var recorded: [UUID]
    /// Ratings refused: no such case of this station, or a signature that does not verify (not to be sent again either).
    public var refused: [UUID]

    public init(recorded: [UUID], refused: [UUID]) {
        self.recorded = recorded
        self.refused = refused
    }
}
