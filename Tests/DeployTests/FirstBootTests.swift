import Foundation
import Testing
import TestSupport

/// deploy/first-boot.sh on a temporary data directory, against a served demo center and a private
/// cupsd without the station's printers; its printers are file queues there.
@Suite("deploy/first-boot.sh", .serialized)
struct FirstBootTests {
    static let script = packageRoot.appendingPathComponent("deploy/first-boot.sh").path

    @Test(.needsRoot("lpadmin on a private cupsd needs root"))
    func initialisesEnrolsSetsUpThePrintersPrintsCheckPagesAndRunsAgain() throws {
        let directory = try TemporaryDirectory()
        let cups = try PrivateCups()
        for queue in ["bianmin-a4", "bianmin-receipt"] { try cups.admin("lpadmin", ["-x", queue]) }
        let center = directory.file("center")
        #expect(try run("towncenter", ["init", "--data", center, "--demo-keys"]).status == 0)
        let served = try ServedCenter(data: center)
        let token = try run("towncenter", ["station", "enroll", "--data", center, "--station", "XH03", "--json"]).stdout
        let tokenValue = try #require(
            (try JSONSerialization.jsonObject(with: Data(token.utf8)) as? [String: String])?["token"])
        let data = directory.file("kiosk")
        let a4 = cups.directory.file("out/first-boot-a4.out"), receipt = cups.directory.file("out/first-boot-receipt.out")
        let arguments = [
            "--config", packageRoot.appendingPathComponent("kiosk-config").path, "--data", data, "--user", "root",
            "--kiosk", builtProducts.appendingPathComponent("kiosk").path, "--center", served.url,
            "--a4-uri", "file://\(a4)", "--a4-model", "drv:///sample.drv/generic.ppd", "--receipt-uri", "file://\(receipt)",
        ]
        let environment = ["CUPS_SERVER": cups.server, "LANG": "C.UTF-8"]

        let first = try runTool(Self.script, arguments + [tokenValue], environment: environment)
        #expect(first.status == 0, "\(first.output)\(first.errorOutput)")
        #expect(first.output.contains("station XH03 enrolled at \(served.url)"), "\(first.output)")
        #expect(FileManager.default.fileExists(atPath: data + "/center-x25519.pub"))
        let devices = try cups.admin("lpstat", ["-v"]).output
        #expect(devices.contains("device for bianmin-a4: ///\(a4.dropFirst())") || devices.contains("device for bianmin-a4: file://\(a4)"), "\(devices)")
        #expect(devices.contains("device for bianmin-receipt: ///\(receipt.dropFirst())") || devices.contains("device for bianmin-receipt: file://\(receipt)"), "\(devices)")
        // The check pages came out of both queues (PostScript from the generic driver).
        for output in [a4, receipt] {
            var size = 0
            for _ in 0..<200 where size == 0 {
                size = ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? Int) ?? 0
                if size == 0 { usleep(100_000) }
            }
            #expect(size > 0, "nothing printed to \(output)")
        }

        // Again, with no token: nothing is redone, nothing is asked.
        let second = try runTool(Self.script, arguments + ["--no-check-page"], environment: environment)
        #expect(second.status == 0, "\(second.output)\(second.errorOutput)")
        #expect(second.output.contains("already enrolled"), "\(second.output)")
        #expect(second.output.contains("bianmin-a4 exists: ") && second.output.contains("\(a4) (left as it is"), "\(second.output)")
        #expect(!second.output.contains("created"), "\(second.output)")
    }

    @Test func syntaxAndUsage() throws {
        #expect(try runTool("bash", ["-n", Self.script]).status == 0)
        let usage = try runTool(Self.script, ["--help"])
        #expect(usage.status == 2)
        #expect(usage.errorOutput.contains("--receipt-model"), "\(usage.errorOutput)")
    }
}
