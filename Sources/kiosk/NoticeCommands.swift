import ArgumentParser
import Foundation
import KioskCore
import KioskReceipts
import KioskRuntime
import KioskStore

/// `kiosk notice`: the town's written notices on this station's applications, printed for the resident.
struct NoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "List and print the town's written notices (文书) on this station's applications.",
        discussion: """
            Notices arrive with the town's updates (`kiosk forward`), the applicant's name masked. Printing one on the \
            A4 printer hands it to the resident; the print is reported to the center in the next forward round, and a \
            decision notice printed here records the case as delivered via the village station.
            """,
        subcommands: [List.self, Print.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the notices received (of one application).")
        @OptionGroup var options: KioskOptions
        @Argument(help: "A receipt number (default: every application).") var receipt: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let notices = try options.queue(try options.loadStation()).notices(receipt: receipt)
            if json {
                try printJSON(notices.map(NoticeJSON.init))
                return
            }
            if notices.isEmpty { print("no notices") }
            for notice in notices {
                let printed = notice.printedAt.map { "printed \($0.formatted(.iso8601))" } ?? "not printed"
                print("\(notice.number)  \(notice.receipt)  \(notice.notice.title)  (\(printed))")
            }
        }
    }

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print", abstract: "Print a notice on the A4 (forms) printer for the resident.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The notice's number, as `kiosk notice list` shows it.") var number: String
        @Option(help: "The village assistant handing it over (their id).") var assistant: String?

        func validate() throws {
            if let assistant, !Channel.isValidAssistantID(assistant) { throw ValidationError("--assistant must be 1–16 letters or digits") }
        }

        func run() async throws {
            let configuration = try options.load()
            let queue = try options.queue(configuration.station)
            guard let stored = try queue.notice(number: number) else {
                printError("no notice \(number) at this station (run `kiosk notice list`)")
                throw ExitCode(66)
            }
            let report = await PrintService(station: configuration.station, queue: queue).printNotice(stored, assistant: assistant)
            try finish(report, context: "print.noticeNotPrinted")
        }
    }
}

/// One notice as `kiosk notice list --json` prints it.
struct NoticeJSON: Encodable {
    var number, receipt, kind, title, received: String
    var printed: String?

    init(_ notice: StoredNotice) {
        number = notice.number
        receipt = notice.receipt
        kind = notice.kind
        title = notice.notice.title
        received = notice.receivedAt.formatted(.iso8601)
        printed = notice.printedAt?.formatted(.iso8601)
    }
}
