import ArgumentParser

/// The village kiosk's command.
@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk", abstract: "Bianmin village kiosk.")
}
