import Foundation
import Hummingbird
import KioskCore
import Printing
import TownCenter

/// Walk-in applications at the town window (一窗受理): pick a matter, answer its catalog form as an
/// HTML form (checked by the kiosk's `FormValidator`), store it as a case of the window's receipt
/// series and print its receipt. Window and approver staff only.
extension DeskRoutes {
    /// The roles that take walk-in applications and print receipts: window and approver.
    static let windowRoles: Set<StaffRole> = [.window, .approver]

    /// The matters a window may take: every delegated one, those only the town takes included.
    var walkInMatters: [Matter] {
        matters.values.filter {
            if case .notDelegated? = $0.refusal { false } else { true }
        }.sorted { $0.code < $1.code }
    }

    /// The matters to choose from, by department.
    func walkInPicker(_ context: DeskContext) async throws -> Response {
        guard let session = try session(context, roles: Self.windowRoles) else { return Response.redirect(to: "/desk/login", type: .normal) }
        let language = session.language
        let strings = pages.words(language)
        let departments = Department.allCases.compactMap { department -> [String: Any]? in
            let listed = walkInMatters.filter { $0.department == department }
            guard !listed.isEmpty else { return nil }
            return [
                "department": strings["department_\(department.rawValue)"] ?? department.rawValue,
                "matters": listed.map { matter -> [String: Any] in
                    ["code": matter.code, "name": matter.name.text(language), "link": "/desk/walk-in/\(matter.code)",
                     "town_only": matter.intake == .town]
                },
            ]
        }
        let values: [String: Any] = ["staff": session.staff ?? "", "csrf": session.csrf, "departments": departments, "back": "/desk/walk-in"]
        return html(pages.render("walk-in-matters", values, language: language))
    }

    /// The form of the matter in the path, empty but for its defaults.
    func walkInPage(_ context: DeskContext) async throws -> Response {
        guard let session = try session(context, roles: Self.windowRoles) else { return Response.redirect(to: "/desk/login", type: .normal) }
        let matter = try walkInMatter(context)
        let form = WalkInForm(form: matter.form)
        let answers = form.initialAnswers()
        return walkInForm(matter, session: session, answers: answers, issues: [], focus: nil)
    }

    /// A posted walk-in form: redrawn after `update`, `add.GROUP` and `remove.GROUP.I`; stored as a
    /// case on `submit` when valid (its receipt printed when a receipt queue is configured), redrawn
    /// with every problem beside its field when not.
    func postWalkIn(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let session = try session(context, roles: Self.windowRoles), let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let matter = try walkInMatter(context)
        let form = WalkInForm(form: matter.form)
        let action = WalkInForm.Action(fields["action"])
        let answers = form.answers(from: fields, action: action)
        let focus = fields["focus"].flatMap { $0.count <= 200 ? $0 : nil }
        guard action == .submit else { return walkInForm(matter, session: session, answers: answers, issues: [], focus: focus) }
        let strings = pages.words(session.language)
        do {
            let taken = try await center.takeWalkIn(matter: matter, answers: answers, series: windowSeries, staff: staff)
            var message = (strings["walkin_stored"] ?? "") + " " + taken.receipt
            if let receiptPrinter {
                do {
                    let outcome = try await receiptPrinter.printReceipt(receipt: taken.receipt, staff: staff)
                    message += " · " + (strings["case_receipt_printed"] ?? "") + " \(outcome.destination) (\(outcome.jobID))"
                } catch {
                    message += " · " + (strings["case_receipt_print_failed"] ?? "") + " " + error.description
                }
            }
            flash(message, context)
            return Response.redirect(to: "/desk/cases/\(taken.receipt)", type: .normal)
        } catch .invalid(let issues) {
            return walkInForm(matter, session: session, answers: answers, issues: issues, focus: focus, status: .unprocessableContent)
        } catch .seriesIsStation, .seriesFull {
            return walkInForm(matter, session: session, answers: answers, issues: [], focus: focus, status: .conflict,
                              message: strings["walkin_series_problem"])
        } catch .notDelegated {
            throw HTTPError(.notFound)
        } catch .center(let error) {
            throw error
        }
    }

    /// The matter the path names, if a window may take it (404 otherwise).
    private func walkInMatter(_ context: DeskContext) throws -> Matter {
        guard let code = context.parameters.get("matter"), let matter = walkInMatters.first(where: { $0.code == code }) else {
            throw HTTPError(.notFound)
        }
        return matter
    }

    private func walkInForm(
        _ matter: Matter, session: DeskSession, answers: Answers, issues: [FieldIssue], focus: String?,
        status: HTTPResponse.Status = .ok, message: String? = nil
    ) -> Response {
        let language = session.language
        let strings = pages.words(language)
        let form = WalkInForm(form: matter.form)
        let result = FormValidator.validate(answers, form: matter.form, today: ChinaTime.day(now))
        var values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "code": matter.code, "matter": matter.name.text(language),
            "action": "/desk/walk-in/\(matter.code)", "fields": form.view(result, posted: answers, issues: issues, focus: focus, language: language),
            "back": "/desk/walk-in/\(matter.code)", "series": windowSeries, "town_only": matter.intake == .town,
        ]
        if !issues.isEmpty {
            values["message"] = (strings["walkin_problems"] ?? "%d").replacingOccurrences(of: "%d", with: String(issues.count))
        }
        if let message { values["message"] = message }
        return html(pages.render("walk-in", values, language: language), status: status, noStore: true)
    }

    /// Keeps `message` in the session for the next page shown.
    func flash(_ message: String, _ context: DeskContext) {
        guard var session = context.sessions.session else { return }
        session.flash = message
        _ = context.sessions.updateSession(session)
    }

    /// The message kept for this page, now taken out of the session.
    func takeFlash(_ context: DeskContext) -> String? {
        guard var session = context.sessions.session, let message = session.flash else { return nil }
        session.flash = nil
        _ = context.sessions.updateSession(session)
        return message
    }

    /// Prints the case's receipt on the center's receipt queue (window and approver, CSRF checked).
    func printReceipt(_ request: Request, _ context: DeskContext) async throws -> Response {
        try await printFromCase(
            request, context, printed: "case_receipt_printed", failed: "case_receipt_print_failed",
            send: receiptPrinter.map { printer in
                { receipt, staff async throws -> PrintOutcome in try await printer.printReceipt(receipt: receipt, staff: staff) }
            })
    }
}
