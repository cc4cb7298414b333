import Foundation
import Speech
import Testing
import TestSupport

/// A sound card as the voice meets one: takes samples at the speed they are heard (a kiosk in CI has no
/// card, and ALSA's `null` device swallows samples at once, so cutting speech off could not be seen).
final class PacedOutput: AudioOutput, @unchecked Sendable {
    let sampleRate: Int
    private let lock = NSLock()
    private var written = 0
    private var drops = 0

    init(sampleRate: Int) { self.sampleRate = sampleRate }

    /// Samples played so far.
    var samples: Int { lock.withLock { written } }
    /// Times what was buffered was dropped.
    var dropped: Int { lock.withLock { drops } }

    func write(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        usleep(useconds_t(samples.count * 1_000_000 / sampleRate))
        lock.withLock { written += samples.count }
        return true
    }

    func drop() { lock.withLock { drops += 1 } }
}

/// Messages the player reported.
final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    var all: [String] { lock.withLock { messages } }
    func add(_ message: String) { lock.withLock { messages.append(message) } }
}

/// Polls `condition` every 5 ms for up to 20 s (a loaded test run can be slow); returns whether it held.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<4000 {
        if condition() { return true }
        usleep(5000)
    }
    return condition()
}

@Suite("the voice player: streamed, cut off by a key, silent without a sound card", .serialized)
struct VoicePlayerTests {
    static let synthesizer = Result { try SpeechSynthesizer() }
    static let long = String(repeating: "请按数字键选择要办理的事项，按零返回上一页。", count: 10)

    @Test("a key during speech stops it at once: nothing more is played after stop()")
    func stopCutsSpeechOff() throws {
        let synthesizer = try Self.synthesizer.get()
        let output = PacedOutput(sampleRate: synthesizer.sampleRate)
        let player = VoicePlayer(synthesizer: synthesizer, openOutput: { _ in output }, report: { _ in })
        let full = try synthesizeBlocking(synthesizer, Self.long)
        player.say(Self.long, voice: .mandarin)
        #expect(eventually { output.samples > synthesizer.sampleRate / 2 }, "half a second was heard")
        player.stop()
        let atStop = output.samples
        player.wait()
        // At most the chunk being written when the key came (espeak-ng hands over 60 ms at a time; ALSA's buffer is 0.1 s and is dropped).
        #expect(output.samples - atStop <= synthesizer.sampleRate / 5, "\(output.samples - atStop) samples after stop")
        #expect(output.samples < full / 2, "\(output.samples) of \(full) samples played")
        #expect(output.dropped >= 1, "what was buffered was dropped")
    }

    @Test("a new prompt replaces the one being said: the new one is said in full")
    func newPromptReplacesTheOld() throws {
        let synthesizer = try Self.synthesizer.get()
        let output = PacedOutput(sampleRate: synthesizer.sampleRate)
        let player = VoicePlayer(synthesizer: synthesizer, openOutput: { _ in output }, report: { _ in })
        let short = "按1，办事。"
        let shortSamples = try synthesizeBlocking(synthesizer, short)
        player.say(Self.long, voice: .mandarin)
        #expect(eventually { output.samples > 0 })
        let atReplace = output.samples
        player.say(short, voice: .mandarin)
        player.wait()
        let after = output.samples - atReplace
        // Right after a cut-off espeak-ng can end the next text a little sooner (under load, 40,897 of 43,453
        // samples: its closing silence); the words themselves are all there.
        #expect(after >= shortSamples * 9 / 10, "the new prompt is played in full: \(after) of \(shortSamples)")
        #expect(after <= shortSamples + synthesizer.sampleRate / 5, "and the old one stopped: \(after - shortSamples) more")
    }

    @Test("with no audio device the player is silent and says so once; a real ALSA device plays")
    func noDeviceIsReportedOnce() throws {
        let synthesizer = try Self.synthesizer.get()
        let reports = Reports()
        let player = VoicePlayer(synthesizer: synthesizer, device: "bianmin-no-such-device", rate: 150, volume: 100, report: reports.add)
        for _ in 0..<3 {
            player.say("按1，办事。", voice: .mandarin)
            player.wait()
        }
        #expect(reports.all.count == 1)
        #expect(reports.all.first?.contains("no audio device 'bianmin-no-such-device'") == true)
        #expect(throws: AudioError.self) { try AlsaOutput(device: "bianmin-no-such-device", sampleRate: 22050) }
        // ALSA's own null device: opened and fed through alsa-lib like a card.
        let null = try AlsaOutput(device: "null", sampleRate: synthesizer.sampleRate)
        let audio = [Int16](repeating: 1000, count: synthesizer.sampleRate)
        #expect(audio.withUnsafeBufferPointer { null.write($0) })
        null.drop()
        #expect(audio.withUnsafeBufferPointer { null.write($0) }, "writes again after a drop")
    }
}

/// The samples of `text` said in Mandarin, counted.
func synthesizeBlocking(_ synthesizer: SpeechSynthesizer, _ text: String) throws -> Int {
    var count = 0
    try synthesizer.stream(text, voice: .mandarin) { chunk in
        count += chunk.count
        return true
    }
    return count
}
