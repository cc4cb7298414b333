import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a key file could not be written or read.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Creating a key would replace an existing file.
    case alreadyExists(path: String)
    /// No file at the path.
    case notFound(path: String)
    /// A private key file grants access to group or others (`mode` is its permission bits).
    case tooOpen(path: String, mode: UInt16)
    /// The file's content is not a key of the expected kind.
    case malformed(path: String, reason: String)
    /// The operating system refused an operation (`operation` names it, `code` is errno).
    case system(path: String, operation: String, code: Int32)

    public var description: String {
        switch self {
        case .alreadyExists(let path):
            "key file \(path) already exists; refusing to overwrite it"
        case .notFound(let path):
            "key file \(path) not found"
        case .tooOpen(let path, let mode):
            "key file \(path) has mode \(String(mode, radix: 8)) and is accessible by others; "
                + "run `chmod 600 \(path)`"
        case .malformed(let path, let reason):
            "key file \(path) is not a valid key: \(reason)"
        case .system(let path, let operation, let code):
            "key file \(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Key files: base64 text on one line; created atomically, never replacing an existing file.
enum KeyFile {
    /// Permission bits of a private key file.
    static let privateMode: mode_t = 0o600
    /// Permission bits of a public key file.
    static let publicMode: mode_t = 0o644

    /// Writes `bytes` as base64 to a new file at `path`: temp file, fsync, hard link (which
    /// fails if `path` exists, unlike rename), then fsync of the directory.
    static func create(at path: String, bytes: some DataProtocol, mode: mode_t) throws(KeyFileError) {
        let text = Array((Data(bytes).base64EncodedString() + "\n").utf8)
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .system(path: path, operation: "create", code: errno) }
        defer { unlink(temp) }
        try writeDurably(fd: fd, text: text, mode: mode, path: path)
        guard link(temp, path) == 0 else {
            let code = errno
            throw code == EEXIST ? .alreadyExists(path: path) : .system(path: path, operation: "link", code: code)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw .system(path: directory, operation: "open directory", code: errno) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw .system(path: directory, operation: "fsync directory", code: errno) }
    }

    /// Sets the mode (umask may have narrowed it), writes, fsyncs and closes `fd`; errors name `path`.
    private static func writeDurably(fd: Int32, text: [UInt8], mode: mode_t, path: String) throws(KeyFileError) {
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw .system(path: path, operation: "chmod", code: errno) }
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else {
            throw .system(path: path, operation: "write", code: written < 0 ? errno : EIO)
        }
        guard fsync(fd) == 0 else { throw .system(path: path, operation: "fsync", code: errno) }
    }

    /// Reads the base64 key bytes at `path`; with `requirePrivate`, refuses a file that grants
    /// any access to group or others.
    static func read(from path: String, requirePrivate: Bool) throws(KeyFileError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path: path) : .system(path: path, operation: "stat", code: code)
        }
        let permissions = UInt16(info.st_mode & 0o777)
        if requirePrivate, permissions & 0o077 != 0 {
            throw .tooOpen(path: path, mode: permissions)
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw .system(path: path, operation: "read", code: errno)
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text) else {
            throw .malformed(path: path, reason: "not base64 text")
        }
        return bytes
    }
}
