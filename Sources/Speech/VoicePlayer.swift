import Foundation

/// Says texts aloud as they come: synthesis streams into the audio device, so the first words are
/// heard while the rest is still being made; a new text or `stop()` cuts off the one being said.
/// Everything that blocks runs on the voice's own thread.
public final class VoicePlayer: @unchecked Sendable {
    private let synthesizer: SpeechSynthesizer
    private let rate: Int
    private let volume: Int
    private let openOutput: (Int) throws -> any AudioOutput
    private let report: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "bianmin.voice")
    // Touched only on `queue`.
    private var output: (any AudioOutput)?
    private var reported = false
    private let lock = NSLock()
    private var generation = 0

    /// A player speaking through what `openOutput` opens for a sample rate (opened on first use and again
    /// after it failed); `report` hears, once, that there is no device.
    public init(
        synthesizer: SpeechSynthesizer, rate: Int = 150, volume: Int = 100, openOutput: @escaping (Int) throws -> any AudioOutput,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.synthesizer = synthesizer
        self.rate = rate
        self.volume = volume
        self.openOutput = openOutput
        self.report = report
    }

    /// A player on the ALSA device `device`.
    public convenience init(synthesizer: SpeechSynthesizer, device: String, rate: Int, volume: Int, report: @escaping @Sendable (String) -> Void) {
        self.init(
            synthesizer: synthesizer, rate: rate, volume: volume, openOutput: { try AlsaOutput(device: device, sampleRate: $0) }, report: report)
    }

    /// Says `text` in `voice`, cutting off what is being said; returns at once.
    public func say(_ text: String, voice: SpeechVoice) {
        let mine = lock.withLock {
            generation += 1
            return generation
        }
        synthesizer.cancel()
        queue.async { self.play(text, voice: voice, generation: mine) }
    }

    /// Stops what is being said, at once; returns at once.
    public func stop() {
        lock.withLock { generation += 1 }
        synthesizer.cancel()
        queue.async { self.output?.drop() }
    }

    /// Returns once everything asked so far has been said or cut off (for tests and the benchmark).
    public func wait() { queue.sync {} }

    private func isCurrent(_ generation: Int) -> Bool { lock.withLock { self.generation == generation } }

    private func play(_ text: String, voice: SpeechVoice, generation: Int) {
        // A text already replaced by a newer one is not begun.
        guard isCurrent(generation), let output = openedOutput() else { return }
        output.drop()  // what remains of the previous text
        var failed = false
        do {
            try synthesizer.stream(text, voice: voice, rate: rate, volume: volume) { [self] chunk in
                guard isCurrent(generation) else { return false }
                failed = !output.write(chunk)
                return !failed
            }
        } catch .cancelled {
            output.drop()
        } catch {
            report("speech: \(error)")
        }
        if failed { self.output = nil }  // reopened for the next text
    }

    private func openedOutput() -> (any AudioOutput)? {
        if let output { return output }
        do {
            output = try openOutput(synthesizer.sampleRate)
        } catch {
            if !reported { report("\(error)") }
            reported = true
        }
        return output
    }
}
