import CPinyin
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A Chinese candidate for a pinyin string, and how many of its leading letters it stands for.
public struct Candidate: Hashable, Sendable {
    /// The Chinese text.
    public var text: String
    /// The leading letters of the pinyin string it stands for (`李秀` in `lixiuying`: 5).
    public var letters: Int

    /// A candidate standing for the first `letters` letters.
    public init(_ text: String, letters: Int) {
        self.text = text
        self.letters = letters
    }
}

/// Gives Chinese candidates for a pinyin string, best first.
public protocol CandidateSource: Sendable {
    /// Up to `limit` candidates for lower-case pinyin letters (full pinyin or initials, e.g. `ylbx`).
    func candidates(for pinyin: String, limit: Int) -> [Candidate]
}

/// Why the pinyin engine could not start.
public enum PinyinError: Error, CustomStringConvertible, Equatable {
    /// The dictionary file does not exist.
    case dictionaryMissing(path: String)
    /// The dictionary exists but libgooglepinyin could not load it.
    case dictionaryUnreadable(path: String)

    /// A one-line explanation for the operator's log.
    public var description: String {
        switch self {
        case .dictionaryMissing(let path):
            "pinyin dictionary \(path) is missing: install the Debian package libgooglepinyin0"
        case .dictionaryUnreadable(let path):
            "pinyin dictionary \(path) could not be loaded: reinstall libgooglepinyin0"
        }
    }
}

/// Pinyin-to-Chinese candidates from libgooglepinyin's system dictionary.
///
/// libgooglepinyin keeps one decoder in global state, so every call into it, from any engine,
/// holds one process-wide lock, and the decoder is reopened if engines use different dictionaries.
/// The user dictionary is `/dev/null`: the kiosk never learns (and so never stores) what residents
/// type.
public final class PinyinEngine: CandidateSource {
    /// Where Debian's libgooglepinyin0 installs its dictionary.
    public static let defaultDictionaryPath = "/usr/lib/x86_64-linux-gnu/googlepinyin/data/dict_pinyin.dat"
    /// Longest pinyin string searched; longer input is cut (the decoder has fixed buffers).
    public static let maxPinyinLength = 26

    /// The dictionary this engine reads.
    public let dictionaryPath: String

    /// The dictionary the global decoder has open, and how many engines use the decoder.
    private static let decoder = Mutex<(path: String?, engines: Int)>((nil, 0))

    /// Opens the decoder on `dictionaryPath`; throws when the file is missing or cannot be loaded.
    public init(dictionaryPath: String = PinyinEngine.defaultDictionaryPath) throws(PinyinError) {
        // Opened before `self` is fully initialised, so a failure does not run `deinit`.
        let result: Result<Void, PinyinError> = Self.decoder.withLock { decoder in
            do throws(PinyinError) {
                try Self.open(dictionaryPath, in: &decoder.path)
                decoder.engines += 1
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        self.dictionaryPath = dictionaryPath
    }

    deinit {
        Self.decoder.withLock { decoder in
            decoder.engines -= 1
            if decoder.engines == 0, decoder.path != nil {
                bm_pinyin_close()
                decoder.path = nil
            }
        }
    }

    /// Up to `limit` candidates for `pinyin` (lower-case letters; anything else is ignored), each with
    /// the letters it stands for: one spelling per character, as the decoder split the letters.
    public func candidates(for pinyin: String, limit: Int) -> [Candidate] {
        let letters = String(pinyin.unicodeScalars.filter { ("a"..."z").contains($0) }.prefix(Self.maxPinyinLength))
        guard !letters.isEmpty, limit > 0 else { return [] }
        return Self.decoder.withLock { decoder in
            guard (try? Self.open(dictionaryPath, in: &decoder.path)) != nil else { return [] }
            let count = letters.withCString { bm_pinyin_search($0, letters.utf8.count) }
            // Where each spelling starts, then where the last one ends.
            var starts = [Int](repeating: 0, count: Self.maxPinyinLength + 2)
            let positions = bm_pinyin_spelling_starts(&starts, starts.count)
            let spellings = starts.prefix(positions).map { min(max($0, 0), letters.count) }
            var result: [Candidate] = []
            var buffer = [CChar](repeating: 0, count: 256)
            for index in 0..<min(count, limit) {
                let length = bm_pinyin_candidate(index, &buffer, buffer.count)
                guard length > 0 else { continue }
                let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                // A candidate of n characters stands for the first n spellings (all of them when the split is unknown).
                let used = spellings.count > 1 ? spellings[min(text.utf16.count, spellings.count - 1)] : letters.count
                result.append(Candidate(text, letters: max(1, used)))
            }
            return result
        }
    }

    /// Makes sure the global decoder has `path` open; call with the lock held.
    private static func open(_ path: String, in openPath: inout String?) throws(PinyinError) {
        if openPath == path { return }
        guard access(path, R_OK) == 0 else { throw .dictionaryMissing(path: path) }
        guard hasPlausibleHeader(path) else { throw .dictionaryUnreadable(path: path) }
        if openPath != nil {
            bm_pinyin_close()
            openPath = nil
        }
        guard bm_pinyin_open(path, "/dev/null") else { throw .dictionaryUnreadable(path: path) }
        openPath = path
    }

    /// Checks the spelling table header that starts the dictionary (entry size and count, as two
    /// native `size_t`s) against the file's size. libgooglepinyin trusts these numbers, and after
    /// the failed allocation a damaged file causes, its next load double-frees and aborts the
    /// process: a damaged file must never reach it.
    private static func hasPlausibleHeader(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var header = [Int](repeating: 0, count: 2)
        guard fread(&header, MemoryLayout<Int>.size, 2, file) == 2, fseek(file, 0, SEEK_END) == 0 else { return false }
        let (entrySize, entryCount, fileSize) = (header[0], header[1], ftell(file))
        return (1...64).contains(entrySize) && (1...4096).contains(entryCount) && entrySize * entryCount < fileSize
    }
}
