import Foundation
import GRDB
import KioskCore
import SyncProtocol

extension CenterDatabase {
    /// Sends `notice` of the case `receipt` to its station with the case's latest update (the same
    /// state again, now carrying the notice); a window case, which no station holds, sends nothing.
    public func sendToStation(_ notice: StationNotice, receipt: String) async throws(CenterError) {
        let json = String(decoding: try encode(notice), as: UTF8.self)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO decision (uuid, station, state, reason, decided_at, case_state, due, due_estimated, missing, go_to, notice)
                    SELECT d.uuid, d.station, d.state, d.reason, d.decided_at, d.case_state, d.due, d.due_estimated, d.missing, d.go_to, ?
                    FROM decision d JOIN submission s ON s.uuid = d.uuid
                    WHERE s.receipt = ? AND s.channel != ? ORDER BY d.seq DESC LIMIT 1
                    """,
                arguments: [json, receipt, SubmissionChannel.window.rawValue])
        }
    }

    private func encode(_ notice: StationNotice) throws(CenterError) -> Data {
        do {
            return try JSONEncoder().encode(notice)
        } catch {
            throw .database("the notice cannot be encoded: \(error)")
        }
    }
}

extension Center {
    /// Records the notices `station` printed for residents: each once (audited); a decision notice
    /// printed for a decided case delivers it (送达 via the village station, the station acting for
    /// the town's window). Numbers of no notice on this station's cases come back as unknown.
    public func recordNoticePrints(_ prints: [NoticePrint], station: String, calendar: WorkingDayCalendar) async throws(CenterError)
        -> NoticePrintsAnswer
    {
        var answer = NoticePrintsAnswer(recorded: [], unknown: [])
        for print in prints {
            let found = try await database.write { db -> (receipt: String, kind: String, first: Bool)? in
                guard let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.receipt, n.kind, n.station_printed_at FROM notice n JOIN submission s ON s.uuid = n.uuid
                        WHERE n.number = ? AND s.uuid = ? AND s.station = ?
                        """,
                    arguments: [print.number, print.uuid.uuidString, station])
                else { return nil }
                let receipt: String = row["receipt"]
                guard (row["station_printed_at"] as Int64?) == nil else { return (receipt, row["kind"], false) }
                try db.execute(sql: "UPDATE notice SET station_printed_at = ? WHERE number = ?", arguments: [print.printedAt, print.number])
                try CenterDatabase.appendAudit(
                    AuditEvent(at: self.now, event: "notice_printed_at_station", station: station, receipt: receipt, uuid: print.uuid.uuidString,
                               detail: "\(print.number)" + (print.assistant.map { " \($0)" } ?? "")),
                    in: db)
                return (receipt, row["kind"], true)
            }
            guard let found else {
                answer.unknown.append(print.number)
                continue
            }
            answer.recorded.append(print.number)
            guard found.first, found.kind == NoticeKind.decision.rawValue else { continue }
            let state = try await workflow(receipt: found.receipt).file.state
            guard state == .approved || state == .denied else { continue }
            let recipient = "村便民服务站 \(station)" + (print.assistant.map { " 代办员 \($0)" } ?? "")
            try await transition(
                receipt: found.receipt, .deliver(.villageStation, recipient: recipient), actor: CaseActor(id: "station:\(station)", role: .window),
                calendar: calendar)
        }
        return answer
    }
}
