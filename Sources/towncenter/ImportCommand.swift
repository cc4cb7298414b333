import ArgumentParser
import Foundation
import TownCenter

/// `towncenter import`: a station's submissions carried on a USB stick.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a station's USB submissions bundle and write the signed answer bundle beside it.",
        discussion: "The bundle must verify with the enrolled key of the station it names; items are stored by the same rules as the network (stored, duplicate, conflict, rejected). The answer (NAME.answer.bmb) carries the acknowledgements, the station's decisions and the current catalog.")
    @OptionGroup var options: CenterOptions
    @Argument(help: "The submissions bundle (.bmb).") var bundle: String
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var calendar: CalendarCommand.CalendarOptions

    func run() async throws {
        let center = try options.open()
        let (_, workingDays) = try calendar.load()
        let report = try await reporting { () async throws(CenterError) in try await center.importBundle(at: bundle, calendar: workingDays) }
        if json { return try printJSON(report) }
        print("station \(report.station): \(report.items) items, stored \(report.stored), duplicate \(report.duplicates), "
            + "conflict \(report.conflicts), rejected \(report.rejected); \(report.decisions) decisions"
            + (report.catalogVersion.map { ", catalog \($0)" } ?? ""))
        print("answer written to \(report.answerPath)")
    }
}
