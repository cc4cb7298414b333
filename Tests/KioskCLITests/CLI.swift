import Foundation
import Testing
import TestSupport

/// The expected output stored in `Snapshots/NAME`; set `BIANMIN_RECORD=1` to write it anew.
func snapshot(_ name: String, _ actual: String) throws {
    let url = packageRoot.appendingPathComponent("Tests/KioskCLITests/Snapshots/\(name)")
    if ProcessInfo.processInfo.environment["BIANMIN_RECORD"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "snapshot \(name) differs; BIANMIN_RECORD=1 rewrites it")
}
