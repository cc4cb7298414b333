import Foundation
import KioskConfig
import KioskCore
import KioskUI
import Speech
import Terminal

/// Keypress to the first audio sample of the next screen's prompt: the kiosk's update makes the prompt,
/// the voice player synthesises it into an output that notes when its first samples arrive; beside
/// `espeak-ng -v cmn --stdout` for the same texts (process start to the first sample after the WAV header).
enum VoiceBenchmarks {
    static func run(configuration: KioskConfiguration, rounds: Int) throws {
        print("== voice: keypress to the first audio sample of the next screen's prompt (\(rounds * keys.count) keys)")
        var station = configuration.station
        station.voice.enabled = true
        let environment = KioskEnvironment(
            station: station, catalog: configuration.catalog, strings: try UIStrings.bundled(), search: MatterSearch(readings: [:]),
            candidates: nil)
        let synthesizer = try SpeechSynthesizer()
        let output = FirstSampleOutput()
        let player = VoicePlayer(synthesizer: synthesizer, rate: station.voice.rate, volume: station.voice.volume, openOutput: { _ in output }, report: { _ in })
        var state = KioskState(environment: environment, now: Date())
        var kiosk = Samples(), command = Samples()
        var texts: [String] = []
        for _ in 0..<rounds {
            for key in keys {
                output.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                for effect in state.handle(.key(key)) {
                    if case .speak(let utterance) = effect {
                        player.say(utterance.text, voice: .mandarin)
                        texts.append(utterance.text)
                    }
                }
                let first = output.waitForFirstSample()
                kiosk.values.append(Double(first - start) / 1e6)
                player.stop()
                player.wait()
            }
        }
        for text in texts { command.values.append(try firstSampleOfCommand(text)) }
        print("  kiosk (update + espeak-ng library, voice already loaded): p50 \(ms(kiosk.median)), p99 \(ms(kiosk.percentile(0.99)))")
        print("  baseline (espeak-ng -v cmn --stdout, same texts): p50 \(ms(command.median)), p99 \(ms(command.percentile(0.99)))")
        print(String(format: "  ratio p50 %.2fx, p99 %.2fx   goal: under 150 ms, and no slower than the espeak-ng command",
                     kiosk.median / command.median, kiosk.percentile(0.99) / command.percentile(0.99)))
    }

    /// Home → find → departments → find → home: each key opens a screen with a new prompt.
    static let keys: [KeyEvent] = [.text("1"), .text("1"), .text("0"), .text("0")]

    /// Milliseconds from starting `espeak-ng -v cmn --stdout TEXT` to its first sample on standard output.
    static func firstSampleOfCommand(_ text: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", "cmn", "--stdout", text]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 65536)
        var received = 0
        // A WAV header is 44 bytes; the first sample follows it.
        while received < 46 {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { throw BenchFailure("espeak-ng wrote no audio") }
            received += count
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        // The rest is read and dropped, so the command ends as it would in use.
        while read(descriptor, &buffer, buffer.count) > 0 {}
        process.waitUntilExit()
        return elapsed
    }
}

/// An audio output that notes when the first samples of a prompt arrive and plays nothing.
final class FirstSampleOutput: AudioOutput, @unchecked Sendable {
    private let condition = NSCondition()
    private var first: UInt64?

    func reset() { condition.withLock { first = nil } }

    func write(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        condition.withLock {
            if first == nil, !samples.isEmpty {
                first = DispatchTime.now().uptimeNanoseconds
                condition.broadcast()
            }
        }
        return true
    }

    func drop() {}

    /// Blocks until the first samples arrived; returns when (uptime nanoseconds).
    func waitForFirstSample() -> UInt64 {
        condition.withLock {
            while first == nil { condition.wait() }
            return first!
        }
    }
}
