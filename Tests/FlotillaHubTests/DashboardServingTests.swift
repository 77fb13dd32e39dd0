import FlotillaClient
import FlotillaCore
import Foundation
import Hummingbird
import Testing

@testable import FlotillaHub

/// Issue 22 item 1: the hub serves the dashboard itself: `/` is the page for a browser and stays
/// the monitor WebSocket for a WebSocket client; `/signin` and `/assets/{path}` with their
/// types, ETags, `304`s and security headers; nothing outside the assets is reachable.
@Suite struct DashboardServingTests {
    /// The assets as they are in the source tree (the bundle is a copy of them).
    static let sourceAssets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/FlotillaHub/Dashboard/Assets")

    /// The content type each extension must be served with (the start of the header).
    static let types = [
        "html": "text/html", "js": "text/javascript", "css": "text/css", "svg": "image/svg+xml",
        "png": "image/png", "json": "application/json", "ico": "image/x-icon",
    ]

    static func expectSecurityHeaders(_ page: Browser.Page, _ what: String) {
        #expect(page.header("Content-Security-Policy") == "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'", "\(what)")
        #expect(page.header("X-Content-Type-Options") == "nosniff", "\(what)")
        #expect(page.header("Referrer-Policy") == "no-referrer", "\(what)")
    }

    /// One GET sent byte for byte on a fresh connection (an HTTP library would normalise the
    /// path), answered with a JSON error: its status and body. Reads without blocking a thread,
    /// as the hub under test runs in this process.
    static func ask(port: Int, path: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        let socket = try RawSocket(port: port)
        defer { socket.hangUp() }
        socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
        let text = try await socket.read(until: "}}")
        guard let head = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
            throw TestFailure("not an HTTP response: \(text)")
        }
        return (status, String(text[head.upperBound...]))
    }

    @Test func theRootIsThePageForABrowserWithoutAToken() async throws {
        try await TestHub.run { hub in
            let browser = Browser(baseURL: hub.client.baseURL)
            let index = try await browser.get("/")
            #expect(index.status == 200)
            #expect(index.header("Content-Type") == "text/html; charset=utf-8")
            let onDisk = try String(contentsOf: Self.sourceAssets.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(index.text == onDisk, "GET / is Assets/index.html")
            #expect(index.header("Cache-Control") == "no-cache" && index.header("ETag") != nil)
            Self.expectSecurityHeaders(index, "GET /")

            let signin = try await browser.get("/signin")
            #expect(signin.status == 200 && signin.header("Content-Type") == "text/html; charset=utf-8")
            #expect(signin.text == (try String(contentsOf: Self.sourceAssets.appendingPathComponent("signin.html"), encoding: .utf8)))
            Self.expectSecurityHeaders(signin, "GET /signin")
        }
    }

    @Test func theMonitorSocketStillUpgradesAtTheRoot() async throws {
        try await TestHub.run { hub in
            let viewer = try #require(try await hub.client.createToken(name: "screen", scope: "viewer")["token"]?.stringValue)
            let socket = try RawSocket(port: hub.port)
            let headers = SocketAuthTests.upgrade + [("Authorization", "Bearer \(viewer)")]
            socket.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
            let answer = try await socket.read(until: "\"connected\"")
            #expect(answer.hasPrefix("HTTP/1.1 101"), "\(answer)")
            #expect(answer.contains("agent monitor events"), "the monitor's greeting: \(answer)")

            // A WebSocket client with no token is still refused, not handed the page.
            let (status, text) = try await Self.ask(port: hub.port, path: "/", headers: SocketAuthTests.upgrade)
            #expect(status == 401 && text.contains("unauthorized"), "\(status) \(text)")
        }
    }

    @Test func everyAssetIsServedWithItsTypeAndETag() async throws {
        let files = DashboardAssets.bundled.files
        #expect(files["index.html"] != nil && files["signin.html"] != nil, "the bundle holds the pages: \(files.keys.sorted())")
        try await TestHub.run { hub in
            let browser = Browser(baseURL: hub.client.baseURL)
            for path in files.keys.sorted() {
                let page = try await browser.get("/assets/" + path)
                #expect(page.status == 200, "\(path)")
                let type = Self.types[String(path.split(separator: ".").last ?? "")] ?? "application/octet-stream"
                #expect(page.header("Content-Type")?.hasPrefix(type) == true, "\(path): \(page.header("Content-Type") ?? "none")")
                #expect(page.header("Cache-Control") == "no-cache", "\(path)")
                let onDisk = try Data(contentsOf: Self.sourceAssets.appendingPathComponent(path))
                #expect(Data(page.text.utf8) == onDisk || !type.hasPrefix("text"), "\(path) is served as it is in the source tree")
            }
        }
        // Every type the contract names, including those no file has yet.
        for (ext, type) in Self.types {
            #expect(DashboardAsset.contentType(of: "x/file.\(ext)").hasPrefix(type), "\(ext)")
        }
        #expect(DashboardAsset.contentType(of: "app.js") == "text/javascript; charset=utf-8")
    }

    @Test func aKnownETagIsAnswered304() async throws {
        try await TestHub.run { hub in
            let browser = Browser(baseURL: hub.client.baseURL)
            let first = try await browser.get("/assets/index.html")
            let etag = try #require(first.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "a quoted strong validator: \(etag)")
            for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await browser.get("/assets/index.html", headers: [("If-None-Match", header)])
                #expect(again.status == 304 && again.text.isEmpty, "If-None-Match: \(header) → \(again.status)")
                #expect(again.header("ETag") == etag)
            }
            let changed = try await browser.get("/assets/index.html", headers: [("If-None-Match", "\"stale\"")])
            #expect(changed.status == 200 && !changed.text.isEmpty)
            let root = try await browser.get("/", headers: [("If-None-Match", etag)])
            #expect(root.status == 304, "the page at / is the same file with the same ETag")
        }
    }

    @Test func nothingOutsideTheAssetsIsReachable() async throws {
        try await TestHub.run { hub in
            // Sent byte for byte (an HTTP library would normalise the dots away).
            let paths = [
                "/assets/../Package.swift", "/assets/../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
                "/assets/css/../../Package.swift", "/assets/..%2f..%2fetc%2fpasswd", "/assets//etc/passwd",
                "/assets/nosuch.js", "/assets/", "/assets/.hidden",
            ]
            for path in paths {
                let (status, text) = try await Self.ask(port: hub.port, path: path)
                #expect(status == 404, "\(path): \(status) \(text)")
                #expect(!text.contains("root:") && !text.contains("PackageDescription"), "\(path) leaked a file: \(text)")
            }
            let known = try await Browser(baseURL: hub.client.baseURL).get("/assets/nosuch.js")
            #expect((try? JSONValue.parse(known.text))?["error"]?["code"] == "not_found", "\(known.text)")
        }
    }
}

