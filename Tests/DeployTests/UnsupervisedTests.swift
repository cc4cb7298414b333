import Foundation
import Testing
import TestSupport

/// The services outside systemd (no `NOTIFY_SOCKET`): the notifier must not end them.
@Suite("services without systemd")
struct UnsupervisedTests {
    @Test("towncenter serve keeps serving without NOTIFY_SOCKET and stops cleanly on SIGTERM")
    func centerKeepsServing() throws {
        try #require(ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil)
        let directory = try TemporaryDirectory()
        let data = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", data]).status == 0)
        let center = try ServedCenter(data: data)
        usleep(1_500_000)
        #expect(center.process.isRunning, "towncenter serve ended by itself")
        #expect(center.terminate() == 0)
    }
}
