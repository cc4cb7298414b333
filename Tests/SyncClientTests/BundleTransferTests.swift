@preconcurrency import Crypto
import Foundation
import Glibc
import KioskCore
import KioskSecurity
import KioskStore
import SyncClient
import SyncProtocol
import Testing
import TownCenter
import TestSupport

@Suite("transfer bundle format")
struct TransferBundleFormatTests {
    let identity = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
    let item = SubmissionItem(
        uuid: UUID(), receipt: "QRTEXT", sealedPayload: Data("sealed".utf8).base64EncodedString(), matter: "MZ-GG-01",
        catalogVersion: "2026.11.1", channel: .assisted, assistant: "A01", createdAt: 1_795_000_000, formPrinted: true)

    var key: StationPublicKey { StationPublicKey(stationID: "XH03", key: identity.publicKey) }

    func bundle() throws -> Data {
        try TransferBundle.submissions([item, item], station: "XH03", createdAt: 1_795_000_100, identity: identity)
    }

    func refusal(_ data: Data, key: StationPublicKey? = nil) -> BundleError? {
        do {
            _ = try TransferBundle(data: data).verifiedSubmissions(key: key ?? self.key)
            return nil
        } catch {
            return error
        }
    }

    @Test("a signed submissions bundle reads back with its manifest")
    func roundTrip() throws {
        let parsed = try TransferBundle(data: try bundle())
        #expect(parsed.manifest.kind == .submissions && parsed.manifest.station == "XH03" && parsed.manifest.itemCount == 2)
        #expect(parsed.manifest.formatVersion == TransferBundle.formatVersion)
        #expect(try parsed.verifiedSubmissions(key: key).items == [item, item])
    }

    @Test("truncated, altered, foreign, relabelled and unknown-version bundles are refused, each with its reason")
    func refusals() throws {
        let data = try bundle()
        #expect(refusal(data.dropLast(10)).map { if case .truncated = $0 { true } else { false } } == true)
        #expect(refusal(Data(data.prefix(30))).map { if case .truncated = $0 { true } else { false } } == true)
        var altered = data
        let index = altered.lastIndex(of: UInt8(ascii: "Q"))!
        altered[index] = UInt8(ascii: "R")
        #expect(refusal(altered) == .contentAltered)
        let foreign = StationPublicKey(stationID: "XH03", key: Curve25519.Signing.PrivateKey().publicKey)
        #expect(refusal(data, key: foreign) == .signatureInvalid)
        // A manifest edited to match altered content no longer carries a valid signature.
        let text = String(decoding: data, as: UTF8.self)
        let relabelled = text.replacingOccurrences(of: #""created_at":1795000100"#, with: #""created_at":1795000101"#)
        #expect(relabelled != text)
        #expect(refusal(Data(relabelled.utf8)) == .signatureInvalid)
        let other = StationPublicKey(stationID: "XH04", key: identity.publicKey)
        #expect(refusal(data, key: other) == .stationMismatch(expected: "XH04", found: "XH03"))
        let future = text.replacingOccurrences(of: "BIANMIN-BUNDLE 1 submissions", with: "BIANMIN-BUNDLE 2 submissions")
        #expect(refusal(Data(future.utf8)) == .unsupportedVersion(2))
        #expect(refusal(Data("PK\u{3}\u{4} a zip file\n\n\n".utf8)) == .notABundle)
    }

    @Test("an answer verifies only with the center's key and only for its station")
    func answers() throws {
        let signer = CenterSigner(key: Curve25519.Signing.PrivateKey())
        let answer = BundleAnswer(results: [ItemResult(uuid: item.uuid, outcome: .stored)], decisions: [], catalog: nil)
        let data = try TransferBundle.answer(answer, station: "XH03", answering: "abc", createdAt: 1, signer: signer)
        let parsed = try TransferBundle(data: data)
        #expect(try parsed.verifiedAnswer(verifier: signer.verifier, station: "XH03") == answer)
        #expect(throws: BundleError.stationMismatch(expected: "XH04", found: "XH03")) {
            try parsed.verifiedAnswer(verifier: signer.verifier, station: "XH04")
        }
        #expect(throws: BundleError.signatureInvalid) {
            try parsed.verifiedAnswer(verifier: CenterSigner(key: Curve25519.Signing.PrivateKey()).verifier, station: "XH03")
        }
        #expect(throws: BundleError.wrongKind(expected: .submissions, found: .answer)) { try parsed.verifiedSubmissions(key: key) }
    }

    @Test("the answer file sits beside the bundle it answers")
    func answerPath() {
        #expect(TransferBundle.answerPath(for: "/media/usb/bianmin-XH03-20261127T1430-ab12cd34.bmb")
            == "/media/usb/bianmin-XH03-20261127T1430-ab12cd34.answer.bmb")
        #expect(TransferBundle.fileName(station: "XH03", createdAt: 1_795_000_000, digest: "ab12cd34ef")
            .hasPrefix("bianmin-XH03-2026"))
    }
}

