// Over 300 lines in one file: every wire type of the sync API, so the protocol reads in one place beside docs/sync-protocol.md.

import Foundation
import KioskCore
import KioskSecurity

/// Request paths of the sync API (documented in openapi.yaml).
public enum SyncPath {
    /// `POST`: enrol a station with a one-time token.
    public static let enroll = "/v1/enroll"
    /// `GET`: the signed catalog bundle.
    public static let catalog = "/v1/catalog"

    /// `POST`: a batch of submissions from `station`.
    public static func submissions(station: String) -> String { "/v1/stations/\(station)/submissions" }

    /// `POST`: `station`'s signed audit head (`AuditHead`), sent at the end of each forward round.
    public static func auditHead(station: String) -> String { "/v1/stations/\(station)/audit-head" }

    /// `GET`: decisions for `station` after `cursor` (from the start when nil).
    public static func updates(station: String, after cursor: String?) -> String {
        "/v1/stations/\(station)/updates" + (cursor.map { "?after=\($0)" } ?? "")
    }
}

/// How a submission was made.
public enum SubmissionChannel: String, Codable, Sendable, Hashable {
    /// The resident used the kiosk alone.
    case selfService = "self"
    /// A village assistant helped (the item names the assistant).
    case assisted
    /// Taken at the town center's window (一窗受理); never forwarded by a station.
    case window
}

/// One sealed submission as the kiosk forwards it.
public struct SubmissionItem: Codable, Sendable, Hashable {
    /// The submission's UUID: the idempotency key.
    public var uuid: UUID
    /// The signed receipt record as QR text (`SignedReceipt.qrText`).
    public var receipt: String
    /// `SealedPayload.serialized()` as base64.
    public var sealedPayload: String
    /// The matter's code.
    public var matter: String
    /// The catalog version the form was filled under.
    public var catalogVersion: String
    /// Self-service or assisted.
    public var channel: SubmissionChannel
    /// The assistant's id for assisted submissions.
    public var assistant: String?
    /// When the kiosk accepted the submission, Unix seconds.
    public var createdAt: Int64
    /// Whether the A4 form was printed at the village.
    public var formPrinted: Bool

    /// An item from its fields.
    public init(
        uuid: UUID, receipt: String, sealedPayload: String, matter: String, catalogVersion: String,
        channel: SubmissionChannel, assistant: String?, createdAt: Int64, formPrinted: Bool
    ) {
        self.uuid = uuid
        self.receipt = receipt
        self.sealedPayload = sealedPayload
        self.matter = matter
        self.catalogVersion = catalogVersion
        self.channel = channel
        self.assistant = assistant
        self.createdAt = createdAt
        self.formPrinted = formPrinted
    }

    enum CodingKeys: String, CodingKey {
        case uuid, receipt, matter, channel, assistant
        case sealedPayload = "sealed_payload"
        case catalogVersion = "catalog_version"
        case createdAt = "created_at"
        case formPrinted = "form_printed"
    }
}

/// The body of `POST /v1/stations/{id}/submissions`.
public struct SubmissionBatch: Codable, Sendable, Hashable {
    /// The submissions, oldest first.
    public var items: [SubmissionItem]
    /// Residents' ratings, in a USB bundle (absent from older stations' bundles and from network batches).
    public var ratings: [SignedRating]?

    /// A batch of `items` (and, in a USB bundle, `ratings`).
    public init(items: [SubmissionItem], ratings: [SignedRating]? = nil) {
        self.items = items
        self.ratings = ratings
    }
}

/// What the center did with one item.
public enum ItemOutcome: String, Codable, Sendable, Hashable {
    /// Newly stored.
    case stored
    /// Already stored with the same content: nothing changed.
    case duplicate
    /// The UUID (or receipt number) is stored with different content: recorded, not overwritten.
    case conflict
    /// Refused; see the reason.
    case rejected

    /// Whether the kiosk may mark the item acknowledged.
    public var isDelivered: Bool { self == .stored || self == .duplicate }
}

/// Why the center refused an item.
public enum RejectionReason: String, Codable, Sendable, Hashable, CaseIterable {
    /// The receipt QR text cannot be parsed.
    case receiptUnreadable = "receipt_unreadable"
    /// The receipt names a station other than the one in the path.
    case receiptStationMismatch = "receipt_station_mismatch"
    /// The receipt's signature does not verify with the station's key.
    case receiptSignatureInvalid = "receipt_signature_invalid"
    /// The sealed payload is not valid base64 or not a sealed payload.
    case payloadMalformed = "payload_malformed"
    /// The sealed payload's digest differs from the one the receipt signs.
    case payloadDigestMismatch = "payload_digest_mismatch"
    /// The payload was sealed to a center key this center does not hold.
    case unknownKeyID = "unknown_key_id"
    /// The payload does not open for this UUID, station and matter.
    case payloadContextMismatch = "payload_context_mismatch"
    /// The item's matter differs from the receipt's.
    case matterMismatch = "matter_mismatch"
    /// No published catalog has the matter.
    case unknownMatter = "unknown_matter"
    /// The same UUID or receipt number is stored with different content.
    case conflict
    /// The channel and assistant id do not agree, or the id breaks the kiosk's rule.
    case badAssistant = "bad_assistant"
    /// No catalog this center published has the item's catalog version.
    case unknownCatalogVersion = "unknown_catalog_version"
    /// The item's creation time differs from the one its signed receipt carries.
    case createdAtMismatch = "created_at_mismatch"

