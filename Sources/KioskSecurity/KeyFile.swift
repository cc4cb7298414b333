import FileSystem
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

    /// Writes `bytes` as base64 to a new file at `path`, durably, never replacing an existing file.
    static func create(at path: String, bytes: some DataProtocol, mode: mode_t) throws(KeyFileError) {
        let text = Data((Data(bytes).base64EncodedString() + "\n").utf8)
        do {
            try DurableFile.write(text, to: path, mode: mode, existing: .refuse)
        } catch {
            throw error.step == .link && error.code == EEXIST
                ? .alreadyExists(path: path) : .system(path: error.path, operation: error.step.rawValue, code: error.code)
        }
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
