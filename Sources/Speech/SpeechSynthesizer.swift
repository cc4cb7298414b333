import CEspeakNG
import Foundation

/// A voice of the synthesizer.
public enum SpeechVoice: String, Sendable, CaseIterable {
    /// Mandarin.
    case mandarin = "cmn"
    /// English.
    case english = "en"
}

extension SpeechVoice {
    /// `text` cut into the runs each voice says: English text keeps Chinese names (a department, a
    /// catalog entry with no English) in the Mandarin voice, which can say them; Mandarin says it all.
    func runs(of text: String) -> [(String, SpeechVoice)] {
        guard self == .english else { return [(text, self)] }
        var runs: [(String, SpeechVoice)] = []
        for character in text {
            let han = character.unicodeScalars.contains { $0.properties.isIdeographic }
            let voice: SpeechVoice = han ? .mandarin : (runs.last?.1 == .mandarin && !character.isLetter && !character.isNumber ? .mandarin : .english)
            if let last = runs.indices.last, runs[last].1 == voice {
                runs[last].0.append(character)
            } else {
                runs.append((String(character), voice))
            }
        }
        return runs
    }
}

/// Mono 16-bit audio.
public struct SpeechAudio: Sendable, Equatable {
    /// The samples.
    public var samples: [Int16]
    /// Samples per second.
    public var sampleRate: Int

    /// Seconds of audio.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// The audio as a WAV file (RIFF, PCM, mono, 16-bit little-endian).
    public var wav: Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let bytes = UInt32(clamping: samples.count * 2)
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36) &+ bytes)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))  // PCM
        append(UInt16(1))  // mono
        append(UInt32(sampleRate))
        append(UInt32(sampleRate * 2))
        append(UInt16(2))
        append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(bytes)
        for sample in samples { append(sample) }
        return data
    }
}

/// Why speech could not be made.
public enum SpeechError: Error, Sendable, Equatable, CustomStringConvertible {
    /// espeak-ng could not start (its data missing).
    case unavailable
    /// The voice is not installed.
    case noVoice(SpeechVoice)
    /// espeak-ng refused the text.
    case synthesisFailed
    /// `cancel()` stopped it.
    case cancelled

    public var description: String {
        switch self {
        case .unavailable: "speech is unavailable: espeak-ng could not start (is espeak-ng-data installed?)"
        case .noVoice(let voice): "the \(voice.rawValue) voice of espeak-ng is not installed"
        case .synthesisFailed: "espeak-ng could not synthesise the text"
        case .cancelled: "speech was cancelled"
        }
    }
}

/// Receives one synthesis's samples; the C callback finds it through the events' user data.
private final class SampleSink: @unchecked Sendable {
    /// Takes each chunk as it is made; false stops the synthesis.
    let take: (UnsafeBufferPointer<Int16>) -> Bool
    private let lock = NSLock()
    private var stopped = false
    init(take: @escaping (UnsafeBufferPointer<Int16>) -> Bool) { self.take = take }
    var isCancelled: Bool { lock.withLock { stopped } }
    func cancel() { lock.withLock { stopped = true } }
}

/// Text to speech on the terminal itself (no network), through espeak-ng. espeak-ng keeps global state
/// and blocks while it synthesises, so every call runs, one at a time, on a thread of its own.
public final class SpeechSynthesizer: @unchecked Sendable {
    /// espeak-ng's state is global: every synthesizer of the process runs on this one thread.
    private static let queue = DispatchQueue(label: "bianmin.speech")
    private var queue: DispatchQueue { Self.queue }
    private let lock = NSLock()
    private var current: SampleSink?
    /// Samples per second of what `synthesize` returns.
    public let sampleRate: Int

    /// espeak-ng started once for the process, with the callback that hands samples to each synthesis's
    /// sink (a second `espeak_Initialize` would clear the callback under a synthesis already queued):
    /// its sample rate, or 0 when it could not start.
    private static let started: Int32 = queue.sync {
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, 0)
        guard rate > 0 else { return rate }
        espeak_SetSynthCallback { samples, count, events in
            guard let sink = events?.pointee.user_data.map({ Unmanaged<SampleSink>.fromOpaque($0).takeUnretainedValue() }) else { return 0 }
            if let samples, count > 0, !sink.isCancelled, !sink.take(UnsafeBufferPointer(start: samples, count: Int(count))) {
                sink.cancel()
            }
            return sink.isCancelled ? 1 : 0
        }
        return rate
    }

    /// Starts espeak-ng (once per process); throws when it cannot (no data files).
    public init() throws(SpeechError) {
        let rate = Self.started
        guard rate > 0 else { throw .unavailable }
        sampleRate = Int(rate)
    }

    /// Speaks `text` in `voice`: `rate` in words per minute (80–450), `volume` 0–200 (100 is normal).
    /// A call to `cancel()` meanwhile stops it with `.cancelled`.
    public func synthesize(_ text: String, voice: SpeechVoice, rate: Int = 150, volume: Int = 100) async throws(SpeechError) -> SpeechAudio {
        let collected = SampleBuffer()
        let sink = SampleSink { chunk in
            collected.samples.append(contentsOf: chunk)
            return true
        }
        let result: Result<Void, SpeechError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.render(text, voice: voice, rate: rate, volume: volume, sink: sink)) }
        }
        try result.get()
        return SpeechAudio(samples: collected.samples, sampleRate: sampleRate)
    }

    /// Speaks `text`, handing each chunk of samples to `take` as soon as it is made (false from `take`
    /// stops); returns when the text is spoken. Blocks: call it from a thread of its own, never from
    /// Swift's cooperative pool. `cancel()` stops it with `.cancelled`.
    public func stream(
        _ text: String, voice: SpeechVoice, rate: Int = 150, volume: Int = 100, to take: @escaping (UnsafeBufferPointer<Int16>) -> Bool
    ) throws(SpeechError) {
        let sink = SampleSink(take: take)
        try queue.sync { render(text, voice: voice, rate: rate, volume: volume, sink: sink) }.get()
    }

    /// Runs one synthesis on the queue.
    private func render(_ text: String, voice: SpeechVoice, rate: Int, volume: Int, sink: SampleSink) -> Result<Void, SpeechError> {
        dispatchPrecondition(condition: .onQueue(queue))
        lock.withLock {
            current?.cancel()
            current = sink
        }
        defer { lock.withLock { if current === sink { current = nil } } }
        for (run, runVoice) in voice.runs(of: text) {
            guard !sink.isCancelled else { return .failure(.cancelled) }
            guard espeak_SetVoiceByName(runVoice.rawValue) == EE_OK else { return .failure(.noVoice(runVoice)) }
            espeak_SetParameter(espeakRATE, Int32(min(max(rate, 80), 450)), 0)
            espeak_SetParameter(espeakVOLUME, Int32(min(max(volume, 0), 200)), 0)
            let bytes = Array(run.utf8) + [0]
            let status = withExtendedLifetime(sink) {
                espeak_Synth(bytes, bytes.count, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, Unmanaged.passUnretained(sink).toOpaque())
            }
            if sink.isCancelled { return .failure(.cancelled) }
            guard status == EE_OK else { return .failure(.synthesisFailed) }
        }
        return .success(())
    }

    /// Whether a synthesis is under way.
    public var isSpeaking: Bool { lock.withLock { current != nil } }

    /// Stops the speech being made, at once (a key was pressed).
    public func cancel() {
        lock.withLock { current?.cancel() }
    }
}

/// The samples of one synthesis, filled on the synthesizer's thread and read after it finished.
private final class SampleBuffer: @unchecked Sendable {
    var samples: [Int16] = []
}
