import Foundation
import Logging
import SyncProtocol
import Testing
import TownCenter
import TestSupport

@Suite("openapi.yaml")
struct OpenAPITests {
    /// `METHOD /path` for every operation under `paths:` in openapi.yaml.
    func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var routes = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "put", "post", "delete", "patch", "head", "options"].contains(key) {
                    routes.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test("every registered route is documented, and every documented route is registered")
    func routesMatch() async throws {
        let (center, directory) = try await makeCenter()
        defer { try? FileManager.default.removeItem(at: directory) }
        let router = CenterAPI(center: center, configuration: CenterConfiguration(), logger: Logger(label: "test"), metrics: CenterMetrics(now: 0)).router()
        let registered = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        })
        let documented = try documentedRoutes()
        #expect(documented.count == 8)
        #expect(registered.subtracting(documented).isEmpty, "registered but not in openapi.yaml: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "in openapi.yaml but not registered: \(documented.subtracting(registered))")
    }

    func source(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("every error code the center answers with is declared in openapi.yaml")
    func errorCodesDeclared() throws {
        let spec = try source("openapi.yaml")
        // The codes as the sources spell them: APIError(.status, "code", ...), EnrolmentRefusal's raw values
        // and RequestAuthError.code (a lowercase word with underscores, where descriptions have spaces).
        var codes = Set<String>()
        for file in ["CenterAPI.swift", "SyncMiddleware.swift"] {
            for match in try source("Sources/TownCenter/" + file).matches(of: #/APIError\(\.\w+, "([a-z_]+)"/#) {
                codes.insert(String(match.1))
            }
        }
        for match in try source("Sources/TownCenter/CenterError.swift").matches(of: #/case \w+ = "([a-z_]+)"/#) {
            codes.insert(String(match.1))
        }
        for match in try source("Sources/SyncProtocol/RequestSigning.swift").matches(of: #/case \.\w+: "([a-z_]+)"/#) {
            codes.insert(String(match.1))
        }
        #expect(codes.isSuperset(of: ["bad_public_key", "unsupported_media_type", "busy", "missing_header", "internal"]))
        let undeclared = codes.filter { !spec.contains($0) }
        #expect(undeclared.isEmpty, "answered by the center but not in openapi.yaml: \(undeclared.sorted())")
    }

    @Test("every signed route declares the five signing headers")
    func signingHeadersDeclared() throws {
        let spec = try source("openapi.yaml")
        let parameters = ["signingStation", "signingDate", "signingNonce", "signingContentSHA256", "signingSignature"]
        for (name, parameter) in zip(
            [SyncHeader.station, SyncHeader.date, SyncHeader.nonce, SyncHeader.contentSHA256, SyncHeader.signature], parameters)
        {
            let declared = spec.contains("    \(parameter):\n      name: \(name)\n      in: header\n      required: true\n")
            #expect(declared, "\(name) is not declared as a required header parameter \(parameter)")
        }
        let paths = try #require(spec.components(separatedBy: "\npaths:\n").last)
        let routes = ("\n" + paths).components(separatedBy: "\n  /").dropFirst()
        #expect(routes.count == 8)
        for route in routes where !route.hasPrefix("v1/catalog:") {
            for parameter in parameters {
                let referenced = route.contains("$ref: \"#/components/parameters/\(parameter)\"")
                #expect(referenced, "/\(route.prefix { $0 != ":" }) lacks \(parameter)")
            }
        }
    }
}