extension DashboardServingTests {
    /// `flotilla hub` prints the dashboard's URL beside the API's, and it serves the page.
    @Test func theHubPrintsTheDashboardURL() async throws {
        let hub = try await HubProcess.start(dataDirectory: TestHub.temporaryDirectory(), leaseSeconds: 30)
        defer { hub.terminate() }
        #expect(hub.banner.contains("dashboard: \(hub.baseURL)/\n"), "\(hub.banner)")
        let page = try await Browser(baseURL: hub.baseURL).get("/")
        #expect(page.status == 200 && page.header("Content-Type") == "text/html; charset=utf-8")
    }
    /// A binary copied without its resource folder must not die on the first page (as
    /// `Bundle.module` would): the pages answer `503 dashboard_unavailable` saying what to copy,
    /// and `FLOTILLA_DASHBOARD_DIR` points the hub at a copy of the files.
    @Test func missingFilesAreA503ThatSaysWhatToDo() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let assets = DashboardAssets(directory: empty)
        let request = Request(head: .init(method: .get, scheme: "http", authority: "hub", path: "/"), body: .init(buffer: .init()))
        do {
            _ = try assets.response("index.html", for: request)
            Issue.record("a hub without its dashboard files served a page")
        } catch {
            #expect(error.code == .dashboardUnavailable && error.httpStatus == 503)
            #expect(error.message.contains("FLOTILLA_DASHBOARD_DIR") && error.message.contains("flotilla_FlotillaHub.resources"))
        }
        #expect(DashboardAssets.locate(environment: ["FLOTILLA_DASHBOARD_DIR": Self.sourceAssets.path]) == Self.sourceAssets)
        #expect(DashboardAssets(directory: DashboardAssets.locate()).missingReason == nil)
    }
}
