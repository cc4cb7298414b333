import Foundation
import SyncClient
import SyncProtocol
import Testing

@Suite("Backoff and schedule")
struct BackoffTests {
    @Test("the wait doubles per failure, stays between half and all of it, and is capped")
    func backoff() {
        let policy = BackoffPolicy(base: 2, cap: 300)
        #expect(policy.delay(afterFailures: 1, unit: 0) == 1)
        #expect(policy.delay(afterFailures: 1, unit: 0.999_999) < 2)
        #expect(policy.delay(afterFailures: 2, unit: 0) == 2)
        #expect(policy.delay(afterFailures: 5, unit: 0) == 16)
        for failures in [9, 10, 50, 1000, Int.max] {
            let low = policy.delay(afterFailures: failures, unit: 0)
            let high = policy.delay(afterFailures: failures, unit: 0.999_999)
            #expect(low == 150)
            #expect(high <= 300 && high > 299)
        }
        // Out-of-range inputs are clamped, never negative or beyond the cap.
        #expect(policy.delay(afterFailures: 0, unit: -5) == 1)
        #expect(policy.delay(afterFailures: 3, unit: 7) == 8)
    }

    @Test("jitter spreads stations that failed together")
    func jitterSpreads() {
        let policy = BackoffPolicy()
        let waits = Set((0..<50).map { policy.delay(afterFailures: 4, unit: Double($0) / 50) })
        #expect(waits.count == 50)
        #expect(waits.allSatisfy { (8...16).contains($0) })
    }

    @Test("failures push the next attempt out; a success resets to the poll interval")
    func schedule() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var schedule = SyncSchedule(backoff: BackoffPolicy(base: 2, cap: 60), pollInterval: 30)
        #expect(schedule.isDue(at: start))
        schedule.failed(at: start, unit: 0)
        #expect(schedule.consecutiveFailures == 1)
        #expect(schedule.nextAttempt == start.addingTimeInterval(1))
        #expect(!schedule.isDue(at: start.addingTimeInterval(0.5)))
        #expect(schedule.isDue(at: start.addingTimeInterval(1)))
        for _ in 0..<10 { schedule.failed(at: start, unit: 0.5) }
        #expect(schedule.consecutiveFailures == 11)
        #expect(schedule.nextAttempt == start.addingTimeInterval(45))
        schedule.succeeded(at: start)
        #expect(schedule.consecutiveFailures == 0)
        #expect(schedule.nextAttempt == start.addingTimeInterval(30))
    }
}

@Suite("One round's steps")
struct SyncRoundTests {
    func page(_ decisions: Int, more: Bool, cursor: String, catalog: String = "v1") -> UpdatesPage {
        UpdatesPage(
            decisions: (0..<decisions).map { _ in
                DecisionUpdate(uuid: UUID(), receipt: "R", state: .accepted, reason: nil, decidedAt: 0)
            }, cursor: cursor, more: more, catalogVersion: catalog, centerPublicKey: "", keyID: "")
    }

    @Test("full batches are followed by more batches until a short one, then every updates page")
    func drainThenPull() {
        var round = SyncRound(cursor: "d4", localCatalogVersion: "v1")
        #expect(round.step == .sendBatch)
        round.batchAnswered(sent: 100, resolved: 100, full: true, centerCatalogVersion: "v1")
        #expect(round.step == .sendBatch)
        round.batchAnswered(sent: 30, resolved: 30, full: false, centerCatalogVersion: "v1")
        #expect(round.step == .pullUpdates(after: "d4"))
        round.updatesReceived(page(200, more: true, cursor: "d204"))
        #expect(round.step == .pullUpdates(after: "d204"))
        round.updatesReceived(page(3, more: false, cursor: "d207"))
        #expect(round.step == .finished)
        #expect(round.cursor == "d207")
    }

    @Test("an empty queue goes straight to updates; a batch that resolved nothing stops sending")
    func noLoop() {
        var empty = SyncRound(cursor: nil, localCatalogVersion: "v1")
        empty.nothingToSend()
        #expect(empty.step == .pullUpdates(after: nil))

        var stuck = SyncRound(cursor: nil, localCatalogVersion: "v1")
        stuck.batchAnswered(sent: 100, resolved: 0, full: true, centerCatalogVersion: "v1")
        #expect(stuck.step == .pullUpdates(after: nil))
    }

    @Test("a different catalog version at the center means fetching it; the same one does not")
    func catalog() {
        var round = SyncRound(cursor: nil, localCatalogVersion: "v1")
        round.nothingToSend()
        round.updatesReceived(page(0, more: false, cursor: "d0", catalog: "v2"))
        #expect(round.step == .fetchCatalog)
        round.catalogHandled()
        #expect(round.step == .finished)

        var fresh = SyncRound(cursor: nil, localCatalogVersion: nil)
        fresh.nothingToSend()
        fresh.updatesReceived(page(0, more: false, cursor: "d0", catalog: "v1"))
        #expect(fresh.step == .fetchCatalog)
    }
}

@Suite("Reading a signed batch answer")
struct AcknowledgementPlanTests {
    @Test("stored and duplicate are acknowledged, rejected and conflict set aside with a reason, missing ones stay pending")
    func plan() {
        let ids = (0..<5).map { _ in UUID() }
        let stranger = UUID()
        let plan = AcknowledgementPlan(sent: ids, results: [
            ItemResult(uuid: ids[0], outcome: .stored),
            ItemResult(uuid: ids[1], outcome: .duplicate),
            ItemResult(uuid: ids[2], outcome: .rejected, reason: .unknownMatter, detail: "no published catalog has ZZ-99"),
            ItemResult(uuid: ids[3], outcome: .conflict, reason: .conflict),
            ItemResult(uuid: stranger, outcome: .stored),
        ])
        #expect(plan.acknowledge == [ids[0], ids[1]])
        #expect(Set(plan.setAside.keys) == [ids[2], ids[3]])
        #expect(plan.setAside[ids[2]]?.contains("unknown_matter") == true)
        #expect(plan.setAside[ids[2]]?.contains("中心不认识该事项") == true)
        #expect(plan.unanswered == [ids[4]])
        #expect(plan.resolved == 4)
    }
}
