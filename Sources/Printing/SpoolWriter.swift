import FileSystem
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
        do {
            try DurableFile.write(pdf, to: final)
        } catch {
            throw Failure(path: error.path, operation: error.step.rawValue, code: error.code)
        }
        return final
    }
}
