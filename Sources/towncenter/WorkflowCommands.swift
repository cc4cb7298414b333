import ArgumentParser
import Foundation
import KioskCore
import TownCenter
import TownDesk

extension SuspensionKind: ExpressibleByArgument {}
extension DeliveryMethod: ExpressibleByArgument {}
extension NoticeKind: ExpressibleByArgument {}

/// What every workflow step takes: the center, the calendar, the case and the staff member.
struct StepOptions: ParsableArguments {
    @OptionGroup var center: CenterOptions
    @OptionGroup var calendar: CalendarCommand.CalendarOptions
    @Argument(help: "The receipt number.") var receipt: String
    @Option(help: "The staff id taking the step (its role decides what it may do).") var staff: String
    @Flag(help: "Print JSON.") var json = false

    /// The step's outcome as `--json` prints it.
    struct Outcome: Encodable {
        var receipt: String
        var from: CaseState
        var to: CaseState
        var notices: [NoticeKind]
        var forwardTo: String?

        enum CodingKeys: String, CodingKey {
            case receipt, from, to, notices
            case forwardTo = "forward_to"
        }
    }

    /// Takes `action` on the case (built from the opened center when it needs it) and prints what follows.
    func take(_ action: (Center) async throws -> CaseAction) async throws {
        try await Self.take(action, receipt: receipt, staff: staff, center: center, calendar: calendar, json: json)
    }

    /// Takes `action` on the case with `receipt` as `staff` and prints what follows.
    static func take(
        _ action: (Center) async throws -> CaseAction, receipt: String, staff: String, center: CenterOptions,
        calendar: CalendarCommand.CalendarOptions, json: Bool
    ) async throws {
        let opened = try center.open()
        let (_, workingDays) = try calendar.load()
        let action = try await action(opened)
        let (record, effects) = try await reporting { () async throws(CenterError) in
            try await opened.transition(receipt: receipt, action, staff: staff, calendar: workingDays)
        }
        let notices = effects.compactMap { if case .issueNotice(let kind) = $0 { kind } else { nil } }
        let forwardTo = effects.lazy.compactMap { if case .forwardToCounty(let unit) = $0 { unit } else { nil } }.first
        let from = record.transitions.last?.from ?? record.file.state
        if json { return try printJSON(Outcome(receipt: receipt, from: from, to: record.file.state, notices: notices, forwardTo: forwardTo)) }
        print("\(receipt): \(from.rawValue) -> \(record.file.state.rawValue)")
        for kind in notices { print("next: give the \(kind.rawValue) notice (towncenter submissions notice \(receipt) --kind \(kind.rawValue) …)") }
        if let forwardTo { print("next: hand the case to \(forwardTo)") }
    }
}

