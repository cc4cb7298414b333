import Foundation
import Speech
import Testing
import TestSupport

/// `sox FILE -n stat`'s figures for a WAV file.
func soxStat(_ path: String) throws -> [String: Double] {
    let result = try run("/usr/bin/sox", [path, "-n", "stat"])
    var figures: [String: Double] = [:]
    for line in result.stderr.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)) {
            figures[parts[0].trimmingCharacters(in: .whitespaces)] = value
        }
    }
    return figures
}

@Suite("speech through espeak-ng, measured with sox", .serialized)
struct SpeechTests {
    static let synthesizer = Result { try SpeechSynthesizer() }

    @Test("a Mandarin prompt and an English one render to WAV files that are not silent and last a sensible time",
          arguments: [(SpeechVoice.mandarin, "按1，办事；按2，查询进度。"), (.english, "Press 1 to apply. Press 2 to check progress.")])
    func rendersAudibleSpeech(voice: SpeechVoice, text: String) async throws {
        let synthesizer = try Self.synthesizer.get()
        let audio = try await synthesizer.synthesize(text, voice: voice)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("prompt.wav")
        try audio.wav.write(to: URL(fileURLWithPath: path))
        let stat = try soxStat(path)
        let length = try #require(stat["Length (seconds)"])
        #expect((1.0...8.0).contains(length), "\(voice): \(length) s")
        #expect(abs(length - audio.duration) < 0.01)
        #expect(try #require(stat["RMS     amplitude"]) > 0.01, "\(voice) is not silent")
    }

    @Test("cancel stops a long synthesis at once, and the next one works")
    func cancelStops() async throws {
        let synthesizer = try Self.synthesizer.get()
        let long = String(repeating: "请按数字键选择要办理的事项，按零返回上一页。", count: 40)
        // A thread of its own (not the cooperative pool, which a loaded test run can starve for seconds)
        // cancels once the synthesis is under way.
        Thread {
            for _ in 0..<30_000 where !synthesizer.isSpeaking { usleep(1000) }
            usleep(20_000)
            synthesizer.cancel()
        }.start()
        let speaking = Task { () async -> SpeechError? in
            do throws(SpeechError) {
                _ = try await synthesizer.synthesize(long, voice: .mandarin)
                return nil
            } catch {
                return error
            }
        }
        let outcome = await speaking.value
        #expect(outcome == SpeechError.cancelled)
        let after = try await synthesizer.synthesize("好", voice: .mandarin)
        #expect(after.duration > 0.1)
    }
}

/// `kiosk voice say` for every screen in both languages, measured with sox (issue 22).
@Suite("every screen's prompt rendered to WAV by the kiosk command")
struct ScreenSpeechTests {
    static let screens = ["home", "help", "find", "departments", "categories", "matters", "search", "matter", "guide", "form",
                          "materials", "review", "confirm", "saving", "receipt", "receiptQR", "failed", "progress",
                          "progressResult", "login", "assistant", "queue"]

    @Test("audible, and as long as its text (Mandarin by syllable, English by word)", arguments: ["zh-Hans", "en"])
    func everyScreenRenders(language: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for screen in Self.screens {
            let path = directory.file("\(screen)-\(language).wav")
            let result = try run("kiosk", ["voice", "say", "--screen", screen, "--language", language, "--out", path])
            try #require(result.status == 0, "\(screen): \(result.stderr)")
            let text = try #require(result.stdout.split(separator: "\n").first.map(String.init))
            let stat = try soxStat(path)
            let length = try #require(stat["Length (seconds)"])
            #expect(try #require(stat["RMS     amplitude"]) > 0.02, "\(screen) \(language) is too quiet")
            #expect(try #require(stat["Maximum amplitude"]) > 0.3, "\(screen) \(language) is too quiet")
            // Speaking units: a Han character is a syllable (English text keeps Chinese names, said in Mandarin); in
            // Mandarin a digit or letter said alone is one too, and English is counted in words.
            let han = text.unicodeScalars.filter { $0.properties.isIdeographic }.count
            let latin = String(text.unicodeScalars.filter { !$0.properties.isIdeographic })
            let units = han + (language == "en"
                ? latin.split { !$0.isLetter && !$0.isNumber }.count
                : latin.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.count)
            let perUnit = length / Double(units)
            let bounds = language == "en" ? 0.2...0.7 : 0.15...0.5
            #expect(bounds.contains(perUnit), "\(screen) \(language): \(length) s for \(units) units (\(perUnit) s each)")
        }
    }
}
