@preconcurrency import AsyncHTTPClient
@preconcurrency import Crypto
import Foundation
import Hummingbird
import KioskSecurity
import KioskStore
import Synchronization
import SyncClient
import SyncProtocol
import Testing
import TestSupport

/// A machine in the middle of `kiosk enroll`: an HTTP proxy on 127.0.0.1 in front of a real center
/// that records both directions and may rewrite the center's answer.
final class EnrolmentProxy: Sendable {
    /// Rewrites an answer's body; gets the request's nonce and returns the new body and center signature.
    typealias Rewrite = @Sendable (_ body: Data, _ requestNonce: String) throws -> (body: Data, signature: String)

    private let target: String
    private let rewrite: Rewrite?
    private let recorded = Mutex<[String]>([])

    init(to target: String, rewrite: Rewrite? = nil) {
        self.target = target
        self.rewrite = rewrite
    }

    /// Everything that went through, headers and bodies, as text.
    var wire: String { recorded.withLock { $0.joined(separator: "\n") } }

    /// Runs `body` with the proxy's URL while it serves.
    func serving(_ body: (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/enroll") { request, _ in try await self.forward(request) }
        try await SyncClientTests.serving(router, named: "proxy", body)
    }

    private func forward(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var outgoing = HTTPClientRequest(url: target + "/v1/enroll")
        outgoing.method = .POST
        let skipped: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]
        for field in request.headers where !skipped.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        outgoing.body = .bytes(body)
        let requestText = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + String(buffer: body)
        let response = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(30))
        var answer = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        var signature = response.headers.first(name: SyncHeader.centerSignature)
        if let rewrite, response.status == .ok {
            (answer, signature) = try rewrite(answer, request.headers[HTTPFields.Element.Name(SyncHeader.nonce)!] ?? "")
        }
        let responseText = response.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + String(decoding: answer, as: UTF8.self)
        recorded.withLock { $0 += [requestText, responseText] }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let signature { headers[HTTPFields.Element.Name(SyncHeader.centerSignature)!] = signature }
        return Response(
            status: .init(code: Int(response.status.code)), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }
}

@Suite("Enrolment through a machine in the middle", .serialized)
struct EnrolmentProxyTests {
    /// What enrolment leaves at a kiosk: the enrolled center key file, the center settings, the applied catalog.
    func kioskState(_ kiosk: KioskFixture) throws -> [String] {
        let files = StationFiles(dataDirectory: kiosk.dataDirectory)
        let settings = try ["center.url", "center.signing_key", "center.key_id", "catalog.version"].map { try kiosk.queue.setting($0) ?? "-" }
        return [
            FileManager.default.fileExists(atPath: files.enrolledCenterKeyPath) ? "center key" : "no center key",
            FileManager.default.fileExists(atPath: CatalogInstaller(dataDirectory: kiosk.dataDirectory).currentPath) ? "catalog" : "no catalog",
        ] + settings
    }

    @Test("the wire carries no token in any spelling, and the enrolment through the proxy succeeds")
    func tokenNeverOnTheWire() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let center = try CenterProcess(data: directory.appendingPathComponent("center").path)
        let kiosk = try KioskFixture(in: directory)
        let token = try center.token(for: kiosk.station)
        let proxy = EnrolmentProxy(to: center.url)
        try await proxy.serving { url in
            let enrolled = try await StationEnrolment.enroll(
                centerURL: url, token: token, station: kiosk.station, dataDirectory: kiosk.dataDirectory, configuredCenterKeyPath: nil)
            #expect(enrolled.keyID == (try center.open().keys.agreement.keyID))
        }
        let wire = proxy.wire
        #expect(wire.contains("\"proof\""), "the proxy saw the enrolment")
        for spelling in [token, token.lowercased(), token.replacingOccurrences(of: "-", with: "")] {
            #expect(!wire.contains(spelling), "the token went over the wire as \(spelling)")
        }
        #expect(try kioskState(kiosk).first == "center key")
    }

    @Test("a proxy that swaps in its own keys (and signs with them) is refused, and nothing changes at the kiosk")
    func swappedKeysRefused() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let center = try CenterProcess(data: directory.appendingPathComponent("center").path)
        let kiosk = try KioskFixture(in: directory)
        let before = try kioskState(kiosk)
        let rogueSigner = CenterSigner(key: Curve25519.Signing.PrivateKey())
        let rogueKeys = CenterKeyPair.generate()
        let proxy = EnrolmentProxy(to: center.url) { body, nonce in
            var answer = try SyncJSON.decode(EnrollResponse.self, from: body)
            let files = try answer.catalog.verifiedFiles(with: try #require(CenterVerifier(base64: answer.centerSigningKey)))
            answer.centerPublicKey = rogueKeys.publicKey.base64
            answer.keyID = rogueKeys.keyID
            answer.centerSigningKey = rogueSigner.verifier.base64
            answer.catalog = try CatalogBundle.signed(version: "6666.1.1", publishedAt: answer.catalog.publishedAt, files: files, signer: rogueSigner)
            let rewritten = try SyncJSON.encode(answer)
            return (rewritten, try rogueSigner.signResponse(status: 200, requestNonce: nonce, body: rewritten))
        }
        try await proxy.serving { url in
            await #expect {
                try await kiosk.enroll(at: center, through: url)
            } throws: { error in
                guard case SyncError.centerUnproven = error else { return false }
                return true
            }
        }
        #expect(proxy.wire.contains(rogueKeys.keyID), "the proxy did rewrite the answer")
        #expect(try kioskState(kiosk) == before)
        #expect(before.first == "no center key")
        // The real center, reached directly with a fresh token, enrols the station.
        #expect(try await kiosk.enroll(at: center).keyID == (try center.open().keys.agreement.keyID))
    }

    @Test("a center that does not hold the key kiosk.yaml names is refused, and nothing changes at the kiosk")
    func configuredKeyMustMatch() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let center = try CenterProcess(data: directory.appendingPathComponent("center").path, demoKeys: false)
        let kiosk = try KioskFixture(in: directory)
        let before = try kioskState(kiosk)
        let named = packageRoot.appendingPathComponent("kiosk-config/demo-center/center-x25519.pub").path
        await #expect {
            try await kiosk.enroll(at: center, configuredCenterKeyPath: named)
        } throws: { error in
            guard case SyncError.centerKeyMismatch(let configured, let offered) = error else { return false }
            return configured == (try? CenterPublicKey.load(from: named).keyID) && offered == (try? center.open().keys.agreement.keyID)
        }
        #expect(try kioskState(kiosk) == before)
        // The demo center holds the named key: accepted.
        let demo = try CenterProcess(data: directory.appendingPathComponent("demo").path)
        #expect(try await kiosk.enroll(at: demo, configuredCenterKeyPath: named).keyID == (try CenterPublicKey.load(from: named).keyID))
    }
}
