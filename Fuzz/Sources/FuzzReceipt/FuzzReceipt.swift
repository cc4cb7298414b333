import CFuzzer
import Crypto
import Foundation
import KioskCore
import KioskSecurity

/// The fixed key the seed receipts of Fuzz/Corpus/FuzzReceipt are signed with (station XK01).
let key = StationPublicKey(
    stationID: "XK01", key: (try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))).publicKey)

/// libFuzzer entry: parses the input as receipt QR text (`BM1:` + Base45) and verifies it as the center does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Base45.decode(text)
    if let receipt = try? SignedReceipt(qrText: text) {
        _ = try? receipt.verify(with: key)
        _ = receipt.record.receiptNumber.description
    }
    _ = try? ReceiptVerifier(trusting: [key]).verify(qrText: text)
    return 0
}

/// Starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() { exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv)) }
}
