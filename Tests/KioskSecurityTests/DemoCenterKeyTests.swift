import Foundation
import KioskSecurity
import Testing

@Suite struct DemoCenterKeyTests {
    let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("kiosk-config/demo-center").path

    @Test func demoPrivateKeyMatchesThePublishedPublicKey() throws {
        let publicKey = try CenterPublicKey.load(from: directory + "/center-x25519.pub")
        // Git does not keep the 0600 mode: load a private copy.
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let copy = scratch + "/center.key"
        try FileManager.default.copyItem(atPath: directory + "/DEMO-ONLY-center-x25519.key", toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
        let pair = try CenterKeyPair.load(from: copy)
        #expect(pair.publicKey == publicKey)
        let readme = try String(contentsOfFile: directory + "/README.md", encoding: .utf8)
        #expect(readme.contains("`\(publicKey.keyID)`"))
    }
}
