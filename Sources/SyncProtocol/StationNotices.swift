import Foundation
import KioskCore

extension SyncPath {
    /// `POST`: the notices `station` printed for residents (`NoticePrints`), sent at the end of each forward round.
    public static func noticePrints(station: String) -> String { "/v1/stations/\(station)/notice-prints" }
}

/// One notice a station printed for the resident.
public struct NoticePrint: Codable, Sendable, Hashable {
    /// The notice's number.
    public var number: String
    /// The submission it belongs to.
    public var uuid: UUID
    /// When it was printed, Unix seconds.
    public var printedAt: Int64
    /// The village assistant who handed it over, if one was signed in.
    public var assistant: String?

    /// A print from its fields.
    public init(number: String, uuid: UUID, printedAt: Int64, assistant: String?) {
        self.number = number
        self.uuid = uuid
        self.printedAt = printedAt
        self.assistant = assistant
    }

    enum CodingKeys: String, CodingKey {
        case number, uuid, assistant
        case printedAt = "printed_at"
    }
}

/// The body of `POST /v1/stations/{id}/notice-prints`.
public struct NoticePrints: Codable, Sendable, Hashable {
    /// The most prints one request carries (its body stays within the small requests' 8 KiB).
    public static let maxPrints = 20

    /// Prints not yet reported, oldest first.
    public var prints: [NoticePrint]

    /// A report of `prints`.
    public init(prints: [NoticePrint]) { self.prints = prints }

    /// Why the report is out of range, or nil when every value is in range.
    public var outOfRange: String? {
        if prints.isEmpty || prints.count > Self.maxPrints { return "prints must hold 1–\(Self.maxPrints) entries" }
        for print in prints {
            if print.number.isEmpty || print.number.count > 64 { return "a notice number must be 1–64 characters" }
            if print.printedAt < 0 { return "printed_at must be Unix seconds" }
            if let assistant = print.assistant, !(1...16).contains(assistant.count) || !assistant.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                return "assistant must be 1–16 ASCII letters or digits"
            }
        }
        return nil
    }
}

/// The center's signed answer to a `NoticePrints` report.
public struct NoticePrintsAnswer: Codable, Sendable, Hashable {
    /// The numbers recorded (or recorded before): the station need not report them again.
    public var recorded: [String]
    /// The numbers the center has no notice of for this station's cases (also not to be sent again).
    public var unknown: [String]

    /// An answer from its fields.
    public init(recorded: [String], unknown: [String]) {
        self.recorded = recorded
        self.unknown = unknown
    }
}
