import ArgumentParser
import Foundation
import KioskCore
import KioskUI
import Pinyin
import Speech

extension ScreenName: ExpressibleByArgument {}
extension KioskLanguage: ExpressibleByArgument {}

/// `kiosk voice`: what the kiosk says aloud.
struct VoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice", abstract: "What the kiosk says aloud (spoken prompts through espeak-ng).", subcommands: [Say.self])

    /// `kiosk voice say`.
    struct Say: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "say",
            abstract: "Render what a screen says to a WAV file (for the county to check the wording), and print its text.",
            discussion: "Screens: \(ScreenName.allCases.map(\.rawValue).joined(separator: ", ")).")
        @OptionGroup var options: KioskOptions
        @Option(help: "The screen.") var screen: ScreenName
        @Option(help: "zh-Hans (Mandarin voice) or en (English voice).") var language: KioskLanguage = .zhHans
        @Option(help: "The matter the matter, guide and form screens show (default: the first one the kiosk takes).") var matter: String?
        @Option(help: "The WAV file to write (mono, 16-bit).") var out: String

        func run() async throws {
            let configuration = try options.load()
            if let matter, configuration.catalog.matter(matter) == nil {
                printError("no matter \(matter) in the catalog")
                throw ExitCode(64)
            }
            let strings = try kioskStrings()
            let environment = KioskEnvironment(
                station: configuration.station, catalog: configuration.catalog, strings: strings, search: MatterSearch(readings: [:]),
                candidates: nil)
            let state = KioskState.showing(screen, environment: environment, language: language, now: Date(), matter: matter)
            guard let spoken = state.spokenPrompt else {
                printError("the \(screen.rawValue) screen says nothing")
                throw ExitCode(65)
            }
            let settings = configuration.station.voice
            do {
                let audio = try await SpeechSynthesizer().synthesize(
                    spoken.text, voice: spoken.language == .en ? .english : .mandarin, rate: settings.rate, volume: settings.volume)
                try audio.wav.write(to: URL(fileURLWithPath: out), options: .atomic)
                print(spoken.text)
                print(String(format: "%@: %.1f s of speech", out, audio.duration))
            } catch let error as SpeechError {
                printError("\(error)")
                throw ExitCode(69)
            } catch {
                printError("cannot write \(out): \(error.localizedDescription)")
                throw ExitCode(73)
            }
        }
    }
}
