@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import KioskSecurity
import SyncProtocol

/// A walk-in application taken at the town center's window (一窗受理) and stored as a case.
public struct WalkInCase: Sendable {
    /// Its receipt number, of the center's own series.
    public let receipt: String
    /// The signed receipt record as QR text, signed with the center's key.
    public let receiptQR: String
    /// The validated answers as stored (sealed) with the case.
    public let answers: Answers
}

/// Why a walk-in application was not stored.
public enum WalkInError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The answers do not satisfy the form; nothing was stored.
    case invalid([FieldIssue])
    /// The county did not delegate the matter to the town; the applicant goes to `referTo`.
    case notDelegated(matter: String, referTo: LocalizedText)
    /// The window series is the code of an enrolled station.
    case seriesIsStation(String)
    /// Today's 9,999 receipt numbers of the series are used.
    case seriesFull(String)
    /// The center failed underneath.
    case center(CenterError)

    public var description: String {
        switch self {
        case .invalid(let issues): issues.map(\.description).joined(separator: "\n")
        case .notDelegated(let matter, let referTo): "\(matter) is not delegated to the town: \(referTo.zh)"
        case .seriesIsStation(let series):
            "the window's receipt series \(series) is the code of an enrolled station; give the desk another with --window-series"
        case .seriesFull(let series): "the window's receipt series \(series) has used all 9999 numbers of today"
        case .center(let error): error.description
        }
    }
}

extension Center {
    /// Stores a walk-in application for `matter` taken at the window by `staff`: the answers are
    /// checked by the kiosk's `FormValidator`, sealed to the center's own key like a station's, and
    /// the receipt numbered in the window's `series` (a station code no station holds) and signed
    /// with the center's key. Nothing is stored when the answers are invalid.
    public func takeWalkIn(matter: Matter, answers: Answers, series: String, staff: String) async throws(WalkInError) -> WalkInCase {
        if case .notDelegated(let referTo)? = matter.refusal { throw .notDelegated(matter: matter.code, referTo: referTo) }
        let now = now
        let today = ChinaTime.day(now)
        let result = FormValidator.validate(answers, form: matter.form, today: today)
        guard result.isValid else { throw .invalid(result.issues) }
        let version: String
        do {
            version = try await database.currentCatalogVersion()
        } catch {
            throw .center(error)
        }
        let uuid = UUID()
        let sealed: SealedPayload
        do {
            sealed = try PayloadSealer.seal(
                AnswersJSON.encode(result.answers), to: keys.agreement.publicKey,
                associated: SealContext(uuid: uuid, station: series, matter: matter.code))
        } catch {
            throw .center(.seal(error))
        }
        let sealedBytes = sealed.serialized()
        let signer = keys.signer.key
        let code = matter.code
        do {
            let checked = try await database.writer.write { db throws -> CheckedItem in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM station WHERE id = ?", arguments: [series]) != true else {
                    throw WalkInError.seriesIsStation(series)
                }
                let number = try Self.nextReceiptNumber(series: series, on: today, in: db)
                let record = try ReceiptRecord(
                    receiptNumber: number, matterCode: code, createdAt: UInt64(now), payloadDigest: sealed.digest)
                let qrText = SignedReceipt(record: record, signature: try signer.signature(for: record.encoded())).qrText
                let item = SubmissionItem(
                    uuid: uuid, receipt: qrText, sealedPayload: sealedBytes.base64EncodedString(), matter: code,
                    catalogVersion: version, channel: .window, assistant: nil, createdAt: now, formPrinted: false)
                let checked = CheckedItem(item: item, record: record, sealedPayload: sealedBytes, contentHash: SubmissionChecker.contentHash(item))
                var events = [AuditEvent(at: now, event: "walk_in", station: series, receipt: number.description, uuid: uuid.uuidString, detail: staff)]
                _ = try CenterDatabase.store(checked, station: series, now: now, in: db, audit: &events)
                try CenterDatabase.appendAudit(events, in: db)
                return checked
            }
            return WalkInCase(receipt: checked.record.receiptNumber.description, receiptQR: checked.item.receipt, answers: result.answers)
        } catch let error as WalkInError {
            throw error
        } catch let error as CenterError {
            throw .center(error)
        } catch {
            throw .center(.database(String(describing: error)))
        }
    }

    /// The next free receipt number of `series` on `day`.
    static func nextReceiptNumber(series: String, on day: CalendarDate, in db: Database) throws -> ReceiptNumber {
        func number(_ sequence: Int) throws -> ReceiptNumber {
            try ReceiptNumber(station: series, year: day.year, month: day.month, day: day.day, sequence: sequence)
        }
        let first = try number(1)
        // Numbers of one series and day share the text before the sequence: `SERIES-YYMMDD-`.
        let prefix = String(first.description.dropLast(6))
        let last = try String.fetchOne(
            db, sql: "SELECT MAX(receipt) FROM submission WHERE receipt >= ? AND receipt < ?", arguments: [prefix, prefix + "~"])
        let used = last.flatMap { try? ReceiptNumber(parsing: $0) }?.sequence ?? 0
        guard used < ReceiptNumber.sequenceRange.upperBound else { throw WalkInError.seriesFull(series) }
        return try number(used + 1)
    }

    /// Whether `station` is the receipt series of cases taken at this center's window.
    func isWindowSeries(_ station: String) async throws(CenterError) -> Bool {
        try await database.read { db in try CenterDatabase.isWindowSeries(station, in: db) }
    }
}

extension CenterDatabase {
    /// Whether `station` is the receipt series of cases taken at this center's window.
    static func isWindowSeries(_ station: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM submission WHERE station = ? AND channel = ? LIMIT 1",
            arguments: [station, SubmissionChannel.window.rawValue]) == true
    }
}
