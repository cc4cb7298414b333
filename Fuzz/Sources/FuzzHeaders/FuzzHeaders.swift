import CFuzzer
import Crypto
import Foundation
import KioskSecurity
import SyncProtocol

/// The fixed station key the seed header sets of Fuzz/Corpus/FuzzHeaders are signed with.
let station = StationPublicKey(
    stationID: "XK01", key: (try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))).publicKey)
/// The fixed "now" the seeds were signed at (2026-02-28 04:00 UTC).
let now = Date(timeIntervalSince1970: 1_772_251_200)
/// The header names, in the order of the input's lines.
let names = [
    SyncHeader.station, SyncHeader.date, SyncHeader.nonce, SyncHeader.contentSHA256, SyncHeader.signature,
]

/// libFuzzer entry: the input's lines are method, target, then the five `X-Bianmin-*` header values (an
/// empty line is a missing header), and the rest is the body; verifies them as the center does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let lines = Data(bytes: data, count: size).split(separator: UInt8(ascii: "\n"), maxSplits: 7, omittingEmptySubsequences: false)
    func line(_ index: Int) -> String? {
        guard index < lines.count, !lines[index].isEmpty else { return nil }
        return String(decoding: lines[index], as: UTF8.self)
    }
    var headers: [String: String] = [:]
    for (index, name) in names.enumerated() { headers[name.lowercased()] = line(2 + index) }
    let body = lines.count > 7 ? Data(lines[7]) : Data()
    _ = try? RequestAuthenticator.verify(
        method: line(0) ?? "POST", target: line(1) ?? "/", body: body, header: { headers[$0.lowercased()] }, key: station.key, now: now)
    return 0
}

/// Starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() { exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv)) }
}
