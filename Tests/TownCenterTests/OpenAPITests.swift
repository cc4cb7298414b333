import Foundation
import Logging
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
        let router = CenterAPI(center: center, configuration: CenterConfiguration(), logger: Logger(label: "test")).router()
        let registered = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        })
        let documented = try documentedRoutes()
        #expect(documented.count == 5)
        #expect(registered.subtracting(documented).isEmpty, "registered but not in openapi.yaml: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "in openapi.yaml but not registered: \(documented.subtracting(registered))")
    }
}
