import FileSystem
import Foundation
import KioskCore
import KioskSecurity
import KioskStore
import SyncProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Why a USB transfer failed; `reason` is what the assistant is told.
public enum TransferError: Error, Sendable, CustomStringConvertible {
    /// The stick is full: nothing was written, the queue is untouched.
    case stickFull(path: String, detail: String)
    /// The stick (or the folder on it) is not there, or went away while writing.
    case stickMissing(path: String, detail: String)
    /// Another file error on the stick.
    case io(path: String, detail: String)
    /// A bundle was refused.
    case bundleRefused(path: String, BundleError)
    /// The folder holds no answer bundle.
    case noAnswers(path: String)
    /// The station is not enrolled (no center key to check answers with).
    case notEnrolled
    /// The local queue failed.
    case store(String)

    public var description: String {
        switch self {
        case .stickFull(let path, let detail): "\(path): the USB stick is full (\(detail)); nothing was written"
        case .stickMissing(let path, let detail): "\(path): the USB stick is missing or was removed (\(detail))"
        case .io(let path, let detail): "\(path): \(detail)"
        case .bundleRefused(let path, let error): "\(path): refused: \(error.description)"
        case .noAnswers(let path): "\(path): no answer bundle (*.answer.\(TransferBundle.fileExtension)) found"
        case .notEnrolled: "this station is not enrolled at a town center; run `kiosk enroll --center URL --token T`"
        case .store(let detail): detail
        }
    }

    /// Why, for the assistant screen's words.
    public var reason: FailureReason {
        switch self {
        case .stickFull: .usbFull
        case .stickMissing: .usbMissing
        case .io: .usbError
        case .bundleRefused: .usbBundleRefused
        case .noAnswers: .usbNoAnswers
        case .notEnrolled: .notEnrolled
        case .store: .storeFailed
        }
    }
}

/// What `export` wrote.
public struct ExportReport: Codable, Sendable, Hashable {
    /// The bundle's path.
    public var path: String
    /// Submissions in it.
    public var items: Int
    /// Its size in bytes.
    public var bytes: Int
}

/// What importing answer bundles did.
public struct AnswerImportReport: Codable, Sendable, Hashable {
    /// The answer bundles read.
    public var files: [String] = []
    /// Submissions newly acknowledged.
    public var acknowledged = 0
    /// Items the center rejected or found in conflict (set aside while still pending).
    public var rejected = 0
    /// Decisions newly stored.
    public var decisions = 0
    /// The catalog version applied.
    public var catalogApplied: String?
    /// Why the carried catalog was not applied.
    public var catalogRefused: String?

    /// An empty report.
    public init() {}
}

/// Carries a station's queue to the town center on a USB stick and applies the answers
/// brought back (docs/usb-bundles.md).
public struct BundleTransfer: Sendable {
    /// The station's code.
    public let station: String
    /// The station's data directory.
    public let dataDirectory: String
    /// The station's key (signs exported bundles).
    public let identity: StationIdentity
    /// The station's queue.
    public let queue: SubmissionQueue
    /// Where "now" comes from.
    public let clock: any WallClock

    /// The transfer of the station in `dataDirectory`.
    public static func open(station: String, dataDirectory: String, clock: any WallClock = SystemClock()) throws(TransferError) -> BundleTransfer {
        let files = StationFiles(dataDirectory: dataDirectory)
        do {
            return BundleTransfer(
                station: station, dataDirectory: dataDirectory, identity: try files.identity(), queue: try files.openQueue(),
                clock: clock)
        } catch {
            throw .io(path: dataDirectory, detail: error.description)
        }
    }

