import CFuzzer
import Foundation
@testable import KioskConfig

/// libFuzzer entry: reads the input as catalog YAML, both as a matter file and as `catalog.yaml`, with the
/// loader's own reader (the text of each file the loader reads; nothing touches the disk).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let diagnostics = Diagnostics()
    guard let node = diagnostics.compose(text, path: "matters/FUZZ.yaml") else { return 0 }
    _ = MatterReader(path: "matters/FUZZ.yaml", diagnostics: diagnostics).matter(node)
    if let reader = MappingReader(node, path: "catalog.yaml", diagnostics: diagnostics, what: "catalog.yaml") {
        reader.rejectUnknownKeys(allowed: ["version", "county"])
        _ = reader.string("version")
        _ = reader.string("county")
    }
    return 0
}

/// Starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() { exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv)) }
}
