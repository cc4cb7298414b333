import Foundation
import KioskCore
import KioskSecurity

/// Where a station keeps its files inside the data directory.
public struct StationFiles: Sendable {
    public var dataDirectory: String

    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// The station's Ed25519 signing key (mode 0600).
    public var stationKeyPath: String { dataDirectory + "/station-ed25519.key" }
    /// The queue database.
    public var databasePath: String { dataDirectory + "/kiosk.sqlite" }
    /// PDFs written when no printer can be reached.
    public var spoolDirectory: String { dataDirectory + "/spool" }
    /// The signed head of the audit trail, beside the key and outside the database (mode 0600).
    public var auditAnchorPath: String { dataDirectory + "/audit-anchor.json" }
    /// The town center's X25519 key received at enrolment.
    public var enrolledCenterKeyPath: String { dataDirectory + "/center-x25519.pub" }

    /// Creates the data directory (mode 0700), the station key, the database and, when missing, the
    /// audit trail's signed head (of the trail as it stands); returns the identity and whether the key is new.
    public func initialize() throws -> (identity: StationIdentity, created: Bool) {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let created: Bool
        let identity: StationIdentity
        if FileManager.default.fileExists(atPath: stationKeyPath) {
            identity = try StationIdentity.load(from: stationKeyPath)
            created = false
        } else {
            identity = try StationIdentity.create(at: stationKeyPath)
            created = true
        }
        let anchor = AuditAnchor(path: auditAnchorPath, key: identity.signingKey)
        let database = try AppDatabase.open(at: databasePath, anchor: anchor)
        if try anchor.read() == nil {
            let head = try database.writer.read { db in try AuditLog.head(db) }
            try anchor.write(count: head.count, head: head.head)
        }
        return (identity, created)
    }

    /// The station's identity, or a clear error when `kiosk init` has not been run.
    public func identity() throws(SubmitError) -> StationIdentity {
        guard FileManager.default.fileExists(atPath: stationKeyPath) else { throw .notInitialized(dataDirectory: dataDirectory) }
        do {
            return try StationIdentity.load(from: stationKeyPath)
        } catch {
            throw .keyProblem("\(error)")
        }
    }

    /// The key submissions are sealed to: the one from enrolment, else the one `kiosk.yaml` names.
    public func centerKey(configuredPath: String?) throws(SubmitError) -> CenterPublicKey {
        for path in [enrolledCenterKeyPath, configuredPath].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            do {
                return try CenterPublicKey.load(from: path)
            } catch {
                throw .keyProblem("\(error)")
            }
        }
        throw .noCenterKey(configuredPath: configuredPath)
    }

    /// Opens the queue database (it must exist: `kiosk init` creates it) with the audit trail
    /// anchored by the station's key.
    public func openQueue() throws(SubmitError) -> SubmissionQueue {
        guard FileManager.default.fileExists(atPath: databasePath) else { throw .notInitialized(dataDirectory: dataDirectory) }
        let anchor = AuditAnchor(path: auditAnchorPath, key: try identity().signingKey)
        do {
            return SubmissionQueue(try AppDatabase.open(at: databasePath, anchor: anchor))
        } catch {
            throw .store(error)
        }
    }
}