    /// Writes every pending submission into one signed bundle (`bianmin-STATION-TIME-SHORT.bmb`)
    /// in `directory`, atomically; the queue is not changed (submissions stay pending until an answer acknowledges them).
    /// `progress` gets (bytes written, total bytes).
    public func export(to directory: String, progress: (Int, Int) -> Void = { _, _ in }) throws(TransferError) -> ExportReport {
        let pending = try local { () throws(StoreError) in try queue.pending(limit: Int.max) }
        let ratings = try local { () throws(StoreError) in try queue.unsentRatings(limit: 10_000) }
        let now = Int64(clock.now().timeIntervalSince1970)
        let bytes: Data
        do {
            bytes = try TransferBundle.submissions(
                pending.map(Forwarder.item), ratings: try ratings.map { try SignedRating($0, signedWith: identity.signingKey) }, station: station,
                createdAt: now, identity: identity)
        } catch {
            throw .io(path: directory, detail: String(describing: error))
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(
            TransferBundle.fileName(station: station, createdAt: now, digest: sha256Hex(bytes))).path
        try StickFile.write(bytes, to: path, progress: progress)
        return ExportReport(path: path, items: pending.count, bytes: bytes.count)
    }

    /// Applies the answer bundle at `path`, or every `*.answer.bmb` in the folder `path`:
    /// acknowledges (via "usb"), stores decisions and applies a newer catalog. Applying the
    /// same answer again changes nothing.
    public func importAnswers(from path: String) throws(TransferError) -> AnswerImportReport {
        guard let key = try local({ () throws(StoreError) in try queue.setting(SettingKey.centerSigningKey) }),
              let verifier = CenterVerifier(base64: key)
        else { throw .notEnrolled }
        var report = AnswerImportReport()
        for file in try answerFiles(at: path) {
            let answer: BundleAnswer
            do {
                answer = try TransferBundle(data: try read(file)).verifiedAnswer(verifier: verifier, station: station)
            } catch let error as BundleError {
                throw .bundleRefused(path: file, error)
            } catch {
                throw error as? TransferError ?? TransferError.io(path: file, detail: String(describing: error))
            }
            try apply(answer, verifier: verifier, to: &report)
            report.files.append(file)
        }
        return report
    }

    private func apply(_ answer: BundleAnswer, verifier: CenterVerifier, to report: inout AnswerImportReport) throws(TransferError) {
        let now = clock.now()
        let plan = AcknowledgementPlan(sent: answer.results.map(\.uuid), results: answer.results)
        report.acknowledged += try local { () throws(StoreError) in try queue.acknowledge(plan.acknowledge, at: now, via: "usb") }
        for (uuid, reason) in plan.setAside.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            try local { () throws(StoreError) in try queue.setAside(uuid, reason: reason, at: now) }
        }
        report.rejected += plan.setAside.count
        if let answered = answer.ratings, !answered.isEmpty {
            // Ratings given since the bundle was written stay to be sent: only those it carried are done.
            let unsent = try local { () throws(StoreError) in try queue.unsentRatings(limit: 10_000) }
            let carried = Set(answered)
            try local { () throws(StoreError) in
                try queue.markRatingsSent(unsent.filter { carried.contains(RatingAnswered(uuid: $0.uuid, ratedAt: $0.ratedAt)) }, at: now)
            }
        }
        for decision in answer.decisions {
            guard let kind = Decision(rawValue: decision.state.rawValue) else { continue }
            let decidedAt = Date(timeIntervalSince1970: TimeInterval(decision.decidedAt))
            // An old answer replayed after a newer decision arrived by network must not undo it.
            let known = try local { () throws(StoreError) in try queue.find(receipt: decision.receipt) }
            if let known = known?.decidedAt, known > decidedAt { continue }
            let changed = try local { () throws(StoreError) in
                try queue.recordDecision(
                    uuid: decision.uuid, decision: kind, reason: decision.reason, decidedAt: decidedAt, progress: decision.progress, at: now)
            }
            if changed { report.decisions += 1 }
        }
        guard let catalog = answer.catalog else { return }
        let localVersion = try local { () throws(StoreError) in try queue.setting(SettingKey.catalogVersion) }
        let localPublished = try local { () throws(StoreError) in try queue.setting(SettingKey.catalogPublishedAt) }.flatMap { Int64($0) }
        guard catalog.version != localVersion, catalog.publishedAt > (localPublished ?? Int64.min) else { return }
        do {
            try CatalogInstaller(dataDirectory: dataDirectory).install(catalog, verifier: verifier)
        } catch .catalogRefused(let reason) {
            report.catalogRefused = reason
            return
        } catch {
            throw .io(path: dataDirectory, detail: error.description)
        }
        try local { () throws(StoreError) in
            try queue.setSetting(SettingKey.catalogVersion, catalog.version)
            try queue.setSetting(SettingKey.catalogPublishedAt, String(catalog.publishedAt))
            try queue.audit(.catalogApplied, detail: "version=\(catalog.version) via=usb", at: now)
        }
        report.catalogApplied = catalog.version
    }

    private func answerFiles(at path: String) throws(TransferError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .stickMissing(path: path, detail: "no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .io(path: path, detail: (error as NSError).localizedDescription)
        }
        let answers = names.filter { $0.hasSuffix(".answer.\(TransferBundle.fileExtension)") && !$0.hasPrefix(".") }.sorted()
        guard !answers.isEmpty else { throw .noAnswers(path: path) }
        return answers.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
    }

    private func read(_ path: String) throws(TransferError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, detail: (error as NSError).localizedDescription)
        }
    }

    private func local<T>(_ body: () throws(StoreError) -> T) throws(TransferError) -> T {
        do {
            return try body()
        } catch {
            throw .store(error.description)
        }
    }
}

/// Atomic, durable writes to a removable stick, in chunks (for the progress bar).
enum StickFile {
    static let chunk = 64 * 1024

    static func write(_ bytes: Data, to path: String, progress: (Int, Int) -> Void) throws(TransferError) {
        do {
            try DurableFile.write(bytes, to: path, chunk: chunk, progress: progress)
        } catch {
            let path = error.path, detail = error.reason
            switch error.code {
            case ENOSPC, EDQUOT, EFBIG: throw .stickFull(path: path, detail: detail)
            case ENOENT, ENODEV, ENXIO, EIO, ENOTDIR: throw .stickMissing(path: path, detail: detail)
            default: throw .io(path: path, detail: detail)
            }
        }
    }
}
