import AsyncHTTPClient
@preconcurrency import Crypto
import Foundation
import GRDB
import KioskCore
import Logging
import NIOCore
import ServiceLifecycle

/// Where a county department receives its notifications, and the secret its pushes are signed with.
public struct DepartmentEndpoint: Sendable, Hashable {
    /// The department.
    public var department: Department
    /// The HTTPS address notifications are POSTed to.
    public var url: String
    /// The shared secret of the HMAC-SHA256 signature header.
    public var secret: Data

    /// An endpoint from its parts.
    public init(department: Department, url: String, secret: Data) {
        self.department = department
        self.url = url
        self.secret = secret
    }
}

extension CenterDatabase {
    /// Sets `department`'s endpoint, or removes it with nil (its notifications then wait to be signed for).
    public func setEndpoint(of department: Department, to endpoint: DepartmentEndpoint?) async throws(CenterError) {
        try await write { db in
            if let endpoint {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO department_endpoint (department, url, secret) VALUES (?, ?, ?)",
                    arguments: [department.rawValue, endpoint.url, endpoint.secret])
            } else {
                try db.execute(sql: "DELETE FROM department_endpoint WHERE department = ?", arguments: [department.rawValue])
            }
            try Self.appendAudit(
                AuditEvent(at: Int64(Date().timeIntervalSince1970), event: "endpoint_set", detail: "\(department.rawValue) \(endpoint?.url ?? "-")"),
                in: db)
        }
    }

    /// Up to `limit` undelivered notifications whose department has an endpoint and whose next try is due at `now`, oldest first.
    func duePushes(now: Int64, limit: Int) async throws(CenterError) -> [(notification: CaseNotification, endpoint: DepartmentEndpoint)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT n.id, n.receipt, n.matter, n.department, n.event, n.staff, n.detail, n.created_at, n.signed_by, n.signed_at,
                        e.url, e.secret
                    FROM notification n INDEXED BY notification_pending JOIN department_endpoint e ON e.department = n.department
                    WHERE n.delivered_at IS NULL AND n.next_attempt_at <= ? ORDER BY n.next_attempt_at, n.id LIMIT ?
                    """,
                arguments: [now, limit]
            ).compactMap { row in
                guard let notification = Self.notification(row), let department = Department(rawValue: row["department"]) else { return nil }
                return (notification, DepartmentEndpoint(department: department, url: row["url"], secret: row["secret"]))
            }
        }
    }

    /// Records a push of notification `id` at `now`: acknowledged, or failed with `error` and tried again at `retryAt`.
    func recordPush(id: Int64, acknowledged: Bool, error: String?, retryAt: Int64, now: Int64) async throws(CenterError) {
        try await write { db in
            if acknowledged {
                try db.execute(
                    sql: "UPDATE notification SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", arguments: [now, id])
            } else {
                try db.execute(
                    sql: "UPDATE notification SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [retryAt, error, id])
            }
        }
    }

    /// How many failed pushes notification `id` has had so far.
    func pushAttempts(id: Int64) async throws(CenterError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT attempts FROM notification WHERE id = ?", arguments: [id]) ?? 0 }
    }
}

/// Delivers the outbox to the departments that have an endpoint: each notification POSTed as JSON
/// with an `Idempotency-Key` (its outbox number) and an `X-Bianmin-Signature` (`sha256=` and the
/// HMAC-SHA256 of the body with the department's secret), tried again with a doubling delay (1 s up
/// to 5 minutes) until a 2xx answer. What it has to do lives in the database, so a restart goes on
/// where it stopped; a receiver that honours the key sees each notification once.
public struct NotificationPusher: Service {
    /// The longest wait between two tries of one notification, in seconds.
    public static let longestRetry: Int64 = 300

    let center: Center
    let http: HTTPClient
    let interval: Duration
    let timeout: TimeAmount
    let logger: Logger

    /// A pusher for `center`'s outbox that looks every `interval` and gives a receiver `timeout` to answer.
    public init(center: Center, http: HTTPClient, interval: Duration = .seconds(1), timeout: TimeAmount = .seconds(10), logger: Logger) {
        self.center = center
        self.http = http
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    /// The value of the signature header of `body` under `secret`.
    public static func signature(of body: Data, secret: Data) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
    }

    /// Seconds to wait after the `attempts`th failed try: 1, 2, 4 … up to `longestRetry`.
    public static func retryDelay(afterAttempts attempts: Int) -> Int64 {
        attempts >= 10 ? longestRetry : min(longestRetry, Int64(1) << Int64(max(0, attempts - 1)))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await round()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over the due notifications; returns how many were acknowledged.
    public func round() async -> Int {
        let due: [(notification: CaseNotification, endpoint: DepartmentEndpoint)]
        do {
            due = try await center.database.duePushes(now: center.now, limit: 50)
        } catch {
            logger.error("push: the outbox could not be read: \(error)")
            return 0
        }
        var acknowledged = 0
        for (notification, endpoint) in due {
            if Task.isCancelled { break }
            let failure = await push(notification, to: endpoint)
            do {
                let attempts = try await center.database.pushAttempts(id: notification.id) + 1
                try await center.database.recordPush(
                    id: notification.id, acknowledged: failure == nil, error: failure,
                    retryAt: center.now + Self.retryDelay(afterAttempts: attempts), now: center.now)
            } catch {
                logger.error("push: notification \(notification.id)'s delivery could not be recorded: \(error)")
            }
            if let failure {
                logger.warning("push: notification \(notification.id) to \(endpoint.department.rawValue): \(failure)")
            } else {
                acknowledged += 1
            }
        }
        return acknowledged
    }

    /// POSTs `notification`; nil when the receiver acknowledged it, else why not.
    func push(_ notification: CaseNotification, to endpoint: DepartmentEndpoint) async -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(notification) else { return "the notification could not be encoded" }
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: "bianmin-notification-\(notification.id)")
        request.headers.add(name: "X-Bianmin-Signature", value: Self.signature(of: body, secret: endpoint.secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 << 10)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            return String(describing: error)
        }
    }
}
