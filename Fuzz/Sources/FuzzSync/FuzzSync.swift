import CFuzzer
import Foundation
import SyncProtocol

/// libFuzzer entry: decodes the input as every JSON message of the sync link (what the center and the kiosk read).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? SyncJSON.decode(SubmissionBatch.self, from: bytes)
    _ = try? SyncJSON.decode(BatchResult.self, from: bytes)
    _ = try? SyncJSON.decode(UpdatesPage.self, from: bytes)
    _ = try? SyncJSON.decode(EnrollRequest.self, from: bytes)
    _ = try? SyncJSON.decode(EnrollResponse.self, from: bytes)
    _ = try? SyncJSON.decode(APIErrorBody.self, from: bytes)
    _ = try? SyncJSON.decode(CatalogBundle.self, from: bytes)
    _ = try? SyncJSON.decode(BundleAnswer.self, from: bytes)
    return 0
}

/// Starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() { exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv)) }
}
