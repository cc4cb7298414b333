import Executors
import Foundation
import Hummingbird
import KioskCore
import Spreadsheets
import SyncProtocol
import TownCenter

/// The admin's stations page, the audit trail page, and the export of the inbox's filter.
extension DeskRoutes {
    /// Audit entries on one page.
    static let auditPageSize = 100
    /// The most cases one export holds.
    static let exportLimit = 10_000

    /// The signed-in session when its role is one of `roles`: nil (redirect to sign-in) without a
    /// session, 403 for another role.
    func session(_ context: DeskContext, roles: Set<StaffRole>) throws -> DeskSession? {
        guard let session = signedIn(context), let role = session.role else { return nil }
        guard roles.contains(role) else { throw HTTPError(.forbidden) }
        return session
    }

    /// What the stations page shows of a health report.
    static func healthValues(_ report: StationHealth, at: Int64, strings: [String: String]) -> [String: Any] {
        let printers = report.printers.map { printer -> [String: Any] in
            let role = strings["stations_printer_\(printer.role.rawValue)"] ?? printer.role.rawValue
            let state = strings["stations_printer_\(printer.state.rawValue)"] ?? printer.state.rawValue
            return ["text": "\(role) \(printer.queue): \(state)" + (printer.problem.map { " (\($0))" } ?? ""),
                    "problem": printer.problem != nil || printer.state != .idle && printer.state != .processing]
        }
        return [
            "reported": format(at), "queue": report.queueDepth,
            "oldest": report.oldestUnsentSeconds.map { hours(Int64($0)) } ?? false,
            "printers": printers, "disk": report.diskFreeBytes.map { String(format: "%.1f GB", Double($0) / 1e9) } ?? "",
            "version": report.version, "last_error": report.lastError ?? false,
        ]
    }

    /// Seconds as hours with one decimal.
    static func hours(_ seconds: Int64) -> String { String(format: "%.1f", Double(seconds) / 3600) }

