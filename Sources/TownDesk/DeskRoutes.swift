// Over 300 lines in one file: the desk's routes with the sign-in, inbox and case handlers that share its session checks (the admin pages are in DeskAdminRoutes.swift).

import Foundation
import Hummingbird
import HummingbirdAuth
import KioskCore
import Printing
import SyncProtocol
import TownCenter

/// Failed sign-ins per client address: five in a row lock the address for five minutes, on the center's clock.
actor AddressThrottle {
    private var failures: [String: (count: Int, lockedUntil: Int64)] = [:]

    /// Whether `address` is locked at `now`.
    func isLocked(_ address: String, now: Int64) -> Bool {
        (failures[address]?.lockedUntil ?? 0) > now
    }

    /// Counts a failure from `address`.
    func fail(_ address: String, now: Int64) {
        var entry = failures[address] ?? (0, 0)
        entry.count += 1
        if entry.count >= CenterDatabase.signInAttempts {
            entry = (0, now + CenterDatabase.lockSeconds)
        }
        failures[address] = entry
    }

    /// Forgets `address`'s failures after a sign-in.
    func succeed(_ address: String) {
        failures[address] = nil
    }
}

/// The desk's pages and actions; every one checks the session and the role on the server.
struct DeskRoutes: Sendable {
    /// Seconds without a request that end a session.
    static let idleSeconds: Int64 = 30 * 60
    /// Seconds after sign-in that end a session whatever happens.
    static let absoluteSeconds: Int64 = 10 * 3600
    /// Cases on one inbox page.
    static let pageSize = 50

    let center: Center
    let pages: DeskPages
    let matters: [String: Matter]
    let throttle: AddressThrottle
    /// Seconds without contact after which a station counts as silent.
    let silentAfter: Int64
    /// Whether the session cookie is sent over HTTPS only (the desk serves TLS).
    let secureCookies: Bool
    /// Prints application forms on the center's A4 queue; nil when none is configured.
    let formPrinter: CaseFormPrinter?
    /// The working-day calendar deadlines count with.
    let calendar: WorkingDayCalendar
    /// Issues notices to print on the form printer's queue; nil when the desk prints none.
    let noticeIssuer: NoticeIssuer?
    /// Prints receipts on the center's receipt queue; nil when none is configured.
    let receiptPrinter: CaseReceiptPrinter?
    /// The station code that numbers walk-in applications' receipts.
    let windowSeries: String
    /// Writes an archived case's package into the center's archive folder.
    let archiver: ArchivePackager
    /// How the archive step's number is suggested.
    let archiveNumberFormat: NoticeNumberFormat

