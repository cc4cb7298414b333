import Executors
import Foundation
import Hummingbird
import KioskCore
import Printing
import TownCenter

/// The case workflow on the desk: where a case stands (its words, due date, working days left and
/// light), one form per step the workflow allows the signed-in account, and the step itself,
/// taken through `Center.transition` like the commands.
extension DeskRoutes {
    /// The longest text a step's field takes.
    static let longestStepText = 500

    /// What the case page shows of `receipt`'s workflow to `actor`.
    func workflowValues(receipt: String, actor: CaseActor, matter: Matter?, strings: [String: String], language: KioskLanguage) async throws
        -> [String: Any]
    {
        let record = try await center.workflow(receipt: receipt)
        let file = record.file
        let today = ChinaTime.day(now)
        let publicService = matter?.category == .publicService
        func state(_ state: CaseState) -> String {
            let key = "workflow_state_\(state.rawValue)"
            return (publicService ? strings[key + "_public"] : nil) ?? strings[key] ?? state.rawValue
        }
        var values: [String: Any] = ["workflow_state": state(file.state)]
        if let deadline = CaseWorkflow.deadline(of: file, on: today, calendar: calendar) {
            let overdue = deadline.workingDaysOverdue > 0
            let template = (overdue ? strings["workflow_overdue"] : strings["workflow_left"]) ?? "%d"
            let days = overdue ? deadline.workingDaysOverdue : deadline.workingDaysLeft
            let estimated: Any = deadline.estimatedYears.isEmpty ? false : deadline.estimatedYears.map(String.init).joined(separator: ", ")
            let light = deadline.light.rawValue
            let shown: [String: Any] = [
                "label": strings["workflow_due_\(deadline.kind.rawValue)"] ?? deadline.kind.rawValue, "due": deadline.due.description,
                "left": template.replacingOccurrences(of: "%d", with: String(days)), "light": light,
                "light_word": strings["workflow_light_\(light)"] ?? light, "estimated": estimated,
            ]
            values["deadline"] = shown
            if let byLaw = deadline.acceptedByLaw { values["by_law"] = byLaw.description }
        }
        if file.state == .received, let window = CaseWorkflow.supplementDue(of: file, calendar: calendar) {
            let left = calendar.workingDays(after: today, through: window.date)?.days ?? 0
            values["supplement_window"] = [
                "due": window.date.description, "light": today > window.date ? "red" : left <= CaseWorkflow.warningDays ? "yellow" : "green",
            ]
        }
        if file.acceptedByLaw, let accepted = file.acceptedOn { values["by_law"] = accepted.description }
        let offered = Set(CaseWorkflow.availableActions(on: file, by: actor, on: today, calendar: calendar))
        if !offered.isEmpty {
            var steps: [String: Any] = [
                "action": "/desk/cases/\(receipt)/step", "county_unit": matter?.completingUnit.text(language) ?? "",
                "kinds": SuspensionKind.allCases.map { ["value": $0.rawValue, "label": strings["suspension_\($0.rawValue)"] ?? $0.rawValue] },
                "methods": DeliveryMethod.allCases.map { ["value": $0.rawValue, "label": strings["delivery_\($0.rawValue)"] ?? $0.rawValue] },
            ]
            for name in offered { steps["can_" + name] = true }
            if offered.contains("archive") {
                steps["archive_number"] = try await center.nextArchiveNumber(receipt: receipt, format: archiveNumberFormat)
            }
            values["steps"] = steps
        }
        if let noticeIssuer, let formPrinter, [.window, .approver, .department].contains(actor.role) {
            let kinds = NoticeIssuer.kinds(for: record)
            if !kinds.isEmpty {
                values["notices"] = [
                    "action": "/desk/cases/\(receipt)/notice", "queue": formPrinter.destination, "authority": noticeIssuer.authority,
                    "kinds": kinds.map { ["value": $0.rawValue, "label": strings["notice_\($0.rawValue)"] ?? $0.rawValue] },
                ] as [String: Any]
            }
        }
        values["transitions"] = record.transitions.map { step -> [String: Any] in
            ["at": Self.format(step.at), "action": strings["step_\(step.action)"] ?? step.action,
             "change": "\(state(step.from)) → \(state(step.to))", "staff": step.staff, "why": step.why ?? ""]
        }
        return values
    }

    /// The signed-in window, approver or department account working on the path's case; nil without
    /// a session, forbidden for the other roles.
    func caseWorker(_ context: DeskContext) throws -> (session: DeskSession, role: StaffRole, staff: String, receipt: String)? {
        guard let session = signedIn(context), let role = session.role, let staff = session.staff else { return nil }
        guard [.window, .approver, .department].contains(role), let receipt = context.parameters.get("receipt") else {
            throw HTTPError(.forbidden)
        }
        return (session, role, staff, receipt)
    }

    /// Takes one workflow step on a case (window, approver, or a department on its county unit's
    /// result; CSRF checked); a step the workflow refuses shows the case page with why.
    func step(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let (session, _, staff, receipt) = try caseWorker(context) else { return Response.redirect(to: "/desk/login", type: .normal) }
        guard let action = Self.action(fields) else { throw HTTPError(.badRequest) }
        do {
            try await center.transition(receipt: receipt, action, staff: staff, calendar: calendar)
        } catch .unknownReceipt {
            throw HTTPError(.notFound)
        } catch .workflow(_, let error) {
            return try await casePage(request, context, message: Self.explain(error, strings: pages.words(session.language)), status: .conflict)
        }
        if case .archive = action { await writeArchive(receipt: receipt, staff: staff, language: session.language, context) }
        return Response.redirect(to: "/desk/cases/\(receipt)", type: .normal)
    }

