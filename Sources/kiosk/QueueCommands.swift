import ArgumentParser
import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import SyncClient

/// `kiosk queue`: what is waiting, sent and decided.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List, show, count and purge queued submissions.",
        subcommands: [List.self, Show.self, Stats.self, Purge.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List submissions, newest first.")
        @OptionGroup var options: KioskOptions
        @Option(help: "Only this state: \(SubmissionState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: SubmissionState?
        @Option(help: "How many at most.") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let queue = try options.queue(try options.loadStation())
            let items = try queue.list(state: state, limit: max(1, limit))
            if json {
                try printJSON(items.map(QueueItemJSON.init))
                return
            }
            for s in items {
                print("\(s.receipt)  \(s.matter)  \(s.state.rawValue)\(s.decision.map { "/" + $0.rawValue } ?? "")  \(s.applicantMasked)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one submission's clear metadata and status.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The receipt number.") var receipt: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let station = try options.loadStation()
            guard let s = try options.queue(station).find(receipt: receipt) else {
                printError("no submission with receipt \(receipt) at this station")
                throw ExitCode(66)
            }
            if json {
                try printJSON(QueueItemJSON(s))
                return
            }
            let l = station.language
            print("receipt:    \(s.receipt)")
            print("uuid:       \(s.uuid.uuidString)")
            print("matter:     \(s.matter) (catalog \(s.catalogVersion))")
            print("applicant:  \(s.applicantMasked)")
            print("channel:    \(s.channel)\(s.assistantID.map { " (assistant \($0))" } ?? "")")
            print("created:    \(s.createdAt.formatted(.iso8601))")
            print("state:      \(s.state.rawValue) — \(s.status(l))")
            print("printed:    receipt \(s.receiptPrint.rawValue), form \(s.formPrint.rawValue)")
            if let error = s.lastError { print("last error: \(error)") }
            if s.purgedAt != nil { print("answers:    purged after retention") }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count submissions by state and decision.")
        @OptionGroup var options: KioskOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let queue = try options.queue(try options.loadStation())
            let stats = try queue.stats()
            let sync = try? SyncStatus.load(from: queue)
            if json {
                try printJSON(StatsJSON(stats: stats, sync: sync))
                return
            }
            print("total: \(stats.total)")
            for state in SubmissionState.allCases { print("  \(state.rawValue): \(stats.byState[state.rawValue] ?? 0)") }
            for decision in Decision.allCases where stats.byDecision[decision.rawValue] != nil {
                print("  decided \(decision.rawValue): \(stats.byDecision[decision.rawValue]!)")
            }
            print("not printed: \(stats.notPrinted)")
            print("purged: \(stats.purged)")
            if let oldest = stats.oldestWaiting { print("oldest waiting: \(oldest.formatted(.iso8601))") }
            if let sync {
                print("center: \(sync.centerURL ?? "not enrolled"), catalog \(sync.catalogVersion ?? "-")")
                print("last sync: \(sync.lastSuccess?.formatted(.iso8601) ?? "never")"
                    + (sync.lastError.map { "; failing (\(sync.consecutiveFailures)×): \($0)" } ?? ""))
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Drop the sealed answers of submissions acknowledged longer ago than the retention period (metadata is kept).")
        @OptionGroup var options: KioskOptions

        func run() throws {
            let station = try options.loadStation()
            let purged = try options.queue(station).purge(retentionDays: station.retentionDays, now: Date())
            print("purged \(purged.count) submission(s) acknowledged more than \(station.retentionDays) days ago")
        }
    }
}

extension SubmissionState: ExpressibleByArgument {}

/// `queue stats --json`: the queue's counts with the forwarder's progress under `sync`.
struct StatsJSON: Encodable {
    var stats: QueueStats
    var sync: SyncStatus?

    func encode(to encoder: any Encoder) throws {
        try stats.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(sync, forKey: .sync)
    }

    enum Key: String, CodingKey { case sync }
}

/// A submission in `queue list --json` and `queue show --json`.
struct QueueItemJSON: Encodable {
    var receipt, uuid, matter, state, applicant, channel, created, receipt_print, form_print, qr: String
    var decision, decision_reason, assistant: String?
    /// The workflow's state, due date, missing list and where to go, as the center last sent them.
    var progress: CaseProgress?

    init(_ s: SubmissionSummary) {
        receipt = s.receipt
        uuid = s.uuid.uuidString
        matter = s.matter
        state = s.state.rawValue
        applicant = s.applicantMasked
        channel = s.channel
        created = s.createdAt.formatted(.iso8601)
        receipt_print = s.receiptPrint.rawValue
        form_print = s.formPrint.rawValue
        qr = s.receiptQR
        decision = s.decision?.rawValue
        decision_reason = s.decisionReason
        assistant = s.assistantID
        progress = s.progress
    }
}

/// `kiosk audit`: the hash-chained audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify the hash chain and its signed head; names the first edited, deleted or reordered entry, or a log cut short or rewritten.")
        @OptionGroup var options: KioskOptions

        func run() throws {
            let queue = try options.queue(try options.loadStation())
            let verdict = try AuditLog.verify(queue.database)
            print(verdict)
            if !verdict.isIntact { throw ExitCode(1) }
        }
    }
}
