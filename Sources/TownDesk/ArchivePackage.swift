@preconcurrency import Crypto
import Documents
import FileSystem
import Foundation
import KioskCore
import KioskReceipts
import Spreadsheets
import TownCenter

#if canImport(Glibc)
import Glibc
#endif

/// The manifest of a case's archive package (档案): what it holds, each file's SHA-256, and the case's
/// archive facts; signed with the center's Ed25519 key in `manifest.sig`.
public struct ArchiveManifest: Codable, Sendable, Equatable {
    /// One file of the package.
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        public var bytes: Int
    }

    /// The only format this code writes and reads.
    public static let currentFormat = "bianmin-archive-1"

    public var format: String
    /// The archive number (档号).
    public var archiveNumber: String
    public var receipt: String
    public var matter: String
    public var matterName: String
    public var department: String
    public var station: String
    public var channel: String
    public var receivedOn: String
    public var archivedOn: String
    /// The case's last state before it was archived, e.g. approved, denied, refused.
    public var outcome: String
    /// Years the package is kept; 0 is permanently.
    public var retentionYears: Int
    /// The last day it is kept; nil when kept permanently.
    public var retainUntil: String?
    public var files: [File]
    /// When the manifest was signed, Unix seconds.
    public var signedAt: Int64
    /// The signing key (base64 of the raw Ed25519 public key).
    public var signingKey: String

    enum CodingKeys: String, CodingKey {
        case format, receipt, matter, department, station, channel, outcome, files
        case archiveNumber = "archive_number"
        case matterName = "matter_name"
        case receivedOn = "received_on"
        case archivedOn = "archived_on"
        case retentionYears = "retention_years"
        case retainUntil = "retain_until"
        case signedAt = "signed_at"
        case signingKey = "signing_key"
    }

    /// The bytes `manifest.sig` signs: a domain line, then the manifest file's bytes.
    static func signedMessage(_ manifest: Data) -> Data { Data("BIANMIN-ARCHIVE-1\n".utf8) + manifest }
}

/// Why a package could not be written.
public struct ArchiveFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Writes archived cases' packages: the application form and every notice as PDF, the opened answers
/// as JSON, the case's audit entries, and the signed manifest. A package is written in a hidden
/// folder beside its place and renamed into place once its signature is written, so a killed write
/// leaves no package that verifies.
public struct ArchivePackager: Sendable {
    public let center: Center
    /// The accepting authority printed on the application form.
    public let authority: String

    public init(center: Center, authority: String) {
        self.center = center
        self.authority = authority
    }

    /// The folder of the center's own packages: `DATA/archive`, by year.
    public static func centerFolder(of center: Center, year: Int) -> URL {
        center.directory.url.appendingPathComponent("archive").appendingPathComponent(String(year))
    }

