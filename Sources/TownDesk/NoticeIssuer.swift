import Documents
import Foundation
import KioskCore
import KioskReceipts
import SyncProtocol
import TownCenter

/// Issues a case's written notices (文书): allocates the number of its series and year, opens the
/// applicant's name from the sealed answers (audited) and lays the notice out as an A4 PDF. Used by
/// `towncenter submissions notice` and the desk's print buttons.
public struct NoticeIssuer: Sendable {
    /// The center whose cases it serves.
    public let center: Center
    /// The issuing authority's full name, e.g. XX县新河镇人民政府.
    public let authority: String
    /// The county whose government hears reconsideration, e.g. XX县.
    public let county: String
    /// The town's short name that starts each series, e.g. 新河.
    public let town: String
    /// How numbers are written.
    public let format: NoticeNumberFormat

    /// An issuer for `center` under `authority`.
    public init(center: Center, authority: String, county: String, town: String, format: NoticeNumberFormat = .standard) {
        self.center = center
        self.authority = authority
        self.county = county
        self.town = town
        self.format = format
    }

    /// Why a notice was not issued, in words for staff.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The case has no such step to give notice of (yet).
        case nothingToNotify(receipt: String, state: CaseState, kind: NoticeKind)
        /// The center refused (unknown case, database, catalog).
        case center(CenterError)
        /// The opened answers could not be read.
        case unreadable(String)
        /// The PDF could not be made.
        case document(String)

        public var description: String {
            switch self {
            case .nothingToNotify(let receipt, let state, let kind): "\(receipt) is \(state.rawValue): it has no \(kind.rawValue) to give notice of"
            case .center(let error): error.description
            case .unreadable(let detail), .document(let detail): detail
            }
        }
    }

    /// The series of `kind`'s numbers after the town's name.
    public static func series(_ kind: NoticeKind) -> String {
        switch kind {
        case .acceptance: "便受"
        case .refusal: "便不受"
        case .supplement: "便补"
        case .extension: "便延"
        case .suspension: "便特"
        case .decision: "便决"
        case .delivery: "便送"
        }
    }

    /// The kinds of notice `record`'s case can be given now.
    public static func kinds(for record: CaseWorkflowRecord) -> [NoticeKind] {
        NoticeKind.allCases.filter { DocumentComposer.canIssue($0, file: record.file) && ($0 != .decision || record.approved != nil) }
    }

    /// Issues `kind` for `receipt` as `staff` on the center's today: its number and its PDF.
    public func issue(_ kind: NoticeKind, receipt: String, staff: String, calendar: WorkingDayCalendar) async throws(Failure)
        -> (number: String, pdf: Data)
    {
        let record: CaseWorkflowRecord
        let matter: Matter
        let opened: Data
        do {
            record = try await center.workflow(receipt: receipt)
            guard Self.kinds(for: record).contains(kind) else {
                throw Failure.nothingToNotify(receipt: receipt, state: record.file.state, kind: kind)
            }
            matter = try await center.publishedMatter(record.summary.matter)
            (_, opened) = try await center.openAnswers(receipt: receipt, staff: staff)
        } catch let error as Failure {
            throw error
        } catch let error as CenterError {
            throw .center(error)
        } catch {
            throw .center(.database(String(describing: error)))
        }
        let answers: Answers
        do {
            answers = try AnswersJSON.decode(opened)
        } catch {
            throw .unreadable("the opened answers of \(receipt) are not readable: \(error.message)")
        }
        let today = ChinaTime.day(center.now)
        let deadline = CaseWorkflow.deadline(of: record.file, on: today, calendar: calendar)
        let issued: IssuedNotice
        do {
            issued = try await center.database.allocateNotice(
                receipt: receipt, kind: kind, series: town + Self.series(kind), year: today.year, format: format, staff: staff,
                now: center.now)
        } catch {
            throw .center(error)
        }
        let applicant = matter.form.applicantName(in: answers)
        let facts = NoticeFacts(
            kind: kind, number: issued.number, authority: authority, county: county,
            applicant: applicant ?? "申请人", receipt: receipt, matter: matter, file: record.file,
            goTo: record.goTo, extensionReason: record.extensionReason,
            delivery: record.deliveryMethod.map { ($0, record.deliveryRecipient ?? "") }, approved: record.approved,
            decisionDue: deadline?.kind == .decision ? deadline?.due : nil, issuedOn: today)
        guard let notice = DocumentComposer.notice(facts) else { throw .nothingToNotify(receipt: receipt, state: record.file.state, kind: kind) }
        let pdf: Data
        do {
            pdf = try Documents.noticePDF(notice)
        } catch {
            throw .document(String(describing: error))
        }
        do {
            try await center.database.keepNoticePDF(number: issued.number, pdf: pdf)
        } catch {
            throw .center(error)
        }
        // The station's copy names the applicant masked: the assistant prints it for the person in front of them.
        var masked = facts
        masked.applicant = applicant.map(Masking.name) ?? facts.applicant
        if let copy = DocumentComposer.notice(masked) {
            do {
                try await center.database.sendToStation(
                    StationNotice(
                        number: copy.number, kind: kind.rawValue, title: copy.title, authority: copy.authorityName, addressee: copy.addressee,
                        paragraphs: copy.paragraphs, items: copy.items, closing: copy.closing, date: copy.date),
                    receipt: receipt)
            } catch {
                throw .center(error)
            }
        }
        return (issued.number, pdf)
    }
}