/// A station enrolled at a running center, driven through the real `kiosk` and `towncenter` executables.
struct TransferRig {
    let directory: URL
    let center: CenterProcess
    let kiosk: KioskFixture
    let stick: String
    let common: [String]

    init() async throws {
        let base = try await SyncRig()
        (directory, center, kiosk) = (base.directory, base.center, base.kiosk)
        let config = directory.appendingPathComponent("kiosk-config")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config"), to: config)
        stick = directory.appendingPathComponent("stick").path
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        common = ["--config", config.path, "--data", kiosk.dataDirectory]
    }

    /// `kiosk export --to DIR --json`: the bundle's path.
    func export(to folder: String? = nil) throws -> (path: String, items: Int) {
        let result = try run("kiosk", ["export", "--to", folder ?? stick, "--json"] + common)
        guard result.status == 0 else { throw Failure("kiosk export failed (\(result.status)): \(result.stderr)") }
        let report = try JSONDecoder().decode(ExportReport.self, from: Data(result.stdout.utf8))
        return (report.path, report.items)
    }

    /// `towncenter import BUNDLE --json`.
    func centerImport(_ bundle: String) throws -> BundleImportReport {
        let result = try run("towncenter", ["import", "--data", center.data, bundle, "--json"])
        guard result.status == 0 else { throw Failure("towncenter import failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(BundleImportReport.self, from: Data(result.stdout.utf8))
    }

    /// `kiosk import PATH --json`.
    func kioskImport(_ path: String) throws -> AnswerImportReport {
        let result = try run("kiosk", ["import", path, "--json"] + common)
        guard result.status == 0 else { throw Failure("kiosk import failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(AnswerImportReport.self, from: Data(result.stdout.utf8))
    }

    /// `kiosk forward --once --json`.
    func forward() throws -> RoundReport {
        let result = try run("kiosk", ["forward", "--once", "--json"] + common)
        guard result.status == 0 else { throw Failure("kiosk forward failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(RoundReport.self, from: Data(result.stdout.utf8))
    }

    /// The kiosk's `acknowledged` audit events, by receipt, with their channel detail.
    func acknowledgements() throws -> [(receipt: String, detail: String)] {
        try AuditLog.recent(kiosk.queue.database, limit: 100_000).filter { $0.event == "acknowledged" }.map { ($0.receipt ?? "", $0.detail) }
    }

    /// Files on the stick.
    func stickFiles(_ folder: String? = nil) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder ?? stick).sorted() }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("USB transfer with the real executables", .serialized)
struct BundleTransferTests {
    @Test("export, center import, kiosk import: acknowledged via usb with decisions; replays change nothing; nothing personal in the bundles")
    func roundTrip() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        let queued = try rig.kiosk.queueSubmissions(6) { index in
            #"{"applicant_name":"王秀英","resident_id":"11010519491231002X","phone":"13912345678","n":\#(index)}"#
        }
        let exported = try rig.export()
        #expect(exported.items == 6)
        #expect(try rig.kiosk.count(.queued) == 6, "exporting leaves the queue untouched")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: exported.path))
        for secret in ["王秀英", "11010519491231002X", "13912345678", "resident_id", "phone"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "bundle leaks \(secret)")
        }
        #expect(try rig.stickFiles() == [URL(fileURLWithPath: exported.path).lastPathComponent], "no temporary file left")

        let staff = try rig.center.open()
        let imported = try rig.centerImport(exported.path)
        #expect(imported.station == "XH03" && imported.items == 6 && imported.stored == 6 && imported.duplicates == 0)
        #expect(imported.answerPath == TransferBundle.answerPath(for: exported.path))
        try await staff.database.decide(receipt: queued[2].receipt, state: .accepted, reason: nil, now: staff.now)
        try await staff.database.decide(receipt: queued[2].receipt, state: .needsMore, reason: "请补交户口簿复印件", now: staff.now + 1)
        // The center imports the same bundle again (the assistant plugged the stick in twice): nothing new.
        let again = try rig.centerImport(exported.path)
        #expect(again.stored == 0 && again.duplicates == 6 && again.decisions == 1)
        let answer = try Data(contentsOf: URL(fileURLWithPath: imported.answerPath))
        for secret in ["王秀英", "11010519491231002X", "13912345678"] {
            #expect(answer.range(of: Data(secret.utf8)) == nil, "answer leaks \(secret)")
        }

        let applied = try rig.kioskImport(rig.stick)
        #expect(applied.acknowledged == 6 && applied.decisions == 1 && applied.rejected == 0)
        #expect(try rig.kiosk.count(.acknowledged) == 6)
        let shown = try rig.kiosk.queue.find(receipt: queued[2].receipt)
        #expect(shown?.decision == .needsMore && shown?.decisionReason == "请补交户口簿复印件")
        let replay = try rig.kioskImport(rig.stick)
        #expect(replay.acknowledged == 0 && replay.decisions == 0 && replay.catalogApplied == nil)
        let acks = try rig.acknowledgements()
        #expect(acks.count == 6 && acks.allSatisfy { $0.detail == "via=usb" })
        let counts = try await centerCounts(rig.center)
        #expect(counts.stored == 6 && counts.storedEvents == 6 && counts.conflicts == 0)
        // Reports count what came by USB stick as a channel of its own.
        let today = ChinaTime.day(staff.now)
        let report = try await staff.report(from: today.adding(days: -1), through: today.adding(days: 1), calendar: WorkingDayCalendar(schedules: []))
        #expect(report.lines[.channel]?.map(\.key) == ["usb"] && report.lines[.channel]?.first?.figures.received == 6)
        #expect(try run("kiosk", ["audit", "verify"] + rig.common).status == 0)

        // Nothing left to carry: the next export is empty but still brings decisions back.
        #expect(try rig.export().items == 0)
    }

    @Test("residents' ratings travel by USB too: signed in the bundle, kept by the center (a bad one opens a follow-up), done on the kiosk when the answer comes back; a rating given meanwhile waits")
    func ratingsByUSB() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        let queued = try rig.kiosk.queueSubmissions(2) { index in #"{"applicant_name":"王秀英","n":\#(index)}"# }
        _ = try rig.centerImport(try rig.export().path)
        _ = try rig.kioskImport(rig.stick)
        let bad = CaseRating(uuid: queued[0].uuid, level: .dissatisfied, reasons: [.manyTrips], ratedAt: 1_000)
        try rig.kiosk.queue.keepRating(bad, at: Date())
        let second = rig.directory.appendingPathComponent("second").path
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        let exported = try rig.export(to: second)
        let imported = try rig.centerImport(exported.path)
        #expect(imported.stored == 0)
        let staff = try rig.center.open()
        #expect(try await staff.database.rating(uuid: queued[0].uuid)?.rating == bad)
        #expect(try await staff.database.followUps().map(\.receipt) == [queued[0].receipt])
        // Rated again before the answer came back: the newer rating still waits to be sent.
        let later = CaseRating(uuid: queued[1].uuid, level: .verySatisfied, reasons: [], ratedAt: 2_000)
        try rig.kiosk.queue.keepRating(later, at: Date())
        _ = try rig.kioskImport(imported.answerPath)
        #expect(try rig.kiosk.queue.unsentRatings(limit: 10) == [later])
        let forwarded = try rig.forward()
        #expect(forwarded.sent == 0)
        #expect(try rig.kiosk.queue.unsentRatings(limit: 10).isEmpty, "sent by the network round")
        #expect(try await staff.database.rating(uuid: queued[1].uuid)?.rating == later)
    }

    @Test("mixed paths: USB only, network only, both in either order: each stored once and acknowledged once")
    func mixedPaths() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        func folder(_ name: String) throws -> String {
            let path = rig.stick + "/" + name
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
        // A: by USB only.
        let a = try rig.kiosk.queueSubmissions(5)
        let bundleA = try rig.export(to: try folder("a"))
        #expect(try rig.centerImport(bundleA.path).stored == 5)
        #expect(try rig.kioskImport(rig.stick + "/a").acknowledged == 5)
        // B: by network only.
        let b = try rig.kiosk.queueSubmissions(5)
        #expect(try rig.forward().acknowledged == 5)
        // C: both, the network first: the bundle arrives at the center after the network delivered it.
        let c = try rig.kiosk.queueSubmissions(5)
        let bundleC = try rig.export(to: try folder("c"))
        #expect(bundleC.items == 5)
        #expect(try rig.forward().acknowledged == 5)
        let importC = try rig.centerImport(bundleC.path)
        #expect(importC.stored == 0 && importC.duplicates == 5)
        #expect(try rig.kioskImport(rig.stick + "/c").acknowledged == 0)
        // D: both, the stick first at the center, then the network before the answer is back.
        let d = try rig.kiosk.queueSubmissions(5)
        let bundleD = try rig.export(to: try folder("d"))
        #expect(try rig.centerImport(bundleD.path).stored == 5)
        let roundD = try rig.forward()
        #expect(roundD.sent == 5 && roundD.acknowledged == 5)
        #expect(try rig.kioskImport(rig.stick + "/d").acknowledged == 0)
        // E: both, the whole USB trip first, then the network finds nothing to send.
        let e = try rig.kiosk.queueSubmissions(5)
        let bundleE = try rig.export(to: try folder("e"))
        #expect(try rig.centerImport(bundleE.path).stored == 5)
        #expect(try rig.kioskImport(rig.stick + "/e").acknowledged == 5)
        #expect(try rig.forward().sent == 0)
        // Every bundle and answer replayed: nothing changes.
        for name in ["a", "c", "d", "e"] {
            let bundle = try rig.stickFiles(rig.stick + "/" + name).first { !$0.contains(".answer.") }!
            let replay = try rig.centerImport(rig.stick + "/\(name)/" + bundle)
            #expect(replay.stored == 0 && replay.conflicts == 0)
            #expect(try rig.kioskImport(rig.stick + "/" + name).acknowledged == 0)
        }

        let counts = try await centerCounts(rig.center)
        #expect(counts.stored == 25 && counts.storedEvents == 25 && counts.conflicts == 0)
        #expect(try rig.kiosk.count(.acknowledged) == 25)
        let acks = try rig.acknowledgements()
        #expect(acks.count == 25 && Set(acks.map(\.receipt)).count == 25, "each submission acknowledged exactly once")
        let via = Dictionary(grouping: acks, by: \.receipt).mapValues { $0[0].detail }
        for summary in a + e { #expect(via[summary.receipt] == "via=usb") }
        for summary in b + c + d { #expect(via[summary.receipt] == "via=network") }
        #expect(try run("kiosk", ["audit", "verify"] + rig.common).status == 0)
    }

    @Test("altered, truncated, foreign, unknown-version and unknown-station bundles are refused by both sides; nothing stored")
    func refusedBundles() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        try rig.kiosk.queueSubmissions(3)
        let exported = try rig.export()
        let original = try Data(contentsOf: URL(fileURLWithPath: exported.path))
        func attempt(_ name: String, _ bytes: Data) throws -> (status: Int32, stderr: String) {
            let path = rig.stick + "/" + name
            try bytes.write(to: URL(fileURLWithPath: path))
            let result = try run("towncenter", ["import", "--data", rig.center.data, path])
            #expect(!FileManager.default.fileExists(atPath: TransferBundle.answerPath(for: path)))
            return (result.status, result.stderr)
        }
        let truncated = try attempt("truncated.bmb", original.prefix(original.count - 200))
        #expect(truncated.status == 65 && truncated.stderr.contains("truncated"))
        var altered = original
        altered[altered.count - 300] ^= 0x01
        let alteredResult = try attempt("altered.bmb", altered)
        #expect(alteredResult.status == 65 && alteredResult.stderr.contains("altered"))
        let text = String(decoding: original, as: UTF8.self)
        let future = try attempt("future.bmb", Data(text.replacingOccurrences(of: "BIANMIN-BUNDLE 1 ", with: "BIANMIN-BUNDLE 7 ").utf8))
        #expect(future.status == 65 && future.stderr.contains("format version 7 is not supported"))
        let stranger = StationIdentity(signingKey: Curve25519.Signing.PrivateKey())
        let pending = try rig.kiosk.queue.pending(limit: 10)
        let items = pending.map {
            SubmissionItem(
                uuid: $0.uuid, receipt: $0.receiptQR, sealedPayload: $0.sealed.base64EncodedString(), matter: $0.matter,
                catalogVersion: $0.catalogVersion, channel: .assisted, assistant: $0.assistantID,
                createdAt: Int64($0.createdAt.timeIntervalSince1970), formPrinted: $0.formPrinted)
        }
        let foreign = try attempt("foreign.bmb", try TransferBundle.submissions(items, station: "XH03", createdAt: 1, identity: stranger))
        #expect(foreign.status == 65 && foreign.stderr.contains("signature does not verify"))
        let unknown = try attempt("unknown.bmb", try TransferBundle.submissions(items, station: "XH99", createdAt: 1, identity: stranger))
        #expect(unknown.status == 77 && unknown.stderr.contains("not enrolled"))
        #expect(try await centerCounts(rig.center).stored == 0)
        let refusals = try await rig.center.open().database.refusalCounts()
        #expect(refusals["bundle_refused"] == 4 && refusals["bundle_unknown_station"] == 1)

        // The kiosk refuses an altered answer, and an answer signed by someone else.
        let answerPath = try rig.centerImport(exported.path).answerPath
        var answer = try Data(contentsOf: URL(fileURLWithPath: answerPath))
        let good = answer
        answer[answer.count - 20] ^= 0x01
        try answer.write(to: URL(fileURLWithPath: answerPath))
        let refused = try run("kiosk", ["import", answerPath] + rig.common)
        #expect(refused.status == 65 && refused.stderr.contains("数据包无效") && refused.stderr.contains("altered"))
        let forged = try TransferBundle.answer(
            BundleAnswer(results: items.map { ItemResult(uuid: $0.uuid, outcome: .stored) }, decisions: [], catalog: nil),
            station: "XH03", answering: "x", createdAt: 1, signer: CenterSigner(key: Curve25519.Signing.PrivateKey()))
        try forged.write(to: URL(fileURLWithPath: answerPath))
        #expect(try run("kiosk", ["import", answerPath] + rig.common).status == 65)
        #expect(try rig.kiosk.count(.acknowledged) == 0)
        try good.write(to: URL(fileURLWithPath: answerPath))
        #expect(try rig.kioskImport(answerPath).acknowledged == 3)
    }

    @Test("an item the center rejects comes back set aside with its reason, and does not hold back the others")
    func rejectedItem() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        try rig.kiosk.queueSubmissions(3)
        let unknown = try rig.kiosk.queueSubmissions(1, matter: "ZZ-ZZ-99")
        let imported = try rig.centerImport(try rig.export().path)
        #expect(imported.stored == 3 && imported.rejected == 1)
        let applied = try rig.kioskImport(rig.stick)
        #expect(applied.acknowledged == 3 && applied.rejected == 1)
        #expect(try rig.kiosk.count(.acknowledged) == 3 && rig.kiosk.count(.setAside) == 1)
        let setAside = try rig.kiosk.queue.find(receipt: unknown[0].receipt)
        #expect(setAside?.lastError?.contains("unknown_matter") == true)
        #expect(try rig.export().items == 0, "a set-aside item is not carried again")
    }

    @Test("an old answer replayed after the network brought newer decisions and catalog undoes nothing; a newer catalog applies by USB")
    func staleAnswer() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        let queued = try rig.kiosk.queueSubmissions(2)
        let bundle = try rig.export()
        #expect(try rig.centerImport(bundle.path).stored == 2)
        let staff = try rig.center.open()
        try await staff.database.decide(receipt: queued[0].receipt, state: .accepted, reason: nil, now: staff.now)
        let answerPath = try rig.centerImport(bundle.path).answerPath
        let oldAnswer = try Data(contentsOf: URL(fileURLWithPath: answerPath))

        try await staff.database.decide(receipt: queued[0].receipt, state: .completed, reason: nil, now: staff.now + 5)
        try publishCatalog(version: "2026.12.1", rig: rig)
        let round = try rig.forward()
        #expect(round.acknowledged == 2 && round.catalogApplied == "2026.12.1")

        try oldAnswer.write(to: URL(fileURLWithPath: answerPath))
        let stale = try rig.kioskImport(answerPath)
        #expect(stale.acknowledged == 0 && stale.decisions == 0 && stale.catalogApplied == nil)
        #expect(try rig.kiosk.queue.find(receipt: queued[0].receipt)?.decision == .completed)
        #expect(try SyncStatus.load(from: rig.kiosk.queue).catalogVersion == "2026.12.1")

        try publishCatalog(version: "2026.12.2", rig: rig)
        let fresh = try rig.kioskImport(try rig.centerImport(bundle.path).answerPath)
        #expect(fresh.acknowledged == 0 && fresh.decisions == 0 && fresh.catalogApplied == "2026.12.2")
        let applied = try String(contentsOfFile: CatalogInstaller(dataDirectory: rig.kiosk.dataDirectory).currentPath + "/catalog.yaml", encoding: .utf8)
        #expect(applied.contains("2026.12.2"))
        #expect(try rig.kioskImport(answerPath).catalogApplied == nil)
    }

    @Test("the progress bar shows on a terminal and stays off stderr otherwise")
    func progressBar() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        try rig.kiosk.queueSubmissions(150)
        let plain = try run("kiosk", ["export", "--to", rig.stick] + rig.common)
        #expect(plain.status == 0 && !plain.stderr.contains("%"))
        let tty = rig.stick + "/tty"
        try FileManager.default.createDirectory(atPath: tty, withIntermediateDirectories: true)
        let command = ([builtProducts.appendingPathComponent("kiosk").path, "export", "--to", tty] + rig.common).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = packageRoot
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let terminal = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(terminal.contains("[##############################] 100%"))
        #expect(try rig.stickFiles(tty).count == 1)
    }

    @Test("a full stick (tmpfs) and a missing stick: a clear error, no file left, the queue untouched", .needsRoot("mounting a tmpfs needs root"))
    func stickFull() async throws {
        let rig = try await TransferRig()
        defer { rig.remove() }
        let small = rig.directory.appendingPathComponent("small-stick").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", small])
        try #require(mounted.status == 0, "mount failed: \(mounted.stderr)")
        defer { _ = try? run("/bin/umount", [small]) }
        try rig.kiosk.queueSubmissions(200)
        let before = try rig.kiosk.queue.stats().byState

        let full = try run("kiosk", ["export", "--to", small] + rig.common)
        #expect(full.status == 73)
        #expect(full.stderr.contains("U盘空间不足") && full.stderr.contains("No space left on device"))
        #expect(try rig.stickFiles(small).isEmpty, "the partial file is removed")
        #expect(try rig.kiosk.queue.stats().byState == before)

        let missing = try run("kiosk", ["export", "--to", rig.directory.appendingPathComponent("gone").path] + rig.common)
        #expect(missing.status == 74 && missing.stderr.contains("找不到U盘"))
        #expect(try rig.kiosk.queue.stats().byState == before)

        // The same queue fits on a larger stick, and goes through.
        let exported = try rig.export()
        #expect(exported.items == 200)
        #expect(try rig.centerImport(exported.path).stored == 200)
        #expect(try rig.kioskImport(rig.stick).acknowledged == 200)
    }
}

/// Publishes the demo catalog at the rig's center under `version`.
func publishCatalog(version: String, rig: TransferRig) throws {
    let copy = rig.directory.appendingPathComponent("catalog-\(version)")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("kiosk-config/catalog"), to: copy)
    let header = copy.appendingPathComponent("catalog.yaml")
    try (try String(contentsOf: header, encoding: .utf8)).replacingOccurrences(of: "2026.11.1", with: version)
        .write(to: header, atomically: true, encoding: .utf8)
    // Publication times are whole seconds and the kiosk applies only a later one: start a new second.
    usleep(1_100_000)
    let published = try run("towncenter", ["catalog", "publish", "--data", rig.center.data, "--catalog", copy.path])
    guard published.status == 0 else { throw Failure("publish failed: \(published.stderr)") }
}
