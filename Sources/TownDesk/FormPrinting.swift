import Documents
import Foundation
import KioskCore
import KioskReceipts
import Printing
import TownCenter

/// Prints a case's A4 application form on one of the center's CUPS queues: for `towncenter
/// submissions print` and the desk's print button. Its answers are opened with the center's key, and
/// the opening is audited with the staff id.
public struct CaseFormPrinter: Sendable {
    /// The center whose cases it prints.
    public let center: Center
    /// The CUPS queue for A4 forms.
    public let destination: String
    /// `host:port` or a socket path of the CUPS scheduler; nil for CUPS's default.
    public let server: String?
    /// The accepting authority's full name printed on the form (e.g. XX县新河镇人民政府).
    public let authority: String

    /// A printer of `center`'s forms on `destination`.
    public init(center: Center, destination: String, server: String? = nil, authority: String) {
        self.center = center
        self.destination = destination
        self.server = server
        self.authority = authority
    }

    /// Why a form was not printed, in words for staff.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The explanation.
        public let description: String
    }

    /// Prints the form of `receipt`, opened as `staff` (nil from the command line); returns the CUPS outcome.
    public func printForm(receipt: String, staff: String?) async throws(Failure) -> PrintOutcome {
        let opened = try await OpenedCase.open(receipt: receipt, in: center, staff: staff)
        let summary = opened.stored.summary
        let document = DocumentComposer.applicationForm(
            receipt: summary.receipt, qrText: opened.stored.receiptQR, assistantID: summary.assistant, matter: opened.matter,
            answers: opened.answers, authority: authority)
        return try await OpenedCase.print(
            { () throws(DocumentError) in try Documents.applicationFormPDF(document) }, on: Printer(destination: destination, server: server),
            title: "\(summary.receipt)-form", media: .a4)
    }
}

/// Prints a case's 80 mm receipt on the center's receipt queue: a walk-in application's when it is
/// taken at the window, and any case's again from the case page. The masked applicant is opened
/// from the sealed answers, audited with the staff id.
public struct CaseReceiptPrinter: Sendable {
    /// The center whose cases it prints.
    public let center: Center
    /// The CUPS queue for 80 mm receipts.
    public let destination: String
    /// `host:port` or a socket path of the CUPS scheduler; nil for CUPS's default.
    public let server: String?
    /// The accepting authority's full name, e.g. XX县新河镇人民政府.
    public let authority: String
    /// The county whose government hears reconsideration, e.g. XX县.
    public let county: String

    /// A printer of `center`'s receipts on `destination`.
    public init(center: Center, destination: String, server: String? = nil, authority: String, county: String) {
        self.center = center
        self.destination = destination
        self.server = server
        self.authority = authority
        self.county = county
    }

    /// Prints the receipt of `receipt`, opened as `staff`; returns the CUPS outcome.
    public func printReceipt(receipt: String, staff: String) async throws(CaseFormPrinter.Failure) -> PrintOutcome {
        let opened = try await OpenedCase.open(receipt: receipt, in: center, staff: staff)
        let summary = opened.stored.summary
        let document = DocumentComposer.centerReceipt(
            receipt: summary.receipt, qrText: opened.stored.receiptQR, createdAt: Date(timeIntervalSince1970: TimeInterval(summary.createdAt)),
            applicantMasked: ApplicantMask.summary(of: opened.answers, form: opened.matter.form), matter: opened.matter,
            place: summary.channel == .window ? "为民服务中心窗口" : "村便民服务站(\(summary.station))", authority: authority, county: county)
        return try await OpenedCase.print(
            { () throws(DocumentError) in try Documents.receiptPDF(document) }, on: Printer(destination: destination, server: server),
            title: "\(summary.receipt)-receipt", media: .roll80mm)
    }
}

/// A case with its answers opened (audited) and its matter as published.
private struct OpenedCase {
    let stored: StoredSubmission
    let matter: Matter
    let answers: Answers

    static func open(receipt: String, in center: Center, staff: String?) async throws(CaseFormPrinter.Failure) -> OpenedCase {
        let stored: StoredSubmission
        let opened: Data
        let matter: Matter
        do {
            (stored, opened) = try await center.openAnswers(receipt: receipt, staff: staff)
            matter = try await center.publishedMatter(stored.summary.matter)
        } catch {
            throw .init(description: error.description)
        }
        do {
            return OpenedCase(stored: stored, matter: matter, answers: try AnswersJSON.decode(opened))
        } catch {
            throw .init(description: "the opened answers of \(receipt) are not readable: \(error.message)")
        }
    }

    static func print(
        _ render: () throws(DocumentError) -> Data, on printer: Printer, title: String, media: PrintMedia
    ) async throws(CaseFormPrinter.Failure) -> PrintOutcome {
        do {
            return try await printer.print(pdf: try render(), title: title, media: media)
        } catch let error as PrintError {
            throw .init(description: error.assistantMessage)
        } catch {
            throw .init(description: "\(error)")
        }
    }
}
