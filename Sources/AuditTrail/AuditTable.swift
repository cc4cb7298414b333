import Foundation
import GRDB
import KioskSecurity
import Synchronization

/// Where a hash-chained audit trail lives in SQLite: its table, its sequence column (1, 2, 3...) and
/// a `hash` column. The kiosk's and the center's trails share this reading and anchoring.
public struct AuditTable: Sendable {
    /// The table's name.
    public let name: String
    /// The column numbering the entries from 1.
    public let sequence: String

    /// A trail in table `name`, numbered by column `sequence`.
    public init(name: String, sequence: String) {
        self.name = name
        self.sequence = sequence
    }

    /// The number of entries and the last hash (empty when there are none).
    public func head(_ db: Database) throws -> (count: Int64, head: Data) {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(sequence), hash FROM \(name) ORDER BY \(sequence) DESC LIMIT 1"))
        return (last?[sequence] ?? 0, last?["hash"] ?? Data())
    }

    /// The hash of entry number `index`, if there is one.
    public func hash(at index: Int64, _ db: Database) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM \(name) WHERE \(sequence) = ?"), arguments: [index])
    }

    /// An observer that moves `anchor` on after each commit that appended to this trail, off the
    /// committing thread (on `AuditAnchor.mover`, reading the trail from `pool`), so that a commit
    /// does not wait for the signature and the file write.
    public func anchoring(_ anchor: AuditAnchor, in pool: DatabasePool) -> some TransactionObserver {
        AuditAnchorObserver(anchor: anchor, table: self, pool: pool)
    }
}

/// Moves the audit trail's signed head on after each commit that appended entries.
final class AuditAnchorObserver: TransactionObserver, Sendable {
    private let anchor: AuditAnchor
    private let table: AuditTable
    /// Weak: the pool keeps its observers for its lifetime.
    private weak let pool: DatabasePool?
    private let appended = Mutex(false)

    init(anchor: AuditAnchor, table: AuditTable, pool: DatabasePool) {
        self.anchor = anchor
        self.table = table
        self.pool = pool
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let name) = eventKind { name == table.name } else { false }
    }

    func databaseDidChange(with event: DatabaseEvent) {
        appended.withLock { $0 = true }
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        guard appended.withLock({ appended in defer { appended = false }; return appended }), let pool,
              let (count, head) = try? table.head(db)
        else { return }
        let (anchor, table) = (self.anchor, self.table)
        // The head as committed; whether the trail still holds the anchored one is read when the
        // move is made. A failure leaves the previous head, which the trail still extends; the next
        // append retries.
        AuditAnchor.mover.async {
            try? pool.read { db in
                try anchor.advance(count: count, head: head) { index in try table.hash(at: index, db) }
            }
        }
    }

    func databaseDidRollback(_ db: Database) {
        appended.withLock { $0 = false }
    }
}