    /// Writes an archived case's package into the center's archive folder; the next page says where, or why not.
    private func writeArchive(receipt: String, staff: String, language: KioskLanguage, _ context: DeskContext) async {
        let strings = pages.words(language)
        let (archiver, folder) = (archiver, ArchivePackager.centerFolder(of: center, year: ChinaTime.day(now).year))
        // PDFs drawn and files synced: on a thread of its own, not the cooperative pool.
        let executor = BlockingWorkExecutor(label: "bianmin.desk.archive")
        let written: Result<URL, ArchiveFailure> = await withTaskExecutorPreference(executor) {
            do throws(ArchiveFailure) {
                return .success(try await archiver.write(receipt: receipt, into: folder, staff: staff).url)
            } catch {
                return .failure(error)
            }
        }
        withExtendedLifetime(executor) {}
        switch written {
        case .success(let url): flash((strings["archive_written"] ?? "") + " " + url.lastPathComponent, context)
        case .failure(let error): flash((strings["archive_failed"] ?? "") + " " + error.description, context)
        }
    }

    /// Issues the notice of the form's `kind` for a case and prints it on the form printer's A4 queue
    /// (window, approver, department; CSRF checked): its number allocated and audited, the print audited
    /// with the CUPS job; the case page says which number went to which queue, or why not.
    func printNotice(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let (session, role, staff, receipt) = try caseWorker(context) else { return Response.redirect(to: "/desk/login", type: .normal) }
        guard let noticeIssuer, let formPrinter else { throw HTTPError(.notFound) }
        guard let kind = fields["kind"].flatMap(NoticeKind.init(rawValue:)) else { throw HTTPError(.badRequest) }
        let stored = try await storedCase(receipt)
        if role == .department, matters[stored.summary.matter]?.department != session.department { throw HTTPError(.forbidden) }
        let strings = pages.words(session.language)
        let message: String
        do {
            let issued = try await noticeIssuer.issue(kind, receipt: receipt, staff: staff, calendar: calendar)
            let outcome = try await Printer(destination: formPrinter.destination, server: formPrinter.server)
                .print(pdf: issued.pdf, title: "\(receipt)-\(kind.rawValue)", media: .a4)
            try await center.database.audit(AuditEvent(
                at: now, event: "notice_printed", station: stored.summary.station, receipt: receipt, uuid: stored.summary.uuid.uuidString,
                detail: "\(issued.number) \(outcome.destination) \(outcome.jobID) \(staff)"))
            message = (strings["notice_printed"] ?? "") + " \(issued.number) → \(outcome.destination) (\(outcome.jobID))"
        } catch let error as NoticeIssuer.Failure {
            message = (strings["case_print_failed"] ?? "") + " " + error.description
        } catch let error as PrintError {
            message = (strings["case_print_failed"] ?? "") + " " + error.assistantMessage
        }
        return try await casePage(request, context, message: message)
    }

    /// The step a form's fields name, each value checked for its range; nil when a field is
    /// missing, too long or not one of its choices (empty texts are left to the workflow to refuse).
    static func action(_ fields: [String: String]) -> CaseAction? {
        func text(_ name: String) -> String? {
            guard let value = fields[name], value.count <= longestStepText else { return nil }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch fields["action"] {
        case "request_supplement":
            return text("items").map { .requestSupplement(items: $0.split(whereSeparator: \.isNewline).map(String.init)) }
        case "resubmit": return .resubmit
        case "accept": return .accept
        case "refuse":
            guard let reason = text("reason"), let goTo = text("go_to") else { return nil }
            return .refuse(reason: reason, goTo: goTo)
        case "suspend":
            guard let kind = fields["kind"].flatMap(SuspensionKind.init(rawValue:)), let reason = text("reason") else { return nil }
            return .suspend(kind, reason: reason)
        case "resume": return .resume
        case "extend":
            guard let days = fields["working_days"].flatMap({ $0.count <= 3 ? Int($0) : nil }), let reason = text("reason") else { return nil }
            return .extend(workingDays: days, reason: reason)
        case "send_to_county": return text("unit").map { .sendToCounty(unit: $0) }
        case "approve": return .decide(approved: true, reasons: text("reasons") ?? "")
        case "deny": return text("reasons").map { .decide(approved: false, reasons: $0) }
        case "deliver":
            guard let method = fields["method"].flatMap(DeliveryMethod.init(rawValue:)), let recipient = text("recipient") else { return nil }
            return .deliver(method, recipient: recipient)
        case "archive": return text("number").map { .archive(number: $0) }
        default: return nil
        }
    }

    /// Why the workflow refused a step, in the desk's words.
    static func explain(_ error: WorkflowError, strings: [String: String]) -> String {
        func word(_ key: String, _ value: String = "") -> String {
            (strings["workflow_error_\(key)"] ?? key).replacingOccurrences(of: "%@", with: value)
        }
        switch error {
        case .illegal(let action, _): return word("illegal", strings["step_\(action)"] ?? action)
        case .notPermitted(let action, _): return word("not_permitted", strings["step_\(action)"] ?? action)
        case .missing: return word("missing")
        case .supplementWindowPassed(let day): return word("window_passed", day.description)
        case .alreadyExtended: return word("already_extended")
        case .extensionOutOfRange: return word("extension_range", String(CaseWorkflow.longestExtension))
        case .backdated(let day): return word("backdated", day.description)
        }
    }
}
