import AsyncHTTPClient
import FlotillaClient
import FlotillaCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// What a browser does with the dashboard, as plain HTTP: requests with its own headers, the
/// session cookie it was given, redirects not followed (the tests read `Location`).
struct Browser: Sendable {
    /// A client that never follows redirects; lives as long as the test process.
    static let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    private static let trusting = Mutex<[String: HTTPClient]>([:])

    /// A client for a TLS hub whose certificate is `caFile`, redirects not followed either.
    static func http(trusting caFile: String) -> HTTPClient {
        trusting.withLock { clients in
            if let client = clients[caFile] { return client }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            configuration.tlsConfiguration = HubTrust.clientConfiguration(caFile: caFile)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[caFile] = client
            return client
        }
    }

    /// One answer: status, headers and body text.
    struct Page: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let text: String

        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    let baseURL: String
    /// The `flotilla_session` cookie's value, once signed in.
    var session: String?
    let http: HTTPClient

    init(baseURL: String, session: String? = nil, http: HTTPClient = Browser.http) {
        self.baseURL = baseURL
        self.session = session
        self.http = http
    }

    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Page {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let session { request.headers.add(name: "Cookie", value: "flotilla_session=\(session)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Page(status: Int(response.status.code), headers: response.headers, text: String(buffer: buffer))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Page {
        try await request(.GET, path, headers: headers)
    }
}

extension Browser {
    /// Posts the sign-in page's form (`token=…&next=…`); returns the answer and a browser
    /// holding the session cookie it set (if any).
    func signIn(_ token: String, next: String? = nil, headers: [(String, String)] = []) async throws -> (page: Page, browser: Browser) {
        var form = "token=" + Self.formEncoded(token)
        if let next { form += "&next=" + Self.formEncoded(next) }
        let page = try await request(.POST, "/auth/signin", body: form, contentType: "application/x-www-form-urlencoded", headers: headers)
        return (page, adopting(page))
    }

    /// This browser with the session cookie `page` set (or cleared), as a browser keeps it.
    func adopting(_ page: Page) -> Browser {
        guard let cookie = page.header("Set-Cookie"), cookie.hasPrefix("flotilla_session=") else { return self }
        let value = cookie.dropFirst("flotilla_session=".count).prefix { $0 != ";" }
        return Browser(baseURL: baseURL, session: value.isEmpty ? nil : String(value), http: http)
    }

    /// `GET /auth/session`'s document.
    func sessionDocument() async throws -> (status: Int, json: JSONDocument) {
        let page = try await get("/auth/session")
        return (page.status, JSONDocument(text: page.text))
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A JSON body read leniently (a test reads fields and reports the text when they are missing).
struct JSONDocument: Sendable {
    let text: String
    var json: JSONValue? { try? JSONValue.parse(text) }
    subscript(_ key: String) -> JSONValue? { json?[key] }
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
}
