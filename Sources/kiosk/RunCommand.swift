import ArgumentParser
import Foundation
import Synchronization
import KioskConfig
import KioskCore
import KioskStore
import KioskRuntime
import KioskUI
import SyncClient
import Pinyin
import ServiceManager
import Speech
import Terminal

/// `kiosk run`: the text-mode kiosk on this terminal.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the text-mode kiosk on this terminal (residents and village assistants).",
        discussion: "Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing; SIGTERM or SIGHUP ends the kiosk and restores the terminal.")
    @OptionGroup var options: KioskOptions
    @Option(help: "The pinyin dictionary of libgooglepinyin.") var pinyinDictionary = PinyinEngine.defaultDictionaryPath

    func run() async throws {
        setlocale(LC_ALL, "C.UTF-8")
        let station = try options.loadStation()
        let strings = try kioskStrings()
        let session: TerminalSession
        do {
            session = try TerminalSession(options: TerminalSession.Options(residentMode: true))
        } catch {
            printError(error.description)
            throw ExitCode(74)
        }
        // The home screen needs only the station and the kiosk's words: it is drawn before the
        // catalog, the pinyin dictionary and the queue are loaded, so the kiosk shows at once.
        let (width, height) = session.size
        session.draw(KioskView.home(station: station, strings: strings, width: width, height: height))
        let app: KioskApp
        let log = RunLog()
        do {
            app = try makeApp(station: station, strings: strings, log: log)
        } catch {
            session.restore()
            throw error.report()
        }
        // Under systemd: ready once the kiosk is drawn, the watchdog fed while the process runs.
        let readiness = Readiness(parts: 1)
        readiness.partReady()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await SystemdNotifier(readiness: readiness, status: "kiosk of station \(station.station.id)").run() }
            await app.run(on: session)
            group.cancelAll()
        }
        log.flush()
    }

    /// Loads what the kiosk needs beyond its first frame; problems that leave it usable go to `log`.
    private func makeApp(station: StationConfig, strings: UIStrings, log: RunLog) throws(CommandFailure) -> KioskApp {
        let configuration = try options.loadQuietly(station: station)
        let submitter = try options.submitterQuietly(configuration)
        let candidates: PinyinEngine?
        do {
            candidates = try PinyinEngine(dictionaryPath: pinyinDictionary)
        } catch {
            log.warn("\(error.description); Chinese input is off")
            candidates = nil
        }
        let search: MatterSearch
        do {
            search = try MatterSearch.bundled()
        } catch {
            throw CommandFailure(message: "\(error)", exitCode: 78)
        }
        let environment = KioskEnvironment(
            station: configuration.station, catalog: configuration.catalog, strings: strings, search: search, candidates: candidates)
        let voice: VoicePlayer?
        do {
            let settings = configuration.station.voice
            voice = VoicePlayer(
                synthesizer: try SpeechSynthesizer(), device: settings.device, rate: settings.rate, volume: settings.volume,
                report: { log.warn($0) })
        } catch {
            log.warn("\(error): the kiosk works silently")
            voice = nil
        }
        return KioskApp(
            environment: environment, submitter: submitter, assistants: Assistants(submitter.queue.database),
            printer: CupsPrinter(station: configuration.station), sync: ForwarderSync(station: configuration.station), voice: voice)
    }
}

/// What goes wrong while the kiosk runs and leaves it usable: written to standard error at once when that
/// is not the kiosk's screen (systemd's journal, a file), else kept until the kiosk ends.
final class RunLog: Sendable {
    private let immediate = isatty(STDERR_FILENO) == 0
    private let held = Mutex<[String]>([])

    /// Reports `message`.
    func warn(_ message: String) {
        if immediate { printError(message) } else { held.withLock { $0.append(message) } }
    }

    /// Writes what was kept.
    func flush() {
        held.withLock { messages in
            messages.forEach(printError)
            messages = []
        }
    }
}

/// "Sync now" on the assistant screen: one forwarding round to the town center.
struct ForwarderSync: QueueSyncing {
    let station: StationConfig

    func syncNow() async -> (key: String, arguments: [String]) {
        do {
            var forwarder = try Forwarder.open(station: station.station.id, dataDirectory: station.dataDirectory, fallbackURL: station.townCenterURL)
            forwarder.printers = printerHealth(of: station)
            let report = try await forwarder.round()
            return ("sync.done", ["\(report.acknowledged)", "\(report.decisions)"])
        } catch {
            return (error.reason.key, [])
        }
    }
}

/// `kiosk assistant`: the village assistants who may log in at the kiosk.
struct AssistantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assistant", abstract: "Manage the village assistants (代办员) who may log in at the kiosk.",
        subcommands: [Add.self, List.self])

    /// `kiosk assistant add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an assistant, or set a new name and PIN; the PIN (4-12 digits) is read from standard input.")
        @OptionGroup var options: KioskOptions
        @Option(help: "The assistant's id (letters and digits, e.g. A01; at the kiosk its digits alone, 01, also log in).") var id: String
        @Option(help: "The assistant's name.") var name: String

        func run() throws {
            let station = try options.loadStation()
            let queue = try options.queue(station)
            let pin = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            do {
                let added = try Assistants(queue.database).add(id: id, name: name, pin: pin, at: Date())
                print("assistant \(added.id) (\(added.name)) can log in")
            } catch {
                printError(error.description)
                switch error {
                case .badID, .badName, .badPIN: throw ExitCode(64)
                case .hashing, .store: throw ExitCode(73)
                }
            }
        }
    }

    /// `kiosk assistant list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the assistants.")
        @OptionGroup var options: KioskOptions

        func run() throws {
            let station = try options.loadStation()
            let queue = try options.queue(station)
            for assistant in try Assistants(queue.database).list() { print("\(assistant.id)  \(assistant.name)") }
        }
    }
}