    /// Writes the package of the archived case `receipt` into `folder` (created when missing), its
    /// opening audited as `staff`; returns the manifest and the package's folder.
    @discardableResult
    public func write(receipt: String, into folder: URL, staff: String?) async throws(ArchiveFailure) -> (manifest: ArchiveManifest, url: URL) {
        func fail(_ error: Any) -> ArchiveFailure { ArchiveFailure(description: "\(receipt): \(error)") }
        let record: CaseWorkflowRecord
        let matter: Matter
        let opened: Data
        let history: [AuditEvent]
        let notices: [IssuedNoticeFile]
        let stored: StoredSubmission
        do {
            record = try await center.workflow(receipt: receipt)
            guard record.file.state == .archived, let number = record.file.archiveNumber, !number.isEmpty else {
                throw ArchiveFailure(description: "\(receipt) is \(record.file.state.rawValue), not archived")
            }
            matter = try await center.publishedMatter(record.summary.matter)
            (stored, opened) = try await center.openAnswers(receipt: receipt, staff: staff)
            history = try await center.database.caseHistory(receipt: receipt)
            notices = try await center.database.issuedNotices(uuid: record.summary.uuid)
        } catch let error as ArchiveFailure {
            throw error
        } catch {
            throw fail(error)
        }
        let archiveNumber = record.file.archiveNumber ?? ""
        let answers: Answers
        do {
            answers = try AnswersJSON.decode(opened)
        } catch {
            throw fail(error.message)
        }
        var files: [(name: String, bytes: Data)] = []
        do {
            let form = DocumentComposer.applicationForm(
                receipt: receipt, qrText: stored.receiptQR, assistantID: stored.summary.assistant, matter: matter, answers: answers,
                authority: authority)
            files.append(("application-form.pdf", try Documents.applicationFormPDF(form)))
        } catch {
            throw fail(error)
        }
        for (index, notice) in notices.enumerated() {
            guard let pdf = notice.pdf else { continue }
            files.append((String(format: "notice-%02d-%@.pdf", index + 1, notice.kind), pdf))
        }
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let object = try JSONSerialization.jsonObject(with: opened)
            files.append(("answers.json", try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])))
            files.append(("audit.json", try pretty.encode(history)))
        } catch {
            throw fail(error)
        }
        let archivedOn = record.transitions.last { $0.action == "archive" }.map { ChinaTime.day($0.at) } ?? ChinaTime.day(center.now)
        let retainUntil: String? = matter.retentionYears == 0 ? nil
            : CalendarDate(year: archivedOn.year + matter.retentionYears, month: 12, day: 31)?.description
        let before = record.transitions.last { $0.action == "archive" }?.from ?? record.file.state
        var manifest = ArchiveManifest(
            format: ArchiveManifest.currentFormat, archiveNumber: archiveNumber, receipt: receipt, matter: matter.code,
            matterName: matter.name.zh, department: matter.department.rawValue, station: record.summary.station,
            channel: record.summary.channel.rawValue, receivedOn: ChinaTime.day(record.summary.receivedAt).description,
            archivedOn: archivedOn.description, outcome: before.rawValue, retentionYears: matter.retentionYears, retainUntil: retainUntil,
            files: files.map { .init(name: $0.name, sha256: Self.hex(SHA256.hash(data: $0.bytes)), bytes: $0.bytes.count) },
            signedAt: center.now, signingKey: center.keys.signer.verifier.key.rawRepresentation.base64EncodedString())
        manifest.files.sort { $0.name < $1.name }
        let manifestBytes: Data
        let signature: Data
        do {
            manifestBytes = try pretty.encode(manifest)
            signature = try center.keys.signer.key.signature(for: ArchiveManifest.signedMessage(manifestBytes))
        } catch {
            throw fail(error)
        }
        let url = folder.appendingPathComponent(Self.folderName(archiveNumber))
        do {
            try Self.place(files + [("manifest.json", manifestBytes), ("manifest.sig", Data(signature.base64EncodedString().utf8))], at: url)
        } catch {
            throw fail(error)
        }
        do {
            try await center.database.recordArchivePackage(
                uuid: record.summary.uuid, receipt: receipt, archiveNumber: archiveNumber, path: url.path,
                manifest: Data(SHA256.hash(data: manifestBytes)), now: center.now)
        } catch {
            throw fail(error)
        }
        return (manifest, url)
    }

    /// The package folder's name: the archive number with anything but letters, digits, `-`, `_` and `.` made `_`.
    static func folderName(_ archiveNumber: String) -> String {
        let name = String(archiveNumber.unicodeScalars.map { scalar -> Character in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
        })
        return name.hasPrefix(".") || name.isEmpty ? "_" + name : name
    }

    /// Writes `files` into a hidden folder beside `url`, the signature last, each file and the folder
    /// synced, then renames it to `url` (a package already there is replaced).
    static func place(_ files: [(name: String, bytes: Data)], at url: URL) throws {
        let parent = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            for file in files { try DurableFile.write(file.bytes, to: staging.appendingPathComponent(file.name).path, mode: 0o600) }
            try DurableFile.syncDirectory(staging.path)
            if FileManager.default.fileExists(atPath: url.path) {
                let old = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(UUID().uuidString)")
                try FileManager.default.moveItem(at: url, to: old)
                try? FileManager.default.removeItem(at: old)
            }
            guard rename(staging.path, url.path) == 0 else { throw ArchiveFailure(description: "rename \(staging.path): \(String(cString: strerror(errno)))") }
            try DurableFile.syncDirectory(parent.path)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// Checks an archive package: the manifest's signature, then every file against its SHA-256, and no
/// file the manifest does not name.
public enum ArchiveVerifier {
    /// What verifying found; `problems` names each file changed, missing or added, or the signature.
    public struct Outcome: Sendable {
        public var manifest: ArchiveManifest?
        public var problems: [String]
        public var isValid: Bool { problems.isEmpty }
    }

    /// Verifies the package in `folder`, trusting `key` (the center's signing key), or the key the
    /// manifest names when nil.
    public static func verify(_ folder: URL, trusting key: Curve25519.Signing.PublicKey?) -> Outcome {
        func read(_ name: String) -> Data? { try? Data(contentsOf: folder.appendingPathComponent(name)) }
        guard let manifestBytes = read("manifest.json") else { return Outcome(manifest: nil, problems: ["manifest.json: missing"]) }
        guard let manifest = try? JSONDecoder().decode(ArchiveManifest.self, from: manifestBytes), manifest.format == ArchiveManifest.currentFormat else {
            return Outcome(manifest: nil, problems: ["manifest.json: not a \(ArchiveManifest.currentFormat) manifest"])
        }
        var problems: [String] = []
        let signer = key ?? Data(base64Encoded: manifest.signingKey).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
        if let key, key.rawRepresentation.base64EncodedString() != manifest.signingKey {
            problems.append("manifest.json: signed with another key than the center's")
        }
        let signature = read("manifest.sig").flatMap { Data(base64Encoded: String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
        if signature == nil {
            problems.append("manifest.sig: missing or unreadable")
        } else if let signer, let signature, !signer.isValidSignature(signature, for: ArchiveManifest.signedMessage(manifestBytes)) {
            problems.append("manifest.json: changed (its signature does not verify)")
        }
        for file in manifest.files {
            guard !file.name.contains("/"), let bytes = read(file.name) else {
                problems.append("\(file.name): missing")
                continue
            }
            if ArchivePackager.hex(SHA256.hash(data: bytes)) != file.sha256 || bytes.count != file.bytes {
                problems.append("\(file.name): changed (SHA-256 differs from the manifest)")
            }
        }
        let named = Set(manifest.files.map(\.name) + ["manifest.json", "manifest.sig"])
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for extra in present.sorted() where !named.contains(extra) { problems.append("\(extra): not in the manifest") }
        return Outcome(manifest: manifest, problems: problems)
    }
}

/// A year's archive packages for the county archive: one package per case archived that year, and
/// an index of them as CSV and XLSX.
public enum ArchiveExport {
    /// The index's column titles.
    static let columns: [(title: String, width: Double)] = [
        ("档号", 18), ("回执编号", 22), ("事项代码", 12), ("事项名称", 36), ("部门", 12), ("村站", 8), ("渠道", 10), ("收件日期", 12),
        ("归档日期", 12), ("办理结果", 12), ("保管期限(年,0为永久)", 12), ("保管至", 12), ("文件数", 8),
    ]

    /// Writes the packages of every case archived in `year` into `folder`, then `index.csv` and
    /// `index.xlsx`; calls `progress` after each package. Returns the manifests written.
    public static func write(
        year: Int, into folder: URL, packager: ArchivePackager, staff: String?,
        progress: (_ done: Int, _ total: Int, _ archiveNumber: String) -> Void = { _, _, _ in }
    ) async throws(ArchiveFailure) -> [ArchiveManifest] {
        let receipts: [String]
        do {
            receipts = try await packager.center.database.archivedCases(year: year)
        } catch {
            throw ArchiveFailure(description: error.description)
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ArchiveFailure(description: "\(folder.path): \(error.localizedDescription)")
        }
        // What a killed export left half written (never a package: it has no signature yet).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") && name.contains(".partial-") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        var manifests: [ArchiveManifest] = []
        for (index, receipt) in receipts.enumerated() {
            let written = try await packager.write(receipt: receipt, into: folder, staff: staff)
            manifests.append(written.manifest)
            progress(index + 1, receipts.count, written.manifest.archiveNumber)
        }
        let sheet = SpreadsheetSheet(
            name: "\(year)年归档目录", columns: columns,
            rows: manifests.map { manifest in
                [manifest.archiveNumber, manifest.receipt, manifest.matter, manifest.matterName, manifest.department, manifest.station,
                 manifest.channel].map { SpreadsheetCell.text($0) }
                    + [CalendarDate(iso: manifest.receivedOn).map(SpreadsheetCell.date) ?? .empty,
                       CalendarDate(iso: manifest.archivedOn).map(SpreadsheetCell.date) ?? .empty, .text(manifest.outcome),
                       .number(Double(manifest.retentionYears)), manifest.retainUntil.flatMap(CalendarDate.init(iso:)).map(SpreadsheetCell.date) ?? .text("永久"),
                       .number(Double(manifest.files.count))]
            })
        do {
            try DurableFile.write(Data(CSV.text(sheet).utf8), to: folder.appendingPathComponent("index.csv").path, mode: 0o600)
            try XLSX.write([sheet], to: folder.appendingPathComponent("index.xlsx").path)
        } catch {
            throw ArchiveFailure(description: "the index in \(folder.path): \(error)")
        }
        return manifests
    }
}
