import Foundation
import KioskSecurity
import Testing
import TestSupport

/// A fresh empty directory under the system temp directory.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bianmin-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    return path
}


@Suite struct KeyFileTests {
    @Test func stationKeyIsCreatedPrivateAndLoadsBack() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/station-ed25519.key"
        let created = try StationIdentity.create(at: path)
        #expect(try permissions(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["station-ed25519.key"])
        let loaded = try StationIdentity.load(from: path)
        #expect(loaded.publicKeyBase64 == created.publicKeyBase64)
        #expect(Data(base64Encoded: created.publicKeyBase64)?.count == 32)
        #expect(created.fingerprint.wholeMatch(of: /[0-9a-f]{4}(-[0-9a-f]{4}){7}/) != nil)
        #expect(loaded.fingerprint == created.fingerprint)
        #expect(StationPublicKey(stationID: "XH03", base64: created.publicKeyBase64)?.fingerprint == created.fingerprint)
    }

    @Test func existingKeyIsNeverOverwritten() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/station-ed25519.key"
        let first = try StationIdentity.create(at: path)
        #expect(throws: KeyFileError.alreadyExists(path: path)) { try StationIdentity.create(at: path) }
        #expect(try StationIdentity.load(from: path).publicKeyBase64 == first.publicKeyBase64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func loadRefusesKeyReadableByOthers(mode: Int) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/station-ed25519.key"
        _ = try StationIdentity.create(at: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect(throws: KeyFileError.tooOpen(path: path, mode: UInt16(mode))) { try StationIdentity.load(from: path) }
        let error = KeyFileError.tooOpen(path: path, mode: UInt16(mode))
        #expect(error.description.contains(path) && error.description.contains("chmod 600"))
    }

    @Test func missingAndMalformedFilesAreNamed() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = directory + "/nope.key"
        #expect(throws: KeyFileError.notFound(path: missing)) { try StationIdentity.load(from: missing) }
        let noDirectory = directory + "/no/such.key"
        #expect(throws: KeyFileError.system(path: noDirectory, operation: "create", code: ENOENT)) {
            try StationIdentity.create(at: noDirectory)
        }
        let garbage = directory + "/garbage.key"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data("not a key!\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: KeyFileError.malformed(path: garbage, reason: "not base64 text")) {
            try StationIdentity.load(from: garbage)
        }
        let short = directory + "/short.key"
        #expect(FileManager.default.createFile(atPath: short, contents: Data("AAAA\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: KeyFileError.self) { try CenterKeyPair.load(from: short) }
        #expect(throws: KeyFileError.self) { try CenterPublicKey.load(from: short) }
    }

    @Test func centerKeyPairFilesRoundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let privatePath = directory + "/center.key"
        let publicPath = directory + "/center.pub"
        let pair = try CenterKeyPair.create(privateKeyPath: privatePath, publicKeyPath: publicPath)
        #expect(try permissions(privatePath) == 0o600)
        #expect(try permissions(publicPath) == 0o644)
        let publicKey = try CenterPublicKey.load(from: publicPath)
        #expect(publicKey == pair.publicKey)
        #expect(try CenterKeyPair.load(from: privatePath).keyID == pair.keyID)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: privatePath)
        #expect(throws: KeyFileError.tooOpen(path: privatePath, mode: 0o644)) { try CenterKeyPair.load(from: privatePath) }
    }
}
