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
        let stored: StoredSubmission
        let opened: Data
        let matter: Matter
        do {
            (stored, opened) = try await center.openAnswers(receipt: receipt, staff: staff)
            matter = try await center.publishedMatter(stored.summary.matter)
        } catch {
            throw Failure(description: error.description)
        }
        let answers: Answers
        do {
            answers = try AnswersJSON.decode(opened)
        } catch {
            throw Failure(description: "the opened answers of \(receipt) are not readable: \(error.message)")
        }
        let summary = stored.summary
        let document = DocumentComposer.applicationForm(
            receipt: summary.receipt, qrText: stored.receiptQR, assistantID: summary.assistant, matter: matter, answers: answers,
            authority: authority)
        do {
            let pdf = try Documents.applicationFormPDF(document)
            return try await Printer(destination: destination, server: server).print(pdf: pdf, title: "\(summary.receipt)-form", media: .a4)
        } catch let error as PrintError {
            throw Failure(description: error.assistantMessage)
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}
