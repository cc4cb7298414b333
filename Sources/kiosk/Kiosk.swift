import ArgumentParser

/// The village kiosk's command.
@main
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Bianmin (便民) village kiosk: matters, forms and the submission queue.",
        subcommands: [
            InitCommand.self, RunCommand.self, CatalogCommand.self, AnswersCommand.self, SubmitCommand.self, QueueCommand.self,
            ReceiptCommand.self, PrinterCommand.self, GuideCommand.self, EnrollCommand.self, ForwardCommand.self,
            ExportBundleCommand.self, ImportBundleCommand.self, AssistantCommand.self, AuditCommand.self,
            BackupCommand.self, RestoreCommand.self, VoiceCommand.self, NoticeCommand.self,
        ])
}
