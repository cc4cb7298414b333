import Foundation
import KioskStore
import Testing
import TestSupport

@Suite("The signed audit head when a command exits")
struct AuditHeadExitTests {
    @Test("each kiosk submit leaves the signed head at its trail's last entry when its process has exited")
    func headFollowsTheLastCommitAtExit() throws {
        let dir = try KioskDataDir()
        for _ in 0..<5 {
            let submitted = try run("kiosk", ["submit", "--matter", "RS-GG-01", "--answers", dir.answers, "--data", dir.path])
            #expect(submitted.status == 0, "\(submitted.stderr)")
            let queue = try dir.open()
            let trail = try queue.auditHead()
            let head = try #require(try queue.database.anchor?.read())
            #expect(head.count == trail.count && head.head == trail.head)
        }
    }
}
