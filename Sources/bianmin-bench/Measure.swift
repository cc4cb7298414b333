import Foundation

/// Wall-clock samples of one measured operation, in milliseconds.
struct Samples {
    var values: [Double] = []

    /// Times `body` once and keeps the sample.
    mutating func time<T>(_ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        values.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        return result
    }

    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    var median: Double { percentile(0.5) }
}

/// Formats milliseconds for the report.
func ms(_ value: Double) -> String { String(format: "%.3f ms", value) }

/// Prints a result line beside its baseline and the ratio.
func report(_ name: String, _ value: Double, baseline: Double, baselineName: String, goal: String) {
    print(String(format: "  %@: %@   baseline (%@): %@   ratio %.2fx   goal: %@", name, ms(value), baselineName, ms(baseline), value / baseline, goal))
}

/// A scratch directory for one benchmark, removed afterwards.
func withScratchDirectory<T>(_ name: String, in parent: String, _ body: (String) throws -> T) rethrows -> T {
    let dir = parent + "/bianmin-bench-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try body(dir)
}

/// Runs a command with its output discarded; throws when it fails.
func runTool(_ path: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchFailure("\(path) exited \(process.terminationStatus)") }
}
