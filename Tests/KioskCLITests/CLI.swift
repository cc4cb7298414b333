import Foundation
import Testing
import TestSupport


/// What a finished command printed and how it exited.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a built executable of this package (`kiosk`, `towncenter`), or an `absolute` path, with `arguments`.
func run(_ program: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], in directory: URL = packageRoot, absolute: Bool = false) throws -> CommandResult {
    let process = Process()
    process.executableURL = absolute ? URL(fileURLWithPath: program) : builtProducts.appendingPathComponent(program)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe never blocks the child.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

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
