import Foundation
import Hummingbird
import KioskCore
import TownCenter

/// Residents' ratings (好差评) in the desk: a case's rating on its page, the window's rating form for a
/// walk-in resident, and the follow-up tasks (回访整改) bad ratings make.
extension DeskRoutes {
    /// What the case page shows of `uuid`'s rating, and the window's form on a walk-in case.
    func ratingValues(uuid: UUID, channel: String, receipt: String, role: StaffRole, language: KioskLanguage) async throws -> [String: Any] {
        var values: [String: Any] = [:]
        if let stored = try await center.database.rating(uuid: uuid) {
            let strings = pages.words(language)
            values["rating"] = [
                "level": stored.rating.level.label.text(language),
                "reasons": stored.rating.reasons.isEmpty ? false : stored.rating.reasons.map { $0.label.text(language) }.joined(separator: "、"),
                "channel": strings["rating_channel_\(stored.channel)"] ?? stored.channel, "bad": stored.rating.level.isBad,
            ]
        }
        if channel == "window", Self.readsAnswersInFull(role) {
            values["rate"] = [
                "action": "/desk/cases/\(receipt)/rating",
                "levels": RatingLevel.offered.map { ["value": $0.rawValue, "label": $0.label.text(language)] },
                "reasons": RatingReason.allCases.map { ["name": "r.\($0.rawValue)", "label": $0.label.text(language)] },
            ]
        }
        return values
    }

    /// The window's rating of a walk-in case, as the resident chose it (window and approver; CSRF checked).
    func rateAtWindow(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let session = try session(context, roles: Self.windowRoles), let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard let receipt = context.parameters.get("receipt") else { throw HTTPError(.forbidden) }
        let summary = try await storedCase(receipt).summary
        guard summary.channel == .window else { throw HTTPError(.forbidden) }
        guard let level = fields["level"].flatMap({ $0.count == 1 ? Int($0) : nil }).flatMap(RatingLevel.init(rawValue:)) else {
            throw HTTPError(.badRequest)
        }
        let reasons = RatingReason.allCases.filter { fields["r.\($0.rawValue)"] == "1" }
        let strings = pages.words(session.language)
        if level.isBad, reasons.isEmpty {
            return try await casePage(request, context, message: strings["rating_pick_reason"], status: .unprocessableContent)
        }
        try await center.recordRating(
            CaseRating(uuid: summary.uuid, level: level, reasons: reasons, ratedAt: now), channel: "window", station: nil, signature: nil,
            calendar: calendar, staff: staff)
        flash(strings["rating_kept"] ?? "", context)
        return Response.redirect(to: "/desk/cases/\(receipt)", type: .normal)
    }

    /// The follow-up tasks: open ones (all with `all=1`), oldest due first, late ones standing out;
    /// window and approver close them with a note, auditors and departments (their matters) read.
    func followUpsPage(_ request: Request, _ context: DeskContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = try session(context, roles: [.window, .approver, .auditor, .department]), let role = session.role else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let all = request.uri.queryParameters.get("all") == "1"
        let language = session.language
        let today = ChinaTime.day(now)
        let allowed = role == .department ? session.department.map(matterCodes) ?? [] : nil
        let tasks = try await center.database.followUps(all: all, matters: allowed).map { task -> [String: Any] in
            [
                "id": task.id, "receipt": task.receipt, "link": role == .department ? false : "/desk/cases/" + task.receipt,
                "matter": matters[task.matter].map { "\(task.matter) \($0.name.text(language))" } ?? task.matter,
                "level": task.level.label.text(language), "reasons": task.reasons.map { $0.label.text(language) }.joined(separator: "、"),
                "opened": Self.format(task.createdAt), "due": task.due.description, "late": task.closedAt == nil && task.due < today,
                "closed": task.closedAt.map { "\(Self.format($0)) \(task.closedBy ?? "") · \(task.note ?? "")" } ?? false,
                "can_close": task.closedAt == nil && Self.readsAnswersInFull(role),
            ]
        }
        var values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "tasks": tasks, "count": tasks.count, "all": all,
            "back": "/desk/follow-ups" + (all ? "?all=1" : ""),
        ]
        if let message { values["message"] = message }
        return html(pages.render("follow-ups", values, language: language), status: status, noStore: true)
    }

    /// Closes a follow-up task with the note of what was done (window and approver; CSRF checked).
    func closeFollowUp(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let session = try session(context, roles: Self.windowRoles), let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard let id = context.parameters.get("id").flatMap({ $0.count <= 18 ? Int64($0) : nil }), let note = fields["note"], note.count <= 2000 else {
            throw HTTPError(.badRequest)
        }
        switch try await center.database.closeFollowUp(id: id, staff: staff, note: note, now: now) {
        case .success: return Response.redirect(to: "/desk/follow-ups", type: .normal)
        case .failure(.noteRequired):
            return try await followUpsPage(request, context, message: pages.words(session.language)["follow_up_note_required"], status: .unprocessableContent)
        case .failure(.notOpen): throw HTTPError(.notFound)
        }
    }
}