    /// The stations (admin only): enrolment, last contact, items received, catalog version, silent
    /// or revoked; a form to issue an enrolment token (shown once, on the page answering it) and one
    /// to revoke each enrolled station.
    func stationsPage(_ context: DeskContext, token: (station: String, token: String)? = nil, problem: String? = nil) async throws
        -> Response
    {
        guard let session = try session(context, roles: [.admin]) else { return Response.redirect(to: "/desk/login", type: .normal) }
        let now = now
        let strings = pages.words(session.language)
        let stations = try await center.database.stationOverview().map { station -> [String: Any] in
            [
                "id": station.id, "enrolled": Self.format(station.enrolledAt), "received": station.received,
                "last_contact": Self.format(station.lastContact), "catalog": station.catalogVersion ?? "",
                "silent": station.isSilent(at: now, silentAfter: silentAfter),
                "health": station.health.map { Self.healthValues($0.report, at: $0.at, strings: strings) } ?? false,
                "revoked": station.revokedAt.map(Self.format) ?? false,
                "revoke": "/desk/stations/\(station.id)/revoke",
            ]
        }
        var values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "stations": stations, "back": "/desk/stations", "admin": true,
            "silent_hours": Self.hours(silentAfter),
        ]
        // This year's and next year's deadlines need their holiday files (next year's from December on).
        let today = ChinaTime.day(now)
        let missing = (today.month == 12 ? [today.year, today.year + 1] : [today.year]).filter { !calendar.hasSchedule(for: $0) }
        if !missing.isEmpty {
            values["calendar_missing"] = (strings["calendar_missing"] ?? "%@")
                .replacingOccurrences(of: "%@", with: missing.map(String.init).joined(separator: ", "))
        }
        if let token {
            values["token"] = token.token
            values["token_station"] = token.station
        }
        if let problem { values["message"] = strings[problem] ?? problem }
        return html(
            pages.render("stations", values, language: session.language), status: problem == nil ? .ok : .unprocessableContent,
            noStore: true)
    }

    /// Issues an enrolment token for the posted station code (admin only; CSRF checked first).
    func issueToken(_ request: Request, _ context: DeskContext) async throws -> Response {
        let fields = try await form(request, context)
        guard try session(context, roles: [.admin]) != nil else { return Response.redirect(to: "/desk/login", type: .normal) }
        let station = (fields["station"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard ReceiptNumber.isValidStationCode(station) else { return try await stationsPage(context, problem: "stations_bad_code") }
        let token = try await center.issueToken(station: station)
        return try await stationsPage(context, token: (station, token))
    }

    /// Revokes the station in the path (admin only; CSRF checked first).
    func revokeStation(_ request: Request, _ context: DeskContext) async throws -> Response {
        _ = try await form(request, context)
        guard try session(context, roles: [.admin]) != nil else { return Response.redirect(to: "/desk/login", type: .normal) }
        guard let station = context.parameters.get("station"), ReceiptNumber.isValidStationCode(station) else {
            throw HTTPError(.notFound)
        }
        do {
            try await center.database.revoke(station: station, now: now)
        } catch {
            if case .unknownStation = error { throw HTTPError(.notFound) }
            throw error
        }
        return Response.redirect(to: "/desk/stations", type: .normal)
    }

    /// The audit trail (admin and auditor), newest first, filtered by event and by the beginning of
    /// a receipt, station or detail (a staff id); `verify=1` checks the whole chain and its signed head.
    func auditPage(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let session = try session(context, roles: [.admin, .auditor]) else {
            return Response.redirect(to: "/desk/login", type: .normal)
        }
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let text = parameters.get(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let event = value("event")
        let text = value("q")
        var page = 1
        if let given = value("page") {
            guard given.count <= 6, let number = Int(given), number >= 1 else { throw HTTPError(.badRequest) }
            page = number
        }
        if let event, event.count > 40 || !event.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) {
            throw HTTPError(.badRequest)
        }
        if let text, text.count > 40 { throw HTTPError(.badRequest) }
        let strings = pages.words(session.language)
        let found = try await center.database.auditEntries(
            event: event, text: text, offset: (page - 1) * Self.auditPageSize, limit: Self.auditPageSize)
        func link(_ page: Int) -> String {
            var items = URLComponents()
            items.queryItems = [("event", event), ("q", text), ("page", page > 1 ? String(page) : nil)].compactMap { name, value in
                value.map { URLQueryItem(name: name, value: $0) }
            }
            return "/desk/audit" + (items.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        var values: [String: Any] = [
            "staff": session.staff ?? "", "csrf": session.csrf, "event": event ?? "", "q": text ?? "", "count": found.total,
            "entries": found.entries.map { entry -> [String: Any] in
                [
                    "seq": entry.sequence, "at": Self.format(entry.event.at), "event": entry.event.event,
                    "station": entry.event.station ?? "", "receipt": entry.event.receipt ?? "", "detail": entry.event.detail ?? "",
                ]
            },
            "next": found.total > page * Self.auditPageSize ? link(page + 1) : false,
            "previous": page > 1 ? link(page - 1) : false,
            "back": link(page), "admin": session.role == .admin,
        ]
        if value("verify") == "1" {
            let verdict = try await center.database.verifyAudit()
            if case .intact(let count, _) = verdict {
                values["verdict"] = (strings["audit_intact"] ?? "") + " \(count)"
                values["intact"] = true
            } else {
                values["verdict"] = (strings["audit_broken"] ?? "") + " " + verdict.description
            }
        }
        return html(pages.render("audit", values, language: session.language), noStore: true)
    }

    /// The cases of the inbox's filter (every page, at most `exportLimit`) as CSV or XLSX with their
    /// answers under the catalog's labels (in full for window and approver, masked for the others);
    /// every text cell neutralized against formula injection; audited with the count and the staff id.
    func export(_ request: Request, _ context: DeskContext) async throws -> Response {
        guard let session = try session(context, roles: [.window, .approver, .department, .auditor]),
              let role = session.role, let staff = session.staff
        else { return Response.redirect(to: "/desk/login", type: .normal) }
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        let format = parameters["format"] ?? "csv"
        guard ["csv", "xlsx"].contains(format), let query = InboxQuery(parameters, matters: Set(matters.keys)) else {
            throw HTTPError(.badRequest)
        }
        try await center.indexCases(matters: matters, calendar: calendar)
        let full = Self.readsAnswersInFull(role)
        let center = center
        let filter = query.filter(
            now: now, allowed: role == .department ? session.department.map(matterCodes) ?? [] : nil, mattersOf: matterCodes
        ) { full ? center.applicantTag($0) : nil }
        let cases = try await center.exportCases(filter, limit: Self.exportLimit, staff: staff)
        let language = session.language
        let strings = pages.words(language)
        let titles = ["receipt", "matter", "station", "channel", "received", "due", "state", "reason", "applicant", "answers"]
            .map { strings["export_\($0)"] ?? $0 }
        let rows: [[String]] = cases.map { exported in
            let summary = exported.row.summary
            let matter = matters[summary.matter]
            let answers = (try? AnswersJSON.decode(exported.answers)) ?? [:]
            let laidOut = Self.layout(answers, form: matter?.form ?? .empty, full: full, language: language).map { row -> String in
                let label = row["label"] as? String ?? ""
                if let value = row["value"] as? String { return "\(label): \(value)" }
                let entries = (row["rows"] as? [[String: Any]] ?? []).map { ($0["cells"] as? [String] ?? []).joined(separator: " / ") }
                return "\(label): " + entries.joined(separator: " | ")
            }
            return [
                summary.receipt, summary.matter + " " + (matter?.name.text(language) ?? ""), summary.station,
                strings["channel_\(summary.channel.rawValue)"] ?? summary.channel.rawValue, Self.format(summary.receivedAt),
                exported.row.dueAt.map { ChinaTime.day($0 - 1).description } ?? "", strings["state_\(summary.state)"] ?? summary.state,
                summary.reason ?? "", exported.row.applicantMasked, laidOut.joined(separator: "; "),
            ]
        }
        var headers: HTTPFields = [.cacheControl: "no-store"]
        let body: ByteBuffer
        if format == "csv" {
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = #"attachment; filename="bianmin-export.csv""#
            body = ByteBuffer(string: CSV.text(SpreadsheetSheet(name: "bianmin", columns: titles.map { ($0, 18) }, rows: rows.map { $0.map(SpreadsheetCell.text) })))
        } else {
            headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            headers[.contentDisposition] = #"attachment; filename="bianmin-export.xlsx""#
            let sheet = SpreadsheetSheet(
                name: "bianmin", columns: titles.map { ($0, $0 == titles.last ? 80 : 18) },
                rows: rows.map { $0.map { SpreadsheetCell.text($0.neutralizedForSpreadsheet) } })
            body = ByteBuffer(bytes: try await Self.workbook([sheet]))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// `sheets` as XLSX bytes, written through a private temporary file on an executor of its own
    /// (libxlsxwriter blocks its thread).
    static func workbook(_ sheets: [SpreadsheetSheet]) async throws -> Data {
        let executor = BlockingWorkExecutor(label: "bianmin.desk.export")
        let result: Result<Data, any Error> = await withTaskExecutorPreference(executor) {
            Result {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-export-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                defer { try? FileManager.default.removeItem(at: folder) }
                let path = folder.appendingPathComponent("export.xlsx").path
                try XLSX.write(sheets, to: path)
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return try withExtendedLifetime(executor) { try result.get() }
    }
}