    /// Short Chinese text for the assistant screen.
    public var chinese: String {
        switch self {
        case .receiptUnreadable: "回执无法读取"
        case .receiptStationMismatch: "回执不属于本站点"
        case .receiptSignatureInvalid: "回执签名不符"
        case .payloadMalformed: "申请内容已损坏"
        case .payloadDigestMismatch: "申请内容与回执不符"
        case .unknownKeyID: "中心密钥已更换，请联系镇便民服务中心"
        case .payloadContextMismatch: "申请内容与编号不符"
        case .matterMismatch: "事项与回执不符"
        case .unknownMatter: "中心不认识该事项"
        case .conflict: "中心已有同编号的不同申请，请联系镇便民服务中心"
        case .badAssistant: "代办员编号不符合要求"
        case .unknownCatalogVersion: "事项目录版本中心不认识，请联系镇便民服务中心"
        case .createdAtMismatch: "申请时间与回执不符"
        }
    }
}

/// Why the center flags a station's reported audit head.
public enum AuditHeadProblem: String, Codable, Sendable, Hashable {
    /// Fewer entries than a head the station reported before: its trail was cut short.
    case cutShort = "cut_short"
    /// The same number of entries as before with another last hash: its trail was rewritten.
    case rewritten
}

/// The signed answer to an audit head report: the head the center keeps for the station.
public struct AuditHeadAnswer: Codable, Sendable, Hashable {
    /// The entry count of the kept head (the highest reported, unless a report went backwards).
    public var count: Int64
    /// Set when this report went backwards against the kept head.
    public var problem: AuditHeadProblem?

    /// An answer from its fields.
    public init(count: Int64, problem: AuditHeadProblem?) {
        self.count = count
        self.problem = problem
    }
}

/// The center's answer for one item.
public struct ItemResult: Codable, Sendable, Hashable {
    /// The item's UUID.
    public var uuid: UUID
    /// What happened.
    public var outcome: ItemOutcome
    /// Why, for `conflict` and `rejected`.
    public var reason: RejectionReason?
    /// Extra English detail for staff (never personal data).
    public var detail: String?

    /// A result from its fields.
    public init(uuid: UUID, outcome: ItemOutcome, reason: RejectionReason? = nil, detail: String? = nil) {
        self.uuid = uuid
        self.outcome = outcome
        self.reason = reason
        self.detail = detail
    }
}

/// The signed answer to a batch: one result per item, in order.
public struct BatchResult: Codable, Sendable, Hashable {
    /// One result per item of the batch, in the batch's order.
    public var results: [ItemResult]
    /// The center's current catalog version.
    public var catalogVersion: String

    /// A batch answer.
    public init(results: [ItemResult], catalogVersion: String) {
        self.results = results
        self.catalogVersion = catalogVersion
    }

    enum CodingKeys: String, CodingKey {
        case results
        case catalogVersion = "catalog_version"
    }
}

/// A decision's kind.
public enum DecisionState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Accepted for processing (受理).
    case accepted
    /// Not accepted; the reason says why.
    case rejected
    /// More material is needed; the reason says what.
    case needsMore = "needs_more"
    /// Done (办结).
    case completed
}

/// One decision made at the center on a submission.
public struct DecisionUpdate: Codable, Sendable, Hashable {
    /// The submission's UUID.
    public var uuid: UUID
    /// The receipt number.
    public var receipt: String
    /// The decision.
    public var state: DecisionState
    /// The reason (rejected) or what is missing (needs more).
    public var reason: String?
    /// When it was decided, Unix seconds.
    public var decidedAt: Int64
    /// The case's workflow state (`KioskCore.CaseState`), from centers that run the case workflow;
    /// text, so that a state a station does not know leaves it with `state`, the closest of the four.
    public var caseState: String?
    /// The day the running deadline ends (YYYY-MM-DD), when one runs.
    public var due: String?
    /// Whether `due` was counted on weekends alone (a year without a holiday calendar).
    public var dueEstimated: Bool?
    /// Everything the applicant must supplement (needs_supplement).
    public var missing: [String]?
    /// Where a refused applicant goes instead.
    public var goTo: String?
    /// A written notice the town issued on this step, for the station to print for the resident.
    public var notice: StationNotice?

