import Foundation
import GRDB
import KioskCore

/// A notice of a case as issued, with its PDF when it was kept.
public struct IssuedNoticeFile: Sendable, Hashable {
    public var number: String
    public var kind: String
    public var issuedAt: Int64
    /// The PDF as issued; nil for a notice issued before PDFs were kept.
    public var pdf: Data?
}

extension CenterDatabase {
    /// Keeps the PDF of notice `number` as issued, for the case's archive package.
    public func keepNoticePDF(number: String, pdf: Data) async throws(CenterError) {
        try await write { db in try db.execute(sql: "UPDATE notice SET pdf = ? WHERE number = ?", arguments: [pdf, number]) }
    }

    /// The notices issued on the case `uuid`, in the order issued.
    public func issuedNotices(uuid: UUID) async throws(CenterError) -> [IssuedNoticeFile] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, kind, issued_at, pdf FROM notice WHERE uuid = ? ORDER BY issued_at, number", arguments: [uuid.uuidString]
            ).map { IssuedNoticeFile(number: $0["number"], kind: $0["kind"], issuedAt: $0["issued_at"], pdf: $0["pdf"]) }
        }
    }

    /// The receipts of the cases archived in `year` (by the archive day), oldest first.
    public func archivedCases(year: Int) async throws(CenterError) -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT s.receipt FROM case_transition t JOIN submission s ON s.uuid = t.uuid JOIN case_workflow w ON w.uuid = t.uuid
                    WHERE t.action = 'archive' AND w.state = 'archived' AND t.at >= ? AND t.at < ?
                    ORDER BY t.at, s.receipt
                    """,
                arguments: [ChinaTime.startOfDay(CalendarDate(year: year, month: 1, day: 1)!),
                            ChinaTime.startOfDay(CalendarDate(year: year + 1, month: 1, day: 1)!)])
        }
    }

    /// Records that the archive package of `uuid` was written at `path` with a manifest of digest `manifest` (audited).
    public func recordArchivePackage(
        uuid: UUID, receipt: String, archiveNumber: String, path: String, manifest: Data, now: Int64
    ) async throws(CenterError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO archive_package (uuid, archive_number, path, written_at, manifest_sha256) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (uuid) DO UPDATE SET archive_number = excluded.archive_number, path = excluded.path,
                        written_at = excluded.written_at, manifest_sha256 = excluded.manifest_sha256
                    """,
                arguments: [uuid.uuidString, archiveNumber, path, now, manifest])
            try Self.appendAudit(
                AuditEvent(at: now, event: "archive_written", receipt: receipt, uuid: uuid.uuidString, detail: "\(archiveNumber) \(path)"), in: db)
        }
    }
}

extension Center {
    /// The archive number (档号) `format` gives the case `receipt` on today's year: `{prefix}` is its
    /// matter's department code (the matter code's first part, e.g. MZ), `{seq}` the first number of
    /// that year and department no archived case holds.
    public func nextArchiveNumber(receipt: String, format: NoticeNumberFormat) async throws(CenterError) -> String {
        let matter = try await database.submission(receipt: receipt).summary.matter
        let prefix = String(matter.prefix { $0 != "-" })
        let year = ChinaTime.day(now).year
        return try await database.read { db in
            var sequence = (try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM case_workflow WHERE archive_number LIKE ? ESCAPE '\\'",
                arguments: [format.likePattern(prefix: prefix, year: year)]) ?? 0) + 1
            while try Bool.fetchOne(
                db, sql: "SELECT 1 FROM case_workflow WHERE archive_number = ?", arguments: [format.format(prefix: prefix, year: year, sequence: sequence)]
            ) == true {
                sequence += 1
            }
            return format.format(prefix: prefix, year: year, sequence: sequence)
        }
    }
}
