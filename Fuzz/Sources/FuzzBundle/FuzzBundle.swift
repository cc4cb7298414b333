import CFuzzer
import Crypto
import Foundation
import KioskSecurity
import SyncProtocol

/// The fixed key the seed bundles of Fuzz/Corpus/FuzzBundle are signed with, as station XK01's.
let station = StationPublicKey(
    stationID: "XK01", key: (try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))).publicKey)
/// The same key as the center's (it signs the seed answer bundle).
let center = CenterVerifier(key: station.key)

/// libFuzzer entry: reads the input as a USB bundle (and, when it is gzip, as the bundle it inflates to) and
/// verifies it both as the center (submissions) and as the kiosk (an answer) does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    check(bytes)
    if let inflated = try? Gzip.decompress(bytes, limit: 1 << 20) { check(inflated) }
    return 0
}

/// Parses and verifies one bundle every way it can be read.
func check(_ bytes: Data) {
    guard let bundle = try? TransferBundle(data: bytes) else { return }
    _ = try? bundle.verifiedSubmissions(key: station)
    _ = try? bundle.verifiedAnswer(verifier: center, station: station.stationID)
}

/// Starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() { exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv)) }
}
