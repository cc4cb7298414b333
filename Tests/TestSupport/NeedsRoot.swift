import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Trait where Self == ConditionTrait {
    /// Runs the test only as root (a private cupsd, a tmpfs mount): skipped otherwise, but under CI
    /// (`CI` set) it fails instead, so that CI never passes without it.
    public static func needsRoot(_ why: Comment, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(why, sourceLocation: sourceLocation) {
            if getuid() == 0 { return true }
            if ProcessInfo.processInfo.environment["CI"] != nil { throw NotRoot(why: why.rawValue) }
            return false
        }
    }
}

/// A test that needs root ran under CI without it.
public struct NotRoot: Error, CustomStringConvertible {
    /// Why the test needs root.
    public let why: String

    public var description: String { "CI is set but the tests do not run as root: \(why)" }
}
