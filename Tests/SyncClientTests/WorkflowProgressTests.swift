import Foundation
import KioskCore
import KioskStore
import SyncClient
import SyncProtocol
import Testing
import TownCenter
import TestSupport

@Suite("Case workflow back to the village", .serialized)
struct WorkflowProgressTests {
    @Test("the kiosk learns the workflow state, the due date, the missing list and where to go from its round")
    func kioskLearnsTheWorkflow() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let (center, kiosk) = (rig.center, rig.kiosk)
        let queued = try kiosk.queueSubmissions(3)
        #expect(try await kiosk.forwarder().round().acknowledged == 3)

        let staff = try center.open()
        try await staff.database.addStaff(
            StaffAccount(id: "win", name: "win", role: .window, department: nil, disabled: false, createdAt: staff.now),
            passwordHash: "not-a-password")
        // No holiday calendar: the due date is counted on weekends alone and marked as an estimate.
        let calendar = WorkingDayCalendar(schedules: [])
        try await staff.transition(receipt: queued[0].receipt, .requestSupplement(items: ["户口簿复印件", "收入证明"]), staff: "win", calendar: calendar)
        try await staff.transition(receipt: queued[1].receipt, .refuse(reason: "不属本镇受理", goTo: "县民政局"), staff: "win", calendar: calendar)
        try await staff.transition(receipt: queued[2].receipt, .accept, staff: "win", calendar: calendar)
        try await staff.transition(receipt: queued[2].receipt, .suspend(.inspection, reason: "现场勘察"), staff: "win", calendar: calendar)

        #expect(try await kiosk.forwarder().round().decisions == 4)
        let supplement = try #require(try kiosk.queue.find(receipt: queued[0].receipt))
        #expect(supplement.decision == .needsMore)
        #expect(supplement.progress?.state == "needs_supplement")
        #expect(supplement.progress?.missing == ["户口簿复印件", "收入证明"])
        #expect(supplement.status(.zhHans) == "需补充材料")
        #expect(supplement.decisionReason == "户口簿复印件；收入证明")
        let refused = try #require(try kiosk.queue.find(receipt: queued[1].receipt))
        #expect(refused.decision == .rejected && refused.progress?.goTo == "县民政局")
        let suspended = try #require(try kiosk.queue.find(receipt: queued[2].receipt))
        #expect(suspended.decision == .accepted)
        #expect(suspended.status(.zhHans) == "现场勘察等程序中,不计办理时间")
        #expect(suspended.progress?.due != nil && suspended.progress?.dueEstimated == true)

        // A state this kiosk does not know leaves the closest of the four states shown.
        var unknown = suspended
        unknown.progress?.state = "mediation"
        #expect(unknown.status(.zhHans) == "已受理")
    }
}
