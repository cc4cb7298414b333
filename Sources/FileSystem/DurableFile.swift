import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic, durable file writes: a file is never seen half-written under its name, and is on disk
/// when the write returns.
public enum DurableFile {
    /// What a write does when a file already exists at its path.
    public enum Existing: Sendable {
        /// Replaces it (`rename`).
        case replace
        /// Leaves it and fails with `EEXIST` (`link`).
        case refuse
    }

    /// A step of a durable write.
    public enum Step: String, Sendable {
        /// Creating the temporary file.
        case create
        /// Opening an existing file (to copy it, or to write in place).
        case open
        /// Reading the file being copied.
        case read
        /// Setting its permission bits.
        case chmod
        /// Writing the bytes.
        case write
        /// Flushing the file to disk.
        case fsync
        /// Closing it.
        case close
        /// Renaming it to its name.
        case rename
        /// Linking it to its name.
        case link
        /// Opening the folder.
        case openDirectory = "open directory"
        /// Flushing the folder to disk.
        case fsyncDirectory = "fsync directory"
    }

    /// A step of a durable write that the operating system refused.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file (or, for the directory steps, the folder).
        public let path: String
        /// The step that failed.
        public let step: Step
        /// `errno` of the failure.
        public let code: Int32

        /// The failure of `step` on `path` with `errno` `code`.
        public init(path: String, step: Step, code: Int32) {
            self.path = path
            self.step = step
            self.code = code
        }

        /// The operating system's text for `code`.
        public var reason: String { String(cString: strerror(code)) }

        public var description: String { "\(step.rawValue) \(path) failed: \(reason)" }
    }

    /// Writes `bytes` to `path`: a hidden temporary file in the same folder, written `chunk` bytes
    /// at a time (calling `progress(written, total)` after each), fsync'd and closed, then renamed
    /// over `path` (or, with `.refuse`, hard-linked to it), then the folder fsync'd. The temporary
    /// file never outlives the call. With `mode` the file gets exactly those permission bits;
    /// without, 0644 less the umask. With `sync` false the write stays atomic but neither the file
    /// nor the folder is fsync'd: after a power cut the path may still hold its previous content.
    public static func write(
        _ bytes: Data, to path: String, mode: mode_t? = nil, existing: Existing = .replace, sync: Bool = true,
        chunk: Int = 1 << 20, progress: (_ written: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(Failure) {
        try place(path, mode: mode, existing: existing, sync: sync) { fd throws(Failure) in
            let failed: Int32? = bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = min(max(1, chunk), buffer.count - written)
                    if let failed = writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[written..<written + count]), at: nil) {
                        return failed
                    }
                    written += count
                    progress(written, buffer.count)
                }
                return nil
            }
            if let failed { throw Failure(path: path, step: .write, code: failed) }
        }
    }

    /// Copies the file at `source` to `path` as `write` does, a MiB at a time, without holding it in memory.
    public static func copy(_ source: String, to path: String, mode: mode_t? = nil) throws(Failure) {
        let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure(path: source, step: .open, code: errno) }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        try place(path, mode: mode, existing: .replace, sync: true) { fd throws(Failure) in
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Failure(path: source, step: .read, code: errno)
                }
                if count == 0 { return }
                if let failed = buffer.withUnsafeBytes({ writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<count]), at: nil) }) {
                    throw Failure(path: path, step: .write, code: failed)
                }
            }
        }
    }

    /// Writes `bytes` over the existing file at `path` from byte `offset`, in place and not synced:
    /// no new file, rename or metadata for the next disk flush to carry. Not atomic: a power cut may
    /// leave those bytes half-written, so callers keep what they write there in slots they can tell apart.
    public static func overwrite(_ bytes: Data, at offset: Int, in path: String) throws(Failure) {
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, step: .open, code: errno) }
        var open = true
        defer { if open { close(fd) } }
        if let failed = bytes.withUnsafeBytes({ writeAll(fd, $0, at: offset) }) { throw Failure(path: path, step: .write, code: failed) }
        open = false
        guard close(fd) == 0 else { throw Failure(path: path, step: .close, code: errno) }
    }

    /// fsyncs the folder at `path`, so that the names just created, renamed or removed in it are on disk.
    public static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, step: .openDirectory, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(path: path, step: .fsyncDirectory, code: errno) }
    }

    /// A hidden temporary file beside `path`, given `mode`, filled by `fill`, fsync'd (when `sync`) and
    /// closed, then put in place (`existing`), then the folder fsync'd (when `sync`); failures name `path`.
    private static func place(
        _ path: String, mode: mode_t?, existing: Existing, sync: Bool, fill: (Int32) throws(Failure) -> Void
    ) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(UInt64.random(in: .min ... .max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o644)
        guard fd >= 0 else { throw Failure(path: path, step: .create, code: errno) }
        defer { unlink(temporary) }
        var open = true
        defer { if open { close(fd) } }
        if let mode, fchmod(fd, mode) != 0 { throw Failure(path: path, step: .chmod, code: errno) }
        try fill(fd)
        guard !sync || fsync(fd) == 0 else { throw Failure(path: path, step: .fsync, code: errno) }
        open = false
        guard close(fd) == 0 else { throw Failure(path: path, step: .close, code: errno) }
        switch existing {
        case .replace:
            guard rename(temporary, path) == 0 else { throw Failure(path: path, step: .rename, code: errno) }
        case .refuse:
            guard link(temporary, path) == 0 else { throw Failure(path: path, step: .link, code: errno) }
        }
        if sync { try syncDirectory(folder.isEmpty ? "." : folder) }
    }

    /// Writes every byte of `buffer` to `fd` (at `offset` with `pwrite` when given), retrying short
    /// writes; the `errno` of a failure.
    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int?) -> Int32? {
        var written = 0
        while written < buffer.count {
            let pointer = buffer.baseAddress! + written
            let remaining = buffer.count - written
            let count = offset.map { pwrite(fd, pointer, remaining, off_t($0 + written)) } ?? Glibc.write(fd, pointer, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += count
        }
        return nil
    }
}
