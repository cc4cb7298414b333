import AsyncHTTPClient
import Foundation

/// A client of the town desk that keeps a browser's session cookie and reads forms' CSRF tokens:
/// what the desk tests use in place of a browser.
public struct DeskClient: Sendable {
    /// The desk's port on 127.0.0.1.
    public let port: Int
    /// The client it sends with (redirects not followed).
    public let http: HTTPClient

    /// A client of the desk on `port`.
    public init(port: Int, http: HTTPClient) {
        self.port = port
        self.http = http
    }

    /// A browser's cookie jar of one session cookie.
    public final class Browser: @unchecked Sendable {
        /// The `name=value` of the session cookie.
        public var cookie: String?
        /// An empty jar.
        public init() {}
    }

    /// An answer of the desk.
    public struct Page: Sendable {
        /// The status code.
        public let status: Int
        /// The headers, names in lower case.
        public let headers: [String: String]
        /// The body as text.
        public let body: String

        /// The CSRF token of the page's first form.
        public var csrf: String? {
            body.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression).map {
                String(body[$0].dropFirst(#"name="csrf" value=""#.count).dropLast())
            }
        }
    }

    /// Sends `method path` (with `form` url-encoded) in `browser`'s session.
    public func request(_ method: String, _ path: String, form: [String: String]? = nil, browser: Browser) async throws -> Page {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let cookie = browser.cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let body = form.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }.joined(separator: "&")
            request.body = .bytes(Data(body.utf8))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        for setCookie in response.headers["Set-Cookie"] {
            browser.cookie = String(setCookie.split(separator: ";")[0])
        }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Page(status: Int(response.status.code), headers: headers, body: String(buffer: body))
    }

    /// The body of a GET of `path` as bytes (for downloads that are not text).
    public func bytes(_ path: String, browser: Browser) async throws -> Data {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let cookie = browser.cookie { request.headers.add(name: "Cookie", value: cookie) }
        let response = try await http.execute(request, timeout: .seconds(30))
        return Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
    }

    /// Signs `id` in on a fresh browser; returns the browser and the last page.
    public func signIn(_ id: String, password: String) async throws -> (Browser, Page) {
        let browser = Browser()
        let login = try await request("GET", "/desk/login", browser: browser)
        let page = try await request(
            "POST", "/desk/login", form: ["csrf": login.csrf ?? "", "username": id, "password": password], browser: browser)
        return (browser, page)
    }
}