    /// A decision from its fields.
    public init(
        uuid: UUID, receipt: String, state: DecisionState, reason: String?, decidedAt: Int64, caseState: String? = nil,
        due: String? = nil, dueEstimated: Bool? = nil, missing: [String]? = nil, goTo: String? = nil, notice: StationNotice? = nil
    ) {
        self.uuid = uuid
        self.receipt = receipt
        self.state = state
        self.reason = reason
        self.decidedAt = decidedAt
        self.caseState = caseState
        self.due = due
        self.dueEstimated = dueEstimated
        self.missing = missing
        self.goTo = goTo
        self.notice = notice
    }

    enum CodingKeys: String, CodingKey {
        case uuid, receipt, state, reason, due, missing, notice
        case decidedAt = "decided_at"
        case caseState = "case_state"
        case dueEstimated = "due_estimated"
        case goTo = "go_to"
    }
}

/// The signed answer to `GET /v1/stations/{id}/updates`.
public struct UpdatesPage: Codable, Sendable, Hashable {
    /// Decisions after the request's cursor, oldest first.
    public var decisions: [DecisionUpdate]
    /// Opaque cursor to pass as `after` next time (also when `decisions` is empty).
    public var cursor: String
    /// Whether more decisions wait after `cursor`.
    public var more: Bool
    /// The center's current catalog version.
    public var catalogVersion: String
    /// The center's current X25519 public key (base64): after a rotation, the key to seal new submissions to.
    public var centerPublicKey: String
    /// That key's id.
    public var keyID: String

    /// A page from its fields.
    public init(decisions: [DecisionUpdate], cursor: String, more: Bool, catalogVersion: String, centerPublicKey: String, keyID: String) {
        self.decisions = decisions
        self.cursor = cursor
        self.more = more
        self.catalogVersion = catalogVersion
        self.centerPublicKey = centerPublicKey
        self.keyID = keyID
    }

    enum CodingKeys: String, CodingKey {
        case decisions, cursor, more
        case catalogVersion = "catalog_version"
        case centerPublicKey = "center_public_key"
        case keyID = "key_id"
    }
}

/// The body of `POST /v1/enroll`: signed with the key being enrolled (proving possession), and
/// carrying a proof of the one-time token instead of the token.
public struct EnrollRequest: Codable, Sendable, Hashable {
    /// The station's code (`station.id` in kiosk.yaml).
    public var station: String
    /// The station's Ed25519 public key, base64 of the raw 32 bytes.
    public var publicKey: String
    /// `EnrolmentSecret.stationProof` over the station, its key and the request's `X-Bianmin-Nonce`.
    public var proof: String

    /// A request from its fields.
    public init(station: String, publicKey: String, proof: String) {
        self.station = station
        self.publicKey = publicKey
        self.proof = proof
    }

    enum CodingKeys: String, CodingKey {
        case station, proof
        case publicKey = "public_key"
    }
}

/// The signed answer to an enrolment.
public struct EnrollResponse: Codable, Sendable, Hashable {
    /// The enrolled station.
    public var station: String
    /// The center's X25519 public key (base64), to seal submissions to.
    public var centerPublicKey: String
    /// That key's id (`CenterPublicKey.keyID`).
    public var keyID: String
    /// The center's Ed25519 public key (base64), which signs answers and catalogs.
    public var centerSigningKey: String
    /// The current signed catalog.
    public var catalog: CatalogBundle
    /// `EnrolmentSecret.centerProof`: the center knows the token and names these keys for this request.
    public var proof: String

    /// An answer from its fields (`proof` is set once the keys are in: it covers them).
    public init(station: String, centerPublicKey: String, keyID: String, centerSigningKey: String, catalog: CatalogBundle, proof: String = "") {
        self.station = station
        self.centerPublicKey = centerPublicKey
        self.keyID = keyID
        self.centerSigningKey = centerSigningKey
        self.catalog = catalog
        self.proof = proof
    }

    enum CodingKeys: String, CodingKey {
        case station, catalog, proof
        case centerPublicKey = "center_public_key"
        case keyID = "key_id"
        case centerSigningKey = "center_signing_key"
    }
}

/// The body of every error answer (never signed: never an acknowledgement).
public struct APIErrorBody: Codable, Sendable, Hashable {
    /// Stable machine-readable code (e.g. `stale_date`).
    public var error: String
    /// English explanation for logs and staff.
    public var message: String

    /// An error body.
    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}

/// JSON coding shared by both sides: sorted keys, so signed bodies are reproducible.
public enum SyncJSON {
    /// An encoder with sorted keys.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes `value`.
    public static func encode(_ value: some Encodable) throws(SyncProtocolError) -> Data {
        do {
            return try encoder().encode(value)
        } catch {
            throw .malformed(String(describing: error))
        }
    }

    /// Decodes a `T` from `data`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(SyncProtocolError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .malformed("not a \(T.self): \(error)")
        }
    }
}
