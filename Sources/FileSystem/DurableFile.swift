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
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(UInt64.random(in: .min ... .max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o644)
        guard fd >= 0 else { throw Failure(path: path, step: .create, code: errno) }
        defer { unlink(temporary) }
        try fill(fd, with: bytes, mode: mode, path: path, sync: sync, chunk: max(1, chunk), progress: progress)
        switch existing {
        case .replace:
            guard rename(temporary, path) == 0 else { throw Failure(path: path, step: .rename, code: errno) }
        case .refuse:
            guard link(temporary, path) == 0 else { throw Failure(path: path, step: .link, code: errno) }
        }
        if sync { try syncDirectory(folder.isEmpty ? "." : folder) }
    }

    /// fsyncs the folder at `path`, so that the names just created, renamed or removed in it are on disk.
    public static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, step: .openDirectory, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(path: path, step: .fsyncDirectory, code: errno) }
    }

    /// Sets the mode, writes every byte, fsyncs (when `sync`) and closes `fd`; failures name `path`.
    private static func fill(
        _ fd: Int32, with bytes: Data, mode: mode_t?, path: String, sync: Bool, chunk: Int, progress: (Int, Int) -> Void
    ) throws(Failure) {
        var open = true
        defer { if open { close(fd) } }
        if let mode, fchmod(fd, mode) != 0 { throw Failure(path: path, step: .chmod, code: errno) }
        let failed: Int32? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + written, min(chunk, buffer.count - written))
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
                progress(written, buffer.count)
            }
            return nil
        }
        if let failed { throw Failure(path: path, step: .write, code: failed) }
        guard !sync || fsync(fd) == 0 else { throw Failure(path: path, step: .fsync, code: errno) }
        open = false
        guard close(fd) == 0 else { throw Failure(path: path, step: .close, code: errno) }
    }
}
