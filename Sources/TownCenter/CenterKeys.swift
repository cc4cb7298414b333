@preconcurrency import Crypto
import FileSystem
import Foundation
import KioskSecurity
import SyncProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Where a center lives: its data (the database, which backups copy) and, apart from it, its keys
/// (root-only, backed up offline), so that a copy of the data opens no submission.
public struct CenterDirectory: Sendable, Hashable {
    /// The data directory.
    public let url: URL
    /// The keys directory (mode 0700).
    public let keys: URL

    /// The directories at `path` and `keys` (default: `PATH-keys`, beside the data directory).
    public init(path: String, keys: String? = nil) {
        url = URL(fileURLWithPath: path).standardizedFileURL
        self.keys = URL(fileURLWithPath: keys ?? url.path + "-keys").standardizedFileURL
    }

    /// The SQLite database.
    public var database: String { url.appendingPathComponent("center.sqlite").path }
    /// The current X25519 private key, which stations seal new submissions to (mode 0600).
    public var agreementKey: String { keys.appendingPathComponent("center-x25519.key").path }
    /// The current X25519 public key.
    public var agreementPublicKey: String { keys.appendingPathComponent("center-x25519.pub").path }
    /// Earlier X25519 private keys, kept to open what was sealed to them (`KEYID.key`).
    public var retiredAgreementKeys: URL { keys.appendingPathComponent("retired") }
    /// The Ed25519 key that signs acknowledgements, decisions and catalogs (mode 0600).
    public var signingKey: String { keys.appendingPathComponent("center-ed25519.key").path }
    /// The audit trail's signed head, beside the signing key and outside the database (mode 0600).
    public var auditAnchor: String { keys.appendingPathComponent("audit-anchor.json").path }
}

/// The center's keys.
public struct CenterKeys: Sendable {
    /// The current X25519 pair: new submissions are sealed to it.
    public let agreement: CenterKeyPair
    /// Earlier pairs, which still open what was sealed to them.
    public let retired: [CenterKeyPair]
    /// Signs answers and catalogs.
    public let signer: CenterSigner

    /// Keys from their parts.
    public init(agreement: CenterKeyPair, retired: [CenterKeyPair] = [], signer: CenterSigner) {
        self.agreement = agreement
        self.retired = retired.filter { $0.keyID != agreement.keyID }
        self.signer = signer
    }

    /// Every X25519 pair held, by key id.
    public var agreementByID: [String: CenterKeyPair] {
        Dictionary(([agreement] + retired).map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Creates the keys directory (0700) with a new Ed25519 key and the X25519 pair `agreement`
    /// (generated when nil); refuses a directory that already holds keys.
    static func create(in directory: CenterDirectory, agreement: CenterKeyPair?) throws(CenterError) -> CenterKeys {
        let path = directory.keys.path
        guard !FileManager.default.fileExists(atPath: directory.signingKey), !FileManager.default.fileExists(atPath: directory.agreementKey)
        else { throw .alreadyInitialized(path: path) }
        do {
            try FileManager.default.createDirectory(at: directory.keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.createDirectory(
                at: directory.retiredAgreementKeys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: path, detail: (error as NSError).localizedDescription)
        }
        try requirePrivate(directory)
        do {
            let pair = agreement ?? CenterKeyPair.generate()
            try pair.write(privateKeyTo: directory.agreementKey, publicKeyTo: directory.agreementPublicKey)
            // The center's Ed25519 key uses the same key-file format as a station's identity.
            let signing = try StationIdentity.create(at: directory.signingKey)
            return CenterKeys(agreement: pair, signer: CenterSigner(key: signing.signingKey))
        } catch {
            throw .key(error)
        }
    }

    /// Loads the keys of `directory`; refuses a keys directory that group or others can enter.
    static func load(from directory: CenterDirectory) throws(CenterError) -> CenterKeys {
        let legacy = directory.url.appendingPathComponent("center-x25519.key").path
        if !FileManager.default.fileExists(atPath: directory.keys.path), FileManager.default.fileExists(atPath: legacy) {
            throw .keysInDataDirectory(data: directory.url.path, keys: directory.keys.path)
        }
        try requirePrivate(directory)
        do {
            // No `retired/` folder: no key was ever rotated out.
            let names = FileManager.default.fileExists(atPath: directory.retiredAgreementKeys.path)
                ? try FileManager.default.contentsOfDirectory(atPath: directory.retiredAgreementKeys.path) : []
            let retired = try names.filter { $0.hasSuffix(".key") }.sorted()
                .map { name throws(KeyFileError) in try CenterKeyPair.load(from: directory.retiredAgreementKeys.appendingPathComponent(name).path) }
            return CenterKeys(
                agreement: try CenterKeyPair.load(from: directory.agreementKey), retired: retired,
                signer: CenterSigner(key: try StationIdentity.load(from: directory.signingKey).signingKey))
        } catch let error as KeyFileError {
            throw .key(error)
        } catch {
            throw .io(path: directory.retiredAgreementKeys.path, detail: (error as NSError).localizedDescription)
        }
    }

    /// Makes a new current X25519 pair; the current one is kept under `retired/` to open what was
    /// sealed to it. Crash-safe: the old key is linked into `retired/` before the new one replaces it.
    static func rotate(in directory: CenterDirectory) throws(CenterError) -> CenterKeys {
        let keys = try load(from: directory)
        let old = keys.agreement
        let next = CenterKeyPair.generate()
        let staged = (key: directory.agreementKey + ".next", pub: directory.agreementPublicKey + ".next")
        for path in [staged.key, staged.pub] { unlink(path) }  // left by an earlier crash
        do {
            try next.write(privateKeyTo: staged.key, publicKeyTo: staged.pub)
        } catch {
            throw .key(error)
        }
        do {
            try FileManager.default.createDirectory(
                at: directory.retiredAgreementKeys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: directory.retiredAgreementKeys.path, detail: (error as NSError).localizedDescription)
        }
        let retiredPath = directory.retiredAgreementKeys.appendingPathComponent("\(old.keyID).key").path
        guard link(directory.agreementKey, retiredPath) == 0 || errno == EEXIST else { throw .io(path: retiredPath, detail: lastError()) }
        try syncDirectory(directory.retiredAgreementKeys.path)
        for (from, to) in [(staged.pub, directory.agreementPublicKey), (staged.key, directory.agreementKey)] {
            guard rename(from, to) == 0 else { throw .io(path: to, detail: lastError()) }
        }
        try syncDirectory(directory.keys.path)
        return CenterKeys(agreement: next, retired: keys.retired + [old], signer: keys.signer)
    }

    private static func requirePrivate(_ directory: CenterDirectory) throws(CenterError) {
        var info = stat()
        guard stat(directory.keys.path, &info) == 0 else {
            throw errno == ENOENT ? .keysMissing(path: directory.keys.path) : .io(path: directory.keys.path, detail: lastError())
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw .keysDirectoryOpen(path: directory.keys.path, mode: mode) }
    }

    private static func syncDirectory(_ path: String) throws(CenterError) {
        do {
            try DurableFile.syncDirectory(path)
        } catch {
            throw .io(path: path, detail: error.description)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
