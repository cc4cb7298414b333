import Foundation

/// Writes PDFs into a spool folder when no CUPS server is reachable.
public struct SpoolWriter: Sendable {
    /// The spool folder; created on first write.
    public let directory: String

    /// Creates a writer for `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Failure to spool a PDF.
    public struct Failure: Error, CustomStringConvertible {
        /// The path involved.
        public let path: String
        /// What was being done.
        public let operation: String
        /// errno at the failure.
        public let code: Int32

        public var description: String {
            "spooling PDF: \(operation) \(path) failed: \(String(cString: strerror(code)))"
        }
    }

    /// Atomically writes `pdf` as `<name>.pdf` (temporary name, fsync, rename, fsync of the folder)
    /// and returns its path. `name` is reduced to letters, digits, `-` and `_`.
    public func write(_ pdf: Data, name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let safe = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        let final = (directory as NSString).appendingPathComponent("\(safe).pdf")
        let temporary = (directory as NSString).appendingPathComponent(".\(safe).\(UUID().uuidString).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: temporary, operation: "open", code: errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try pdf.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw Failure(path: temporary, operation: "write", code: errno)
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw Failure(path: temporary, operation: "fsync", code: errno) }
            closed = true
            guard close(fd) == 0 else { throw Failure(path: temporary, operation: "close", code: errno) }
            guard rename(temporary, final) == 0 else { throw Failure(path: final, operation: "rename", code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            defer { close(dirFD) }
            guard fsync(dirFD) == 0 else { throw Failure(path: directory, operation: "fsync", code: errno) }
        }
        return final
    }
}
