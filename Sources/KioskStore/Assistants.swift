import Foundation
import GRDB
import KioskCore
import KioskSecurity

/// Why an assistant cannot be added.
public enum AssistantError: Error, Sendable, CustomStringConvertible {
    /// The id is not 1-16 letters and digits.
    case badID(String)
    /// The name is empty or longer than 20 characters.
    case badName
    /// The PIN is not 4-12 digits.
    case badPIN
    /// The PIN could not be hashed.
    case hashing(String)
    /// The database refused.
    case store(StoreError)

    public var description: String {
        switch self {
        case .badID(let id): "assistant id '\(id)' must be 1-16 letters or digits"
        case .badName: "the assistant's name must be 1-20 characters"
        case .badPIN: "the PIN must be 4-12 digits"
        case .hashing(let detail): "the PIN could not be hashed: \(detail)"
        case .store(let error): error.description
        }
    }
}

/// The assistants table: scrypt-hashed PINs, and a kiosk-wide lockout after repeated failures.
///
/// The lockout counts failures for any id (so guessing across ids is limited too); every attempt,
/// lock and logout is written to the audit trail (ids only, never PINs).
public struct Assistants: Sendable {
    /// Failed attempts in a row that lock the login.
    public static let maxFailures = 5
    /// How long the login stays locked.
    public static let lockDuration: TimeInterval = 5 * 60

    private static let failuresKey = "assistant.failures"
    private static let lockedUntilKey = "assistant.lockedUntil"

    /// The kiosk database.
    public let database: AppDatabase

    public init(_ database: AppDatabase) { self.database = database }

    /// Adds an assistant, or replaces the name and PIN of an existing one.
    public func add(id: String, name: String, pin: String, hasher: PINHasher = PINHasher(), at now: Date) throws(AssistantError) -> Assistant {
        guard Channel.isValidAssistantID(id) else { throw .badID(id) }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard (1...20).contains(name.count) else { throw .badName }
        guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .badPIN }
        let hash: String
        do {
            hash = try hasher.hash(pin: pin)
        } catch {
            throw .hashing(error.description)
        }
        do {
            try database.writer.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO assistant (id, name, pinHash, createdAt) VALUES (?, ?, ?, ?)",
                    arguments: [id.uppercased(), name, hash, Int64(now.timeIntervalSince1970)])
            }
        } catch {
            throw .store(StoreError(error, path: database.writer.path))
        }
        return Assistant(id: id.uppercased(), name: name)
    }

    /// Every assistant, by id.
    public func list() throws(StoreError) -> [Assistant] {
        do {
            return try database.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT id, name FROM assistant ORDER BY id").map { Assistant(id: $0["id"], name: $0["name"]) }
            }
        } catch {
            throw StoreError(error, path: database.writer.path)
        }
    }

    /// Checks a PIN, counting failures and locking after `maxFailures`; audits the attempt. An id typed
    /// as digits only also finds the one assistant whose id is those digits after its letters (`1` or
    /// `01` for `A01`, as on a number pad), unless an id is exactly those digits.
    public func login(id: String, pin: String, at now: Date) throws(StoreError) -> AssistantLogin {
        let wanted = id.uppercased()
        do {
            let (lockedUntil, stored) = try database.writer.read { db -> (Date?, Row?) in
                let until = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [Self.lockedUntilKey])
                    .flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
                if let exact = try Row.fetchOne(db, sql: "SELECT id, name, pinHash FROM assistant WHERE id = ?", arguments: [wanted]) {
                    return (until, exact)
                }
                // Typed on a number pad: the one assistant whose id is these digits after its letters.
                guard let number = Self.number(wanted) else { return (until, nil) }
                let matching = try Row.fetchAll(db, sql: "SELECT id, name, pinHash FROM assistant").filter { row in
                    let id: String = row["id"]
                    return Self.number(String(id.drop(while: { $0.isLetter }))) == number
                }
                return (until, matching.count == 1 ? matching[0] : nil)
            }
            if let lockedUntil, lockedUntil > now {
                try database.writer.write { db in
                    try AuditLog.append(.assistantLoginFailed, receipt: nil, detail: "id=\(Self.safe(wanted)) refused: locked", at: now, in: db)
                }
                return .locked(until: lockedUntil)
            }
            // scrypt runs outside the write transaction; an unknown id still costs a hash, so timing says nothing.
            let hash: String = stored?["pinHash"] ?? Self.decoyHash
            let matches = ((try? PINHasher.verify(pin: pin, encoded: hash)) ?? false) && stored != nil
            return try database.writer.write { db in
                if matches, let stored {
                    try Self.setSetting(db, Self.failuresKey, nil)
                    try Self.setSetting(db, Self.lockedUntilKey, nil)
                    let id: String = stored["id"]
                    try AuditLog.append(.assistantLogin, receipt: nil, detail: "id=\(id)", at: now, in: db)
                    return .success(Assistant(id: stored["id"], name: stored["name"]))
                }
                let failures = (try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [Self.failuresKey]).flatMap { Int($0) } ?? 0) + 1
                try AuditLog.append(
                    .assistantLoginFailed, receipt: nil, detail: "id=\(Self.safe(wanted)) failure \(failures)/\(Self.maxFailures)", at: now, in: db)
                if failures >= Self.maxFailures {
                    let until = now.addingTimeInterval(Self.lockDuration)
                    try Self.setSetting(db, Self.failuresKey, nil)
                    try Self.setSetting(db, Self.lockedUntilKey, String(until.timeIntervalSince1970))
                    try AuditLog.append(.assistantLocked, receipt: nil, detail: "locked for \(Int(Self.lockDuration))s", at: now, in: db)
                    return .locked(until: until)
                }
                try Self.setSetting(db, Self.failuresKey, String(failures))
                return .rejected(attemptsLeft: Self.maxFailures - failures)
            }
        } catch {
            throw StoreError(error, path: database.writer.path)
        }
    }

    /// Records the end of an assistant's session (`reason`: `logout` or `timeout`).
    public func logout(id: String, reason: String, at now: Date) throws(StoreError) {
        do {
            try database.writer.write { db in
                try AuditLog.append(.assistantLogout, receipt: nil, detail: "id=\(Self.safe(id)) \(reason)", at: now, in: db)
            }
        } catch {
            throw StoreError(error, path: database.writer.path)
        }
    }

    /// A well-formed hash no PIN is known to match (fast parameters: it only evens out timing).
    private static let decoyHash = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    /// The value of `text` when it is 1-16 ASCII digits (leading zeros do not count), else nil.
    private static func number(_ text: String) -> Int? {
        guard (1...16).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// An id as typed, cut and limited to letters and digits before it goes into the audit trail.
    private static func safe(_ id: String) -> String {
        String(id.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(16))
    }

    private static func setSetting(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
        }
    }
}
