import ArgumentParser
import Foundation
import KioskCore
import KioskReceipts
import SyncProtocol
import TownCenter
import TownDesk

struct SubmissionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submissions", abstract: "Staff work on received submissions.",
        subcommands: [
            List.self, Show.self, Status.self, Accept.self, Refuse.self, Supplement.self, Resubmit.self, Suspend.self, Resume.self,
            Extend.self, ForwardCounty.self, Decide.self, Deliver.self, Archive.self, Notice.self, Print.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List received submissions (no answers).")

        @OptionGroup var options: CenterOptions
        @Option(help: "Only this station.") var station: String?
        @Option(help: "Only this matter code.") var matter: String?
        @Option(help: "Only this state (received, accepted, rejected, needs_more, completed).") var state: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let center = try options.open()
            let rows = try await reporting { () async throws(CenterError) in
                try await center.database.submissions(SubmissionFilter(station: station, matter: matter, state: state))
            }
            if json { return try printJSON(rows) }
            for row in rows {
                print([row.receipt, row.station, row.matter, row.state, formatTime(row.receivedAt)].joined(separator: "  "))
            }
            print("\(rows.count) submission(s)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a submission with its answers, opened with the center's key (recorded in the audit trail).")

        @OptionGroup var options: CenterOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let center = try options.open()
            let (stored, answers) = try await reporting { () async throws(CenterError) in
                try await center.openAnswers(receipt: receipt)
            }
            if json {
                let summary = try JSONSerialization.jsonObject(with: try SyncJSON.encode(stored.summary))
                let decisions = try JSONSerialization.jsonObject(with: try SyncJSON.encode(stored.decisions))
                let object: [String: Any] = ["submission": summary, "decisions": decisions, "answers": answersJSONObject(answers)]
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                return print(String(decoding: data, as: UTF8.self))
            }
            let s = stored.summary
            print("receipt:   \(s.receipt)")
            print("uuid:      \(s.uuid.uuidString)")
            print("station:   \(s.station)")
            print("matter:    \(s.matter) (catalog \(s.catalogVersion))")
            print("channel:   \(s.channel.rawValue)\(s.assistant.map { " (assistant \($0))" } ?? "")")
            print("created:   \(formatTime(s.createdAt))   received: \(formatTime(s.receivedAt))")
            print("form printed at the village: \(s.formPrinted ? "yes" : "no")")
            print("state:     \(s.state)\(s.reason.map { " — \($0)" } ?? "")")
            for decision in stored.decisions {
                print("  \(formatTime(decision.decidedAt))  \(decision.state.rawValue)\(decision.reason.map { " — \($0)" } ?? "")")
            }
            print("answers:")
            print(answersText(answers))
        }
    }

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Print a submission's A4 application form (for those whose form did not print at the village).",
            discussion: "Opens the sealed answers with the center's key (recorded in the audit trail) and prints through CUPS.")

        @OptionGroup var options: CenterOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Option(help: "The CUPS destination for A4 forms.") var printer = "bianmin-a4"
        @Option(help: "The accepting authority's full name printed on the form, e.g. XX县新河镇人民政府.") var authority: String

        func run() async throws {
            let printer = CaseFormPrinter(center: try options.open(), destination: printer, authority: authority)
            do {
                let outcome = try await printer.printForm(receipt: receipt, staff: nil)
                print("printed the application form of \(receipt) on \(outcome.destination) (job \(outcome.jobID))")
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide",
            abstract: "Decide an accepted case (--approve, or --deny REASONS) as --staff; or record one of the four older states.",
            discussion: """
                --approve and --deny go through the case workflow (准予/办结 or 不予许可; a department account records \
                its county unit's result on its own department's cases). --accept, --reject, --needs-more and \
                --complete record the four states of the desk's form on a case that has not moved through the workflow.
                """)

        @OptionGroup var options: CenterOptions
        @OptionGroup var calendar: CalendarCommand.CalendarOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Flag(help: "Approve (准予许可 / 办结).") var approve = false
        @Option(help: "Deny (不予许可), with the reasons.") var deny: String?
        @Option(help: "The staff id deciding (needed with --approve and --deny).") var staff: String?
        @Flag(help: "Accept the application (受理; four-state).") var accept = false
        @Option(help: "Reject it, with the reason (four-state).") var reject: String?
        @Option(help: "Ask for more material: say what (four-state).") var needsMore: String?
        @Flag(help: "Mark it completed (办结; four-state).") var complete = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            let chosen = [approve, deny != nil, accept, reject != nil, needsMore != nil, complete].filter { $0 }.count
            guard chosen == 1 else {
                throw ValidationError("give exactly one of --approve, --deny REASONS, --accept, --reject REASON, --needs-more WHAT, --complete")
            }
            if approve || deny != nil, staff == nil { throw ValidationError("--approve and --deny need --staff ID") }
        }

        func run() async throws {
            if approve || deny != nil, let staff {
                return try await StepOptions.take(
                    { _ in .decide(approved: approve, reasons: deny ?? "") }, receipt: receipt, staff: staff, center: options,
                    calendar: calendar, json: json)
            }
            let center = try options.open()
            let state: DecisionState = accept ? .accepted : reject != nil ? .rejected : needsMore != nil ? .needsMore : .completed
            let decision = try await reporting { () async throws(CenterError) in
                try await center.database.decide(receipt: receipt, state: state, reason: reject ?? needsMore, now: center.now)
            }
            if json { return try printJSON(decision) }
            print("\(receipt): \(state.rawValue)\(decision.reason.map { " — \($0)" } ?? "")")
        }
    }
}

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Receipts residents bring in.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify a receipt's QR text against the enrolled stations' keys.")

        @OptionGroup var options: CenterOptions
        @Argument(help: "The receipt's QR text (BM1:...).") var text: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let center = try options.open()
            let outcome = try await reporting { () async throws(CenterError) in try await center.verifyReceipt(qrText: text) }
            switch outcome {
            case .failure(let error):
                if json { try printJSON(RefusedReceipt(valid: false, error: error.english)) } else { printError(error.description) }
                throw ExitCode(1)
            case .success(let (record, stored)):
                if json {
                    try printJSON(VerifiedReceipt(
                        valid: true, receipt: record.receiptNumber.description, station: record.stationID,
                        matter: record.matterCode, createdAt: Int64(record.createdAt), stored: stored != nil, state: stored?.state))
                    return
                }
                print("回执有效 (receipt valid): \(record.receiptNumber) station \(record.stationID) matter \(record.matterCode), "
                    + "made \(formatTime(Int64(record.createdAt)))")
                print(stored.map { "received at the center; state: \($0.state)" } ?? "not yet received at the center")
            }
        }
    }

    struct RefusedReceipt: Encodable {
        var valid: Bool
        var error: String
    }

    struct VerifiedReceipt: Encodable {
        var valid: Bool
        var receipt: String
        var station: String
        var matter: String
        var createdAt: Int64
        var stored: Bool
        var state: String?
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export submissions, decisions and opened answers for the county departments (audited).")

    @OptionGroup var options: CenterOptions

    @Option(help: "Received on or after this day (YYYY-MM-DD, China time) or instant (ISO 8601).")
    var since: String

    @Option(help: "csv or json.")
    var format: String = "json"

    func validate() throws {
        guard ["csv", "json"].contains(format) else { throw ValidationError("--format must be csv or json") }
        guard Self.parseSince(since) != nil else { throw ValidationError("--since must be YYYY-MM-DD or an ISO 8601 instant") }
    }

    static func parseSince(_ text: String) -> Date? {
        if let day = CalendarDate(iso: text) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = .china
            return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        }
        return try? Date(text, strategy: .iso8601)
    }

    func run() async throws {
        let center = try options.open()
        let sinceSeconds = Int64(Self.parseSince(since)!.timeIntervalSince1970)
        let rows = try await reporting { () async throws(CenterError) in try await center.export(since: sinceSeconds) }
        if format == "json" {
            let objects: [Any] = try rows.map { row in
                [
                    "submission": try JSONSerialization.jsonObject(with: try SyncJSON.encode(row.submission.summary)),
                    "decisions": try JSONSerialization.jsonObject(with: try SyncJSON.encode(row.submission.decisions)),
                    "answers": answersJSONObject(row.answers),
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return print(String(decoding: data, as: UTF8.self))
        }
        let header = ["receipt", "uuid", "station", "matter", "catalog_version", "channel", "assistant", "created_at",
                      "received_at", "form_printed", "state", "reason", "decided_at", "answers"]
        print(header.joined(separator: ","))
        for row in rows {
            let s = row.submission.summary
            let answers = (try? JSONSerialization.jsonObject(with: row.answers)).flatMap {
                try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .withoutEscapingSlashes])
            } ?? row.answers
            let fields = [
                s.receipt, s.uuid.uuidString, s.station, s.matter, s.catalogVersion, s.channel.rawValue, s.assistant ?? "",
                formatTime(s.createdAt), formatTime(s.receivedAt), s.formPrinted ? "yes" : "no", s.state, s.reason ?? "",
                s.decidedAt.map(formatTime) ?? "", String(decoding: answers, as: UTF8.self),
            ]
            print(fields.map(\.csvField).joined(separator: ","))
        }
    }
}
