import ArgumentParser

/// The town service center's command (its server arrives with the town-center issue).
@main
struct TownCenter: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "towncenter", abstract: "Bianmin town service center.")
}