extension SubmissionsCommand {
    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accept", abstract: "Accept the application (受理); after 5 working days without a notice, the law dates it from receipt.")
        @OptionGroup var step: StepOptions
        func run() async throws { try await step.take { _ in .accept } }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse", abstract: "Refuse to accept (不予受理): not within the town's authority; say where to go.")
        @OptionGroup var step: StepOptions
        @Option(help: "Why it is refused.") var reason: String
        @Option(help: "The authority to apply to instead.") var goTo: String
        func run() async throws { try await step.take { _ in .refuse(reason: reason, goTo: goTo) } }
    }

    struct Supplement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "supplement",
            abstract: "Tell the applicant, once, everything to supplement (补正); within 5 working days of receipt.")
        @OptionGroup var step: StepOptions
        @Option(name: .customLong("item"), help: "One item to supplement (repeat for each; all at once).") var items: [String] = []
        func run() async throws { try await step.take { _ in .requestSupplement(items: items) } }
    }

    struct Resubmit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resubmit", abstract: "Record that the applicant brought the supplemented materials (received again).")
        @OptionGroup var step: StepOptions
        func run() async throws { try await step.take { _ in .resubmit } }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend",
            abstract: "Stop the clock for an inspection, hearing, testing or expert review (not counted in the time limit).")
        @OptionGroup var step: StepOptions
        @Option(help: "What the clock stops for.") var kind: SuspensionKind
        @Option(help: "What the applicant is told.") var reason: String
        func run() async throws { try await step.take { _ in .suspend(kind, reason: reason) } }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Restart the clock after a suspension.")
        @OptionGroup var step: StepOptions
        func run() async throws { try await step.take { _ in .resume } }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extend", abstract: "Extend the time limit once (延期; approver only), with the reason for the applicant.")
        @OptionGroup var step: StepOptions
        @Option(help: "Working days to add (1–\(CaseWorkflow.longestExtension)).") var workingDays: Int
        @Option(help: "The reason given to the applicant.") var reason: String
        func run() async throws { try await step.take { _ in .extend(workingDays: workingDays, reason: reason) } }
    }

    struct ForwardCounty: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forward-county", abstract: "Hand the case to the county unit that completes it (转县级部门办理).")
        @OptionGroup var step: StepOptions
        @Option(help: "The county unit (default: the matter's completing unit).") var unit: String?
        func run() async throws {
            try await step.take { center in
                if let unit { return .sendToCounty(unit: unit) }
                let matter = try await reporting { () async throws(CenterError) in
                    try await center.publishedMatter(try await center.database.submission(receipt: step.receipt).summary.matter)
                }
                return .sendToCounty(unit: matter.completingUnit.zh)
            }
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deliver", abstract: "Record that the decision reached the applicant (送达).")
        @OptionGroup var step: StepOptions
        @Option(help: "How it was delivered.") var method: DeliveryMethod
        @Option(help: "Who received it.") var recipient: String
        func run() async throws { try await step.take { _ in .deliver(method, recipient: recipient) } }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "archive", abstract: "Archive the case (归档) under its archive number, and write its archive package under DATA/archive/YEAR.")
        @OptionGroup var step: StepOptions
        @Option(help: "The archive number (档号); default: the next of --archive-number-format.") var number: String?
        @Option(help: "How archive numbers are made: {year}, {prefix} (the matter's department code, e.g. MZ), {seq:N}.")
        var archiveNumberFormat = "{year}-{prefix}-{seq:4}"
        @Option(help: "The accepting authority printed on the package's application form, e.g. XX县新河镇人民政府.") var authority = ""

        func validate() throws {
            guard NoticeNumberFormat(validating: archiveNumberFormat) != nil else {
                throw ValidationError("--archive-number-format needs {seq} or {seq:N} (N 1–8) and only {year}, {prefix}, {seq}")
            }
        }

        func run() async throws {
            let format = NoticeNumberFormat(validating: archiveNumberFormat)!
            try await step.take { center in
                if let number { return .archive(number: number) }
                return .archive(number: try await reporting { () async throws(CenterError) in
                    try await center.nextArchiveNumber(receipt: step.receipt, format: format)
                })
            }
            let center = try step.center.open()
            do {
                let written = try await ArchivePackager(center: center, authority: authority).write(
                    receipt: step.receipt, into: ArchivePackager.centerFolder(of: center, year: ChinaTime.day(center.now).year), staff: step.staff)
                if !step.json { print("archive package: \(written.url.path)") }
            } catch {
                printError("the case is archived, but its package was not written: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show a case's workflow state, deadline, missing list and history (no answers).")
        @OptionGroup var options: CenterOptions
        @OptionGroup var calendar: CalendarCommand.CalendarOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Flag(help: "Print JSON.") var json = false

        struct Output: Encodable {
            var receipt: String
            var state: CaseState
            var due: String?
            var deadline: String?
            var workingDaysLeft: Int?
            var light: DeadlineLight?
            var estimate: Bool
            var acceptedByLaw: Bool
            var missing: [String]
            var reason: String?
            var goTo: String?
            var transitions: [CaseTransition]

            enum CodingKeys: String, CodingKey {
                case receipt, state, due, deadline, light, estimate, missing, reason, transitions
                case workingDaysLeft = "working_days_left"
                case acceptedByLaw = "accepted_by_law"
                case goTo = "go_to"
            }
        }

        func run() async throws {
            let center = try options.open()
            let (_, workingDays) = try calendar.load()
            let record = try await reporting { () async throws(CenterError) in try await center.workflow(receipt: receipt) }
            let today = ChinaTime.day(center.now)
            let deadline = CaseWorkflow.deadline(of: record.file, on: today, calendar: workingDays)
            let output = Output(
                receipt: receipt, state: record.file.state, due: deadline?.due.description, deadline: deadline?.kind.rawValue,
                workingDaysLeft: deadline?.workingDaysLeft, light: deadline?.light, estimate: !(deadline?.estimatedYears.isEmpty ?? true),
                acceptedByLaw: deadline?.acceptedByLaw != nil || record.file.acceptedByLaw,
                missing: record.file.state == .needsSupplement ? record.file.supplementItems : [], reason: record.file.reason,
                goTo: record.goTo, transitions: record.transitions)
            if json { return try printJSON(output) }
            print("state:     \(output.state.rawValue)\(output.acceptedByLaw ? " (accepted by law from receipt)" : "")")
            if let deadline {
                print("due:       \(deadline.due) (\(deadline.kind.rawValue); \(deadline.workingDaysLeft) working day(s) left; \(deadline.light.rawValue))"
                    + (output.estimate ? " — estimate: no calendar for \(deadline.estimatedYears.map(String.init).joined(separator: ", "))" : ""))
            }
            if !output.missing.isEmpty { print("missing:   \(output.missing.joined(separator: "；"))") }
            if let reason = output.reason { print("reason:    \(reason)\(output.goTo.map { " → \($0)" } ?? "")") }
            for step in record.transitions {
                print("  \(formatTime(step.at))  \(step.action)  \(step.from.rawValue) -> \(step.to.rawValue)  \(step.staff)\(step.why.map { "  \($0)" } ?? "")")
            }
        }
    }

    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notice",
            abstract: "Write a case's notice (文书) as an A4 PDF, numbered in its own series per year.",
            discussion: """
                The number is allocated in one database transaction (it never repeats, also under concurrent prints) \
                and recorded in the audit trail with the staff id; the applicant's name is opened from the sealed \
                answers (audited). Series: TOWN便受 (acceptance), 便不受 (refusal), 便补 (supplement), 便延 (extension), \
                便特 (suspension), 便决 (decision), 便送 (delivery).
                """)

        @OptionGroup var options: CenterOptions
        @OptionGroup var calendar: CalendarCommand.CalendarOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Option(help: "Which notice.") var kind: NoticeKind
        @Option(help: "The PDF file to write.") var out: String
        @Option(help: "The staff id issuing it.") var staff: String
        @Option(help: "The issuing authority's full name, e.g. XX县新河镇人民政府.") var authority: String
        @Option(help: "The county whose government hears reconsideration, e.g. XX县.") var county: String
        @Option(help: "The town's short name that starts each series, e.g. 新河.") var town = ""
        @Option(help: "The number pattern: {prefix}, {year}, {seq} or {seq:N}.") var numberFormat = "{prefix}〔{year}〕第{seq:4}号"

        func run() async throws {
            guard let format = NoticeNumberFormat(validating: numberFormat) else {
                throw ValidationError("--number-format needs {seq} (or {seq:N}, N 1–8) and only {prefix}, {year} and {seq} placeholders")
            }
            let center = try options.open()
            let (_, workingDays) = try calendar.load()
            let account = try await reporting { () async throws(CenterError) in try await center.database.staff(id: staff) }
            guard let account, !account.disabled, [.window, .approver, .department].contains(account.role) else {
                printError("no enabled window, approver or department staff account \(staff)")
                throw ExitCode(77)
            }
            let issuer = NoticeIssuer(center: center, authority: authority, county: county, town: town, format: format)
            let issued: (number: String, pdf: Data)
            do {
                issued = try await issuer.issue(kind, receipt: receipt, staff: staff, calendar: workingDays)
            } catch {
                if case .center(let error) = error { throw fail(error) }
                printError(error.description)
                if case .document = error { throw ExitCode(70) }
                throw ExitCode(65)
            }
            do {
                try issued.pdf.write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                printError("\(out): \(error)")
                throw ExitCode(74)
            }
            print(issued.number)
        }
    }
}
