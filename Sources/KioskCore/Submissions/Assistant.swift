import Foundation

/// A village assistant (代办员) who may log in at the kiosk and apply on residents' behalf.
public struct Assistant: Sendable, Hashable {
    /// Short id printed on assisted applications, e.g. `A01`.
    public var id: String
    /// The assistant's name, shown while logged in.
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// The outcome of one PIN login attempt.
public enum AssistantLogin: Sendable, Hashable {
    /// The PIN is right.
    case success(Assistant)
    /// The id or PIN is wrong; `attemptsLeft` more failures lock the login.
    case rejected(attemptsLeft: Int)
    /// Too many failures: no login is tried until `until`.
    case locked(until: Date)
}
