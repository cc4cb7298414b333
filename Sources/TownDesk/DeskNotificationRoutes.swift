import Foundation
import Hummingbird
import KioskCore
import TownCenter

/// The results reported to the county departments (审批结果通报): a department account sees its own
/// and signs for them (签收); town staff see them all, with those unsigned for more than two
/// working days standing out.
extension DeskRoutes {
    /// Working days after which an unsigned notification stands out for the town.
    static let signWithinWorkingDays = 2

    func notificationsPage(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let session = try session(context, roles: [.window, .approver, .department, .auditor]), let role = session.role else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let unsignedOnly = request.uri.queryParameters.get("unsigned") == "1"
        let department = role == .department ? session.department : nil
        guard role != .department || department != nil else { throw HTTPError(.forbidden) }
        let notifications = try await center.database.notifications(department: department, unsignedOnly: unsignedOnly, limit: 200)
        let language = session.language
        let strings = pages.words(language)
        let today = ChinaTime.day(now)
        let rows = notifications.map { notification -> [String: Any] in
            let created = ChinaTime.day(notification.createdAt)
            let waited = calendar.workingDays(after: created, through: today)?.days ?? 0
            let detail = notification.event == .delivered
                ? notification.detail.map { strings["delivery_\($0)"] ?? $0 } ?? "" : notification.detail ?? ""
            return [
                "id": notification.id, "at": Self.format(notification.createdAt), "receipt": notification.receipt,
                "matter": matters[notification.matter].map { "\(notification.matter) \($0.name.text(language))" } ?? notification.matter,
                "department": strings["department_\(notification.department.rawValue)"] ?? notification.department.rawValue,
                "event": strings["notification_\(notification.event.rawValue)"] ?? notification.event.rawValue, "detail": detail,
                "staff": notification.staff, "signed": notification.signedBy.map { "\($0) \(notification.signedAt.map(Self.format) ?? "")" } ?? false,
                "can_sign": role == .department && notification.signedAt == nil,
                "late": notification.signedAt == nil && waited > Self.signWithinWorkingDays,
            ]
        }
        var values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "back": "/desk/notifications", "notifications": rows,
            "count": rows.count, "unsigned": unsignedOnly,
        ]
        let late = rows.filter { $0["late"] as? Bool == true }.count
        values["late_count"] = late > 0 ? late : false  // a count of 0 would still open the section
        return html(pages.render("notifications", values, language: language), noStore: true)
    }

    func signNotification(_ request: Request, _ context: DeskContext) async throws -> Response {
        _ = try await form(request, context)  // checks the CSRF token
        guard let session = try session(context, roles: [.department]), let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard let department = session.department, let text = context.parameters.get("id"), text.count <= 18, let id = Int64(text), id > 0 else {
            throw HTTPError(.badRequest)
        }
        do {
            try await center.database.signNotification(id: id, staff: staff, department: department, now: now)
        } catch .unknown {
            throw HTTPError(.notFound)
        } catch .alreadySigned {
            throw HTTPError(.conflict)
        } catch .center(let error) {
            throw error
        }
        return Response.redirect(to: "/desk/notifications", type: .normal)
    }
}
