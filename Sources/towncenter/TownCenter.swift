import ArgumentParser

/// The town service center's command.
@main
struct TownCenterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "towncenter",
        abstract: "Bianmin (便民) town service center: receives village submissions, records decisions.",
        subcommands: [
            InitCommand.self, ServeCommand.self, StationCommand.self, CatalogCommand.self, SubmissionsCommand.self,
            ReceiptCommand.self, ExportCommand.self, ImportCommand.self, AuditCommand.self, CalendarCommand.self,
            StaffCommand.self, KeysCommand.self, BackupCommand.self, RestoreCommand.self, ReportCommand.self, DepartmentCommand.self,
            ArchiveCommand.self,
        ])
}
