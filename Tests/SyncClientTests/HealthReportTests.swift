import Foundation
import KioskStore
import SyncClient
import SyncProtocol
import Testing
import TestSupport
import TownCenter

@Suite("Station health with each forward round", .serialized)
struct HealthReportTests {
    @Test("each round ends with the station's health: queue depth, oldest unsent, printers, disk, version; the center keeps the last")
    func roundReportsHealth() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        try rig.kiosk.queueSubmissions(3)
        var forwarder = try rig.kiosk.forwarder()
        let printers = [
            PrinterHealth(role: .forms, queue: "bianmin-a4", state: .idle, problem: nil),
            PrinterHealth(role: .receipts, queue: "bianmin-receipt", state: .stopped, problem: "media-empty"),
        ]
        forwarder.printers = { printers }

        let before = try await forwarder.health()
        #expect(before.queueDepth == 3 && (before.oldestUnsentSeconds ?? -1) >= 0)
        let report = try await forwarder.round()
        #expect(report.acknowledged == 3 && report.healthReported)

        let kept = try #require(try await rig.center.open().database.stationOverview().first { $0.id == rig.kiosk.station }?.health)
        #expect(kept.report.queueDepth == 0 && kept.report.oldestUnsentSeconds == nil)
        #expect(kept.report.printers == printers)
        #expect(kept.report.version == SoftwareVersion.current && (kept.report.diskFreeBytes ?? 0) > 0)
        #expect(kept.report.catalogVersion != nil)
    }

    @Test("a report out of range is refused with bad_health and the kept report stays")
    func hostileReportsAreRefused() async throws {
        let rig = try await SyncRig()
        defer { rig.remove() }
        let forwarder = try rig.kiosk.forwarder()
        #expect(try await forwarder.round().healthReported)
        let good = try await forwarder.health()
        var bad: [StationHealth] = []
        func variant(_ change: (inout StationHealth) -> Void) {
            var report = good
            change(&report)
            bad.append(report)
        }
        variant { $0.queueDepth = -1 }
        variant { $0.oldestUnsentSeconds = Int.max }
        variant { $0.diskFreeBytes = Int64.min }
        variant { $0.version = "" }
        variant { $0.version = String(repeating: "9", count: 41) }
        variant { $0.lastError = "line one\nline two" }
        variant { $0.lastError = String(repeating: "错", count: StationHealth.maxText + 1) }
        variant { $0.printers = Array(repeating: PrinterHealth(role: .forms, queue: "q", state: .idle, problem: nil), count: 9) }
        variant { $0.printers = [PrinterHealth(role: .forms, queue: "../etc passwd", state: .idle, problem: nil)] }
        variant { $0.printers = [PrinterHealth(role: .forms, queue: "q", state: .idle, problem: String(repeating: "x", count: 101))] }
        variant { $0.at = -5 }
        for report in bad {
            await #expect(throws: SyncError.self, "\(report)") { try await forwarder.client.reportHealth(report) }
        }
        let kept = try #require(try await rig.center.open().database.stationOverview().first { $0.id == rig.kiosk.station }?.health)
        #expect(kept.report.comparable == good.comparable)
    }

    @Test("kiosk forward --once reports the printers as a real cupsd sees them", .needsRoot("a private cupsd"))
    func printersFromCups() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        let cups = try PrivateCups()
        try cups.admin("cupsdisable", ["bianmin-receipt"])
        let result = try run("kiosk", ["forward", "--once", "--json"] + rig.common, environment: ["CUPS_SERVER": cups.server])
        #expect(result.status == 0, "\(result.stderr)")
        let kept = try #require(try await rig.center.open().database.stationOverview().first { $0.id == rig.kiosk.station }?.health)
        #expect(kept.report.printers == [
            PrinterHealth(role: .forms, queue: "bianmin-a4", state: .idle, problem: nil),
            PrinterHealth(role: .receipts, queue: "bianmin-receipt", state: .stopped, problem: "paused"),
        ])
        cups.stop()
        #expect(try run("kiosk", ["forward", "--once"] + rig.common, environment: ["CUPS_SERVER": cups.server]).status == 0)
        let unreachable = try #require(try await rig.center.open().database.stationOverview().first { $0.id == rig.kiosk.station }?.health)
        #expect(unreachable.report.printers.map(\.state) == [.unreachable, .unreachable])
    }
}

extension StationHealth {
    /// The report without what changes between two readings (the time, the free disk).
    var comparable: StationHealth {
        var report = self
        report.at = 0
        report.diskFreeBytes = nil
        return report
    }
}