    func router() -> Router<DeskContext> {
        let router = Router(context: DeskContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: SessionMiddleware(
            storage: MemoryPersistDriver(),
            configuration: SessionMiddlewareConfiguration(
                sessionCookieParameters: SessionCookieParameters(
                    name: "desk_session", path: "/desk", secure: secureCookies, sameSite: .strict),
                defaultSessionExpiration: .seconds(Self.absoluteSeconds))))
        let stylesheet = pages.stylesheet, script = pages.script
        router.get("/desk/desk.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: stylesheet)))
        }
        router.get("/desk/desk.js") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: script)))
        }
        router.get("/desk/login") { _, context in loginPage(context, message: nil) }
        router.post("/desk/login") { request, context in try await login(request, context) }
        router.post("/desk/logout") { request, context in
            _ = try await form(request, context)
            context.sessions.clearSession()
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        router.get("/desk/inbox") { request, context in try await inbox(request, context) }
        router.get("/desk/cases/:receipt") { request, context in try await casePage(request, context) }
        router.get("/desk/cases/:receipt/print") { request, context in try await casePage(request, context, print: true) }
        router.post("/desk/cases/:receipt/step") { request, context in try await step(request, context) }
        router.post("/desk/cases/:receipt/notice") { request, context in try await printNotice(request, context) }
        router.post("/desk/cases/:receipt/materials") { request, context in try await tickMaterials(request, context) }
        router.post("/desk/cases/:receipt/print-form") { request, context in try await printForm(request, context) }
        router.post("/desk/cases/:receipt/print-receipt") { request, context in try await printReceipt(request, context) }
        router.post("/desk/cases/:receipt/rating") { request, context in try await rateAtWindow(request, context) }
        router.get("/desk/follow-ups") { request, context in try await followUpsPage(request, context) }
        router.post("/desk/follow-ups/:id/close") { request, context in try await closeFollowUp(request, context) }
        router.get("/desk/walk-in") { _, context in try await walkInPicker(context) }
        router.get("/desk/walk-in/:matter") { _, context in try await walkInPage(context) }
        router.post("/desk/walk-in/:matter") { request, context in try await postWalkIn(request, context) }
        router.post("/desk/language") { request, context in try await switchLanguage(request, context) }
        router.get("/desk/check") { request, context in try await checkReceipt(request, context) }
        router.get("/desk/stations") { _, context in try await stationsPage(context) }
        router.post("/desk/stations/token") { request, context in try await issueToken(request, context) }
        router.post("/desk/stations/:station/revoke") { request, context in try await revokeStation(request, context) }
        router.get("/desk/audit") { request, context in try await auditPage(request, context) }
        router.get("/desk/export") { request, context in try await export(request, context) }
        router.get("/desk/reports") { request, context in try await reportPage(request, context) }
        router.get("/desk/reports.xlsx") { request, context in try await reportWorkbook(request, context) }
        router.get("/desk/reports.pdf") { request, context in try await reportDocument(request, context) }
        router.get("/desk/notifications") { request, context in try await notificationsPage(request, context) }
        router.post("/desk/notifications/:id/sign") { request, context in try await signNotification(request, context) }
        router.get("/desk") { _, _ in Response.redirect(to: "/desk/inbox", type: .normal) }
        return router
    }

    var now: Int64 { center.now }

    /// The language of the request's session (Chinese without one).
    func language(_ context: DeskContext) -> KioskLanguage { context.sessions.session?.language ?? .zhHans }

    /// Switches the session's language (CSRF checked) and goes back to the desk page the form names.
    func switchLanguage(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard var session = context.sessions.session, let language = fields["lang"].flatMap(KioskLanguage.init(rawValue:)) else {
            throw HTTPError(.badRequest)
        }
        session.language = language
        _ = context.sessions.updateSession(session)
        // Only a page of the desk itself: never another site.
        let back = fields["back"] ?? ""
        let local = back.hasPrefix("/desk/") && !back.contains("//") && !back.contains("\\")
        return Response.redirect(to: local ? back : "/desk/inbox", type: .normal)
    }

    /// The signed-in session, refreshed; nil (and the session ended) when absent, idle too long or too old.
    func signedIn(_ context: DeskContext) -> DeskSession? {
        guard var session = context.sessions.session, session.staff != nil else { return nil }
        let now = now
        guard now - session.lastSeen <= Self.idleSeconds, now - session.createdAt <= Self.absoluteSeconds else {
            context.sessions.clearSession()
            return nil
        }
        session.lastSeen = now
        _ = context.sessions.updateSession(session)
        return session
    }

    /// A fresh anonymous session's CSRF token, or the current one.
    func csrfToken(_ context: DeskContext) -> String {
        if let session = context.sessions.session { return session.csrf }
        let token = Self.randomToken()
        context.sessions.createSession(DeskSession(csrf: token, createdAt: now, lastSeen: now))
        return token
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// The posted form, after its CSRF token matched the session's (403 otherwise).
    func form(_ request: Request, _ context: DeskContext) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 64 << 10)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        guard let expected = context.sessions.session?.csrf, let given = fields["csrf"],
              Array(expected.utf8).count == Array(given.utf8).count,
              zip(expected.utf8, given.utf8).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0
        else { throw HTTPError(.forbidden) }
        return fields
    }

    func html(_ body: String, status: HTTPResponse.Status = .ok, noStore: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if noStore { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    func loginPage(_ context: DeskContext, message: String?, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["csrf": csrfToken(context), "back": "/desk/login"]
        if let message { values["message"] = message }
        return html(pages.render("login", values, language: language(context)), status: status, noStore: true)
    }

    func login(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        let address = context.remoteAddress ?? "unknown"
        let now = now
        if await throttle.isLocked(address, now: now) {
            try await center.database.audit(AuditEvent(at: now, event: "staff_sign_in_throttled"))
            return loginPage(context, message: pages.words(language(context))["login_locked"], status: .tooManyRequests)
        }
        let code = fields["code"] ?? ""
        let result = try await center.database.signIn(
            id: fields["username"] ?? "", password: fields["password"] ?? "", passwords: StaffPasswords(), now: now
        ) { secret in StaffSecondFactor.matchingStep(code: code, secret: secret, now: now) }
        switch result {
        case .signedIn(let account):
            await throttle.succeed(address)
            context.sessions.createSession(DeskSession(
                staff: account.id, role: account.role, department: account.department, csrf: Self.randomToken(),
                createdAt: now, lastSeen: now, language: language(context)))
            return Response.redirect(to: account.role == .admin ? "/desk/stations" : "/desk/inbox", type: .normal)
        case .refused:
            await throttle.fail(address, now: now)
            return loginPage(context, message: pages.words(language(context))["login_refused"], status: .unauthorized)
        case .locked:
            await throttle.fail(address, now: now)
            return loginPage(context, message: pages.words(language(context))["login_locked"], status: .tooManyRequests)
        }
    }

    /// The codes of `department`'s matters, sorted.
    func matterCodes(of department: Department) -> [String] {
        matters.values.filter { $0.department == department }.map(\.code).sorted()
    }

    /// Whether `role` may read answers in full and search applicants by name (window and approver).
    static func readsAnswersInFull(_ role: StaffRole) -> Bool { role == .window || role == .approver }

    func inbox(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let session = signedIn(context), let role = session.role else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard role != .admin else { throw HTTPError(.forbidden) }
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        guard let query = InboxQuery(parameters, matters: Set(matters.keys)) else { throw HTTPError(.badRequest) }
        try await center.indexCases(matters: matters, calendar: calendar)
        let now = now
        let allowed = role == .department ? session.department.map(matterCodes) ?? [] : nil
        let center = center
        let filter = query.filter(now: now, allowed: allowed, mattersOf: matterCodes) {
            Self.readsAnswersInFull(role) ? center.applicantTag($0) : nil
        }
        let page = try await center.database.inbox(filter, offset: (query.page - 1) * Self.pageSize, limit: Self.pageSize)
        let language = session.language
        let strings = pages.words(language)
        // Each case's deadline by working days, from its workflow (two queries for the page).
        let files = try await center.database.caseFiles(page.rows.compactMap { row in
            matters[row.summary.matter].map { (row.summary.uuid, row.summary.receivedAt, $0) }
        })
        let today = ChinaTime.day(now)
        let shown = page.rows.map { row -> [String: Any] in
            let summary = row.summary
            let deadline = files[summary.uuid].flatMap { CaseWorkflow.deadline(of: $0, on: today, calendar: calendar) }
            let left = deadline.map { deadline in
                deadline.workingDaysOverdue > 0
                    ? (strings["workflow_overdue"] ?? "%d").replacingOccurrences(of: "%d", with: String(deadline.workingDaysOverdue))
                    : (strings["workflow_left"] ?? "%d").replacingOccurrences(of: "%d", with: String(deadline.workingDaysLeft))
            }
            return [
                "receipt": summary.receipt, "matter": matters[summary.matter]?.name.text(language) ?? summary.matter,
                "station": summary.station, "applicant": row.applicantMasked, "received": Self.format(summary.receivedAt),
                "due": deadline.map { "\($0.due) · \(left ?? "")" } ?? "", "light": deadline?.light.rawValue ?? "none",
                "link": "/desk/cases/" + summary.receipt,
                // The row stands out as the overdue filter finds it: by the same working days as its light.
                "state": strings["state_\(summary.state)"] ?? summary.state, "overdue": row.isOverdue(at: now),
            ]
        }
        let counts = InboxQuery.states.map { state -> [String: Any] in
            let link = query.queryString(state: .some(state))
            return ["label": strings["state_\(state)"] ?? state, "count": page.counts[state] ?? 0,
                    "link": "/desk/inbox?" + link, "current": query.state == state]
        }
        let visibleMatters = matters.values.filter { allowed?.contains($0.code) ?? true }.sorted { $0.code < $1.code }
        let values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "cases": shown, "count": page.total, "counts": counts,
            "all_link": "/desk/inbox?" + query.queryString(state: .some(nil)),
            "next": page.total > query.page * Self.pageSize ? "/desk/inbox?" + query.queryString(page: query.page + 1) : false,
            "previous": query.page > 1 ? "/desk/inbox?" + query.queryString(page: query.page - 1) : false,
            "page": query.page, "pages": max(1, (page.total + Self.pageSize - 1) / Self.pageSize),
            "states": InboxQuery.states.map { ["value": $0, "label": strings["state_\($0)"] ?? $0, "selected": query.state == $0] },
            "matters": visibleMatters.map { ["value": $0.code, "label": $0.name.text(language), "selected": query.matter == $0.code] },
            "show_departments": role != .department,
            "departments": Department.allCases.map {
                ["value": $0.rawValue, "label": strings["department_\($0.rawValue)"] ?? $0.rawValue, "selected": query.department == $0]
            },
            "channels": [SubmissionChannel.selfService, .assisted, .window].map {
                ["value": $0.rawValue, "label": strings["channel_\($0.rawValue)"] ?? $0.rawValue, "selected": query.channel == $0]
            },
            "station": query.station ?? "", "from": query.from?.description ?? "", "to": query.to?.description ?? "",
            "overdue": query.overdue, "q": query.search ?? "", "names": Self.readsAnswersInFull(role),
            "back": "/desk/inbox?" + query.queryString(page: query.page),
            "export": "/desk/export?" + query.queryString(), "auditor": role == .auditor,
            "walk_in": Self.readsAnswersInFull(role),
        ]
        return html(pages.render("inbox", values, language: language), noStore: true)
    }

    /// One case for every role but admin (a department account only on its department's matters):
    /// metadata, the receipt's verification, the opened answers under the catalog's labels (in
    /// full for window and approver, masked for the others; the opening audited with the staff id),
    /// the materials checklist and the case's history. `print` lays it out as the application form.
    func casePage(
        _ request: Request, _ context: DeskContext, print: Bool = false, message: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = signedIn(context), let role = session.role, let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard role != .admin, let receipt = context.parameters.get("receipt") else { throw HTTPError(.forbidden) }
        let stored = try await storedCase(receipt)
        let summary = stored.summary
        let matter = matters[summary.matter]
        if role == .department, matter?.department != session.department { throw HTTPError(.forbidden) }
        let full = Self.readsAnswersInFull(role)
        let language = session.language
        let strings = pages.words(language)
        let opened = try await center.openAnswers(receipt: receipt, staff: staff)
        let answers = (try? AnswersJSON.decode(opened.answers)) ?? [:]
        let check = try await center.checkReceipt(of: stored)
        let ticked = try await center.database.receivedMaterials(uuid: summary.uuid)
        let materials = (matter?.materials ?? []).enumerated().map { index, material -> [String: Any] in
            ["name": "m\(index)", "label": material.name.text(language), "kind": material.kind.label.text(language), "copies": material.copies,
             "note": material.note?.text(language) ?? "", "received": ticked.contains(index)]
        }
        let history = try await center.database.caseHistory(receipt: receipt).map { event -> [String: Any] in
            // A decision's detail is `STATE STAFF`: the state in words.
            var detail = event.detail ?? ""
            if event.event == "decided", let space = detail.firstIndex(of: " "),
               let state = strings["state_\(detail[..<space])"] {
                detail = state + detail[space...]
            }
            // A step's detail is `ACTION FROM->TO STAFF [why=DIGEST]`: the step in words and who.
            let parts = detail.split(separator: " ")
            if event.event == "transition", parts.count >= 3, let step = strings["step_\(parts[0])"] {
                detail = "\(step) \(parts[2])"
            }
            return ["at": Self.format(event.at), "event": strings["history_\(event.event)"] ?? event.event, "detail": detail]
        }
        var values: [String: Any] = [
            "staff": staff, "csrf": session.csrf, "receipt": summary.receipt, "matter": matter?.name.text(language) ?? summary.matter,
            "code": summary.matter, "station": summary.station, "received": Self.format(summary.receivedAt),
            "channel": strings["channel_\(summary.channel.rawValue)"] ?? summary.channel.rawValue,
            "assistant": summary.assistant ?? "", "state": strings["state_\(summary.state)"] ?? summary.state,
            "reason": summary.reason ?? "", "authority": matter?.completingUnit.text(language) ?? "",
            "verified": check == .valid, "verification": strings["verify_\(check.code)"] ?? check.code,
            "answers": Self.layout(answers, form: matter?.form ?? .empty, full: full, language: language),
            "masked": !full, "materials": materials, "history": history,
            "print": "/desk/cases/\(receipt)/print", "back": "/desk/cases/\(receipt)",
        ]
        if !print {
            values.merge(try await ratingValues(
                uuid: summary.uuid, channel: summary.channel.rawValue, receipt: receipt, role: role, language: language)) { $1 }
            let actor = CaseActor(id: staff, role: role, department: session.department)
            values.merge(try await workflowValues(receipt: receipt, actor: actor, matter: matter, strings: strings, language: language)) { $1 }
        }
        if full {
            values["tick"] = "/desk/cases/\(receipt)/materials"
            if let formPrinter { values["print_form"] = ["action": "/desk/cases/\(receipt)/print-form", "queue": formPrinter.destination] }
            if let receiptPrinter {
                values["print_receipt"] = ["action": "/desk/cases/\(receipt)/print-receipt", "queue": receiptPrinter.destination]
            }
        }
        if let message = message ?? takeFlash(context) { values["message"] = message }
        return html(pages.render(print ? "case-print" : "case", values, language: language), status: status, noStore: true)
    }

    /// The answers as the printed form lays them out: each field under its catalog label, in the
    /// form's order, repeat groups as tables, sensitive values masked unless `full`; answers the
    /// form does not name come last under their ids.
    static func layout(_ answers: Answers, form: Form, full: Bool, language: KioskLanguage) -> [[String: Any]] {
        func text(_ field: Field, _ value: AnswerValue) -> String {
            field.display(value, language: language, masked: !full)
        }
        var rows: [[String: Any]] = []
        for field in form.fields where field.type != .note {
            guard let value = answers[field.id] else { continue }
            if field.type == .repeat, case .group(let entries) = value {
                let members = field.fields.filter { $0.type != .note }
                rows.append([
                    "label": field.label.text(language), "table": true, "headers": members.map { $0.label.text(language) },
                    "rows": entries.map { entry in
                        ["cells": members.map { member in entry[member.id].map { text(member, $0) } ?? "" }]
                    },
                ])
            } else {
                rows.append(["label": field.label.text(language), "value": text(field, value)])
            }
        }
        let known = Set(form.fields.map(\.id))
        for key in answers.keys.sorted() where !known.contains(key) {
            let value: String
            switch answers[key] {
            case .text(let s)?: value = full ? s : Masking.generic(s)
            case .number(let n)?: value = full ? ExpressionValue.format(n) : Masking.generic(ExpressionValue.format(n))
            default: value = "…"
            }
            rows.append(["label": key, "value": value])
        }
        return rows
    }

    /// The receipt check: `code` is the `BM1:` text a barcode scanner types, or a receipt number. A
    /// receipt whose signature verifies, or a known number, opens its case; anything else shows why not.
    func checkReceipt(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let session = signedIn(context), let role = session.role else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard role != .admin else { throw HTTPError(.forbidden) }
        let code = (request.uri.queryParameters.get("code") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let strings = pages.words(session.language)
        var problem = "check_empty"
        if code.count > 1000 {
            problem = "verify_damaged"
        } else if code.uppercased().hasPrefix("BM1:") {
            switch try await center.verifyReceipt(qrText: code) {
            case .success(let found):
                if let stored = found.stored { return Response.redirect(to: "/desk/cases/\(stored.receipt)", type: .normal) }
                problem = "check_not_stored"
            case .failure(let error):
                problem = "verify_\(StoredReceiptCheck.invalid(error).code)"
            }
        } else if !code.isEmpty {
            let receipt = code.uppercased()
            do {
                _ = try await center.database.submission(receipt: receipt)
                return Response.redirect(to: "/desk/cases/\(receipt)", type: .normal)
            } catch {
                guard case .unknownReceipt = error else { throw error }
                problem = "check_unknown"
            }
        }
        let values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "code": code, "message": strings[problem] ?? problem,
            "back": "/desk/check",
        ]
        return html(pages.render("check", values, language: session.language), status: .unprocessableContent, noStore: true)
    }

    /// The stored case with `receipt`; 404 when there is none.
    func storedCase(_ receipt: String) async throws -> StoredSubmission {
        do {
            return try await center.database.submission(receipt: receipt)
        } catch {
            if case .unknownReceipt = error { throw HTTPError(.notFound) }
            throw error
        }
    }

    /// Saves the materials checklist (window and approver only; CSRF checked first).
    func tickMaterials(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard let session = signedIn(context), let role = session.role, let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard Self.readsAnswersInFull(role), let receipt = context.parameters.get("receipt") else { throw HTTPError(.forbidden) }
        let summary = try await storedCase(receipt).summary
        let count = matters[summary.matter]?.materials.count ?? 0
        let received = Set((0..<count).filter { fields["m\($0)"] == "1" })
        try await center.database.saveMaterials(receipt: receipt, received: received, count: count, staff: staff, now: now)
        return Response.redirect(to: "/desk/cases/\(receipt)", type: .normal)
    }

    /// Prints the case's application form on the center's A4 queue (window and approver, CSRF
    /// checked); the case page says on which queue and job, or why not.
    func printForm(_ request: Request, _ context: DeskContext) async throws -> Response {
        try await printFromCase(request, context, printed: "case_printed", failed: "case_print_failed", send: formPrinter.map { printer in
            { receipt, staff async throws -> PrintOutcome in try await printer.printForm(receipt: receipt, staff: staff) }
        })
    }

    /// Prints a document of the case in the path through `send` (window and approver, CSRF checked
    /// first; 404 when `send` is nil, no such printer being configured); the case page says on which
    /// queue and job in the words of `printed`, or why not in those of `failed`.
    func printFromCase(
        _ request: Request, _ context: DeskContext, printed: String, failed: String,
        send: ((_ receipt: String, _ staff: String) async throws -> PrintOutcome)?
    ) async throws -> Response {
        _ = try await form(request, context)
        guard let session = try session(context, roles: Self.windowRoles), let staff = session.staff else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        guard let receipt = context.parameters.get("receipt") else { throw HTTPError(.forbidden) }
        guard let send else { throw HTTPError(.notFound) }
        _ = try await storedCase(receipt)
        let strings = pages.words(session.language)
        let message: String
        do {
            let outcome = try await send(receipt, staff)
            message = (strings[printed] ?? "") + " \(outcome.destination) (\(outcome.jobID))"
        } catch {
            message = (strings[failed] ?? "") + " \(error)"
        }
        return try await casePage(request, context, message: message)
    }

    /// Unix seconds as `YYYY-MM-DD HH:MM` in China Standard Time.
    static func format(_ seconds: Int64) -> String { ChinaTime.minuteText(seconds) }
}

/// Headers every desk response carries: a strict content security policy, no framing, no sniffing.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = DeskContext

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Response(status: error.status)
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
