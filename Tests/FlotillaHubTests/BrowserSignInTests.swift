import FlotillaClient
import FlotillaCore
import Foundation
import Testing

@testable import FlotillaHub

/// Issue 22 item 2: a browser signs in with a token and gets an `HttpOnly`, `SameSite=Strict`
/// session cookie (`Secure` under TLS); agent tokens, wrong tokens and cross-site posts are
/// refused and create no session.
@Suite struct BrowserSignInTests {
    /// The cookie's attributes, split (`Max-Age=43200`, `HttpOnly`, …), its value apart.
    static func attributes(_ setCookie: String?) -> (value: String, attributes: Set<String>) {
        let parts = (setCookie ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let value = parts.first.map { String($0.dropFirst("flotilla_session=".count)) } ?? ""
        return (value, Set(parts.dropFirst()))
    }

    @Test(arguments: ["viewer", "submitter", "admin"])
    func aTokenSignsInWithTheCookiesFlags(scope: String) async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "browser-\(scope)", scope: scope)
            let token = try #require(created["token"]?.stringValue)
            let (page, browser) = try await Browser(baseURL: hub.client.baseURL).signIn(token, next: "#/tasks?state=queued")
            #expect(page.status == 303, "\(page.status) \(page.text)")
            #expect(page.header("Location") == "/#/tasks?state=queued", "the safe local next")
            let cookie = Self.attributes(page.header("Set-Cookie"))
            #expect(page.header("Set-Cookie")?.hasPrefix("flotilla_session=") == true)
            #expect(cookie.attributes == ["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"], "exactly these flags, no Secure over plain HTTP: \(cookie.attributes)")
            #expect(cookie.value.count >= 32, "at least 128 random bits: \(cookie.value)")

            let (status, session) = try await browser.sessionDocument()
            #expect(status == 200, "\(session.text)")
            #expect(session["token_id"] == created["id"] && session["scope"]?.stringValue == scope && session["name"]?.stringValue == "browser-\(scope)")
            #expect((session["csrf_token"]?.stringValue?.count ?? 0) >= 32, "\(session.text)")
            let expires = try #require(session["expires_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(abs(expires - Timestamp.now() - 43200) < 60, "12 hours by default: \(session.text)")
            // The stored session knows only the id's hash.
            #expect(hub.hub.tokens.browser.session(id: cookie.value) != nil)
            #expect(hub.hub.tokens.browser.count(of: try #require(created["id"]?.stringValue)) == 1)
        }
    }

    @Test func scriptsSignInWithJSONAndBearerTokensDescribeThemselves() async throws {
        try await TestHub.run { hub in
            let browser = Browser(baseURL: hub.client.baseURL)
            let page = try await browser.request(.POST, "/auth/signin", body: #"{"token": "\#(hub.adminToken)"}"#)
            #expect(page.status == 303 && page.header("Location") == "/" && page.header("Set-Cookie") != nil, "\(page.status) \(page.text)")
            let wrong = try await browser.request(.POST, "/auth/signin", body: #"{"token": "flt_nope_0000"}"#)
            #expect(wrong.status == 401 && JSONDocument(text: wrong.text).errorCode == "unauthorized" && wrong.header("Set-Cookie") == nil, "\(wrong.text)")
            let missing = try await browser.request(.POST, "/auth/signin", body: "{}")
            #expect(missing.status == 400 && JSONDocument(text: missing.text).errorCode == "missing_field", "\(missing.text)")

            // With a bearer token the page's document has no CSRF token and no expiry.
            let (status, text) = try await hub.client.raw(.GET, "/auth/session")
            let json = try JSONValue.parse(text)
            #expect(status == 200 && json["scope"] == "admin" && json["csrf_token"] == .null && json["expires_at"] == .null, "\(text)")
            // Nothing at all: 401, for the page to send the browser to /signin.
            let anonymous = try await browser.sessionDocument()
            #expect(anonymous.status == 401 && anonymous.json.errorCode == "unauthorized")
        }
    }

    @Test func agentAndWrongTokensAreRefusedAndCreateNoSession() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.client.createToken(name: "worker", scope: "agent")
            let browser = Browser(baseURL: hub.client.baseURL)
            let cases = [
                (try #require(agent["token"]?.stringValue), "/signin?error=forbidden"),
                ("flt_nope_0000", "/signin?error=unauthorized"),
                ("", "/signin?error=unauthorized"),
            ]
            for (token, location) in cases {
                let (page, signedIn) = try await browser.signIn(token)
                #expect(page.status == 303 && page.header("Location") == location, "'\(token)': \(page.status) \(page.header("Location") ?? "")")
                #expect(page.header("Set-Cookie") == nil && signedIn.session == nil)
            }
            let json = try await browser.request(.POST, "/auth/signin", body: #"{"token": "\#(try #require(agent["token"]?.stringValue))"}"#)
            #expect(json.status == 403 && JSONDocument(text: json.text).errorCode == "forbidden", "\(json.text)")
            #expect(hub.hub.tokens.browser.count(of: try #require(agent["id"]?.stringValue)) == 0)
            // A refusal keeps where the browser was going, for the next try.
            let (kept, _) = try await browser.signIn("flt_nope_0000", next: "#/agents")
            #expect(kept.header("Location") == "/signin?error=unauthorized&next=%23/agents", "\(kept.header("Location") ?? "")")
        }
    }

    @Test func anotherSitesPageCannotSignTheBrowserIn() async throws {
        try await TestHub.run { hub in
            let browser = Browser(baseURL: hub.client.baseURL)
            let own = "http://127.0.0.1:\(hub.port)"
            for headers in [[("Origin", "https://evil.example")], [("Origin", "http://127.0.0.1:1")], [("Origin", "http://127.0.0.1")], [("Origin", "null")], [("Origin", "127.0.0.1:\(hub.port)")], [("Sec-Fetch-Site", "cross-site")], [("Origin", own), ("Sec-Fetch-Site", "cross-site")], [("Origin", "null"), ("Sec-Fetch-Site", "same-site")]] {
                let (page, signedIn) = try await browser.signIn(hub.adminToken, headers: headers)
                #expect(page.status == 403 && JSONDocument(text: page.text).errorCode == "forbidden", "\(headers): \(page.status) \(page.text)")
                #expect(page.header("Set-Cookie") == nil && signedIn.session == nil)
            }
            let adminID = try #require(try await hub.client.tokens().first { $0["scope"] == "admin" }?["id"]?.stringValue)
            #expect(hub.hub.tokens.browser.count(of: adminID) == 0, "no session was created")
            // The hub's own page (same origin) signs in.
            let (page, _) = try await browser.signIn(hub.adminToken, headers: [("Origin", own), ("Sec-Fetch-Site", "same-origin")])
            #expect(page.status == 303 && page.header("Set-Cookie") != nil, "\(page.status) \(page.text)")
            // Chromium's own form post under `Referrer-Policy: no-referrer`: `Origin: null`, and
            // Fetch Metadata saying same-origin.
            let (chromium, _) = try await browser.signIn(hub.adminToken, headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")])
            #expect(chromium.status == 303 && chromium.header("Set-Cookie") != nil, "\(chromium.status) \(chromium.text)")
        }
    }

    @Test func nextNeverLeavesTheHub() {
        #expect(SignInForm.safeLocation(nil) == "/")
        #expect(SignInForm.safeLocation("#/tasks/a%20b") == "/#/tasks/a%20b")
        #expect(SignInForm.safeLocation("/signin") == "/signin")
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b", "evil"] {
            #expect(SignInForm.safeLocation(hostile) == "/", "\(hostile)")
        }
    }

    @Test func underTLSTheCookieIsSecure() async throws {
        let (certificate, key) = try await Self.makeCertificate()
        try await TestHub.run(configure: { $0.tls = HubTLS(certificatePath: certificate, keyPath: key) }) { hub in
            #expect(hub.client.baseURL.hasPrefix("https://"))
            let browser = Browser(baseURL: hub.client.baseURL, http: Browser.http(trusting: certificate))
            let (page, signedIn) = try await browser.signIn(hub.adminToken)
            #expect(page.status == 303)
            #expect(Self.attributes(page.header("Set-Cookie")).attributes == ["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200", "Secure"], "\(page.header("Set-Cookie") ?? "")")
            #expect(try await signedIn.sessionDocument().status == 200)
            let out = try await signedIn.request(.POST, "/auth/signout", headers: [("X-CSRF-Token", try #require(try await signedIn.sessionDocument().json["csrf_token"]?.stringValue))])
            #expect(out.status == 204 && out.header("Set-Cookie") == "flotilla_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure")
        }
    }

    /// A self-signed certificate for 127.0.0.1, made by openssl.
    static func makeCertificate() async throws -> (certificate: String, key: String) {
        let directory = TestHub.temporaryDirectory()
        let certificate = directory + "/hub.pem", key = directory + "/hub.key"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=flotilla-test-hub",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await eventually("openssl made the certificate", within: 60) { !process.isRunning }
        guard process.terminationStatus == 0 else { throw TestFailure("openssl failed with status \(process.terminationStatus)") }
        return (certificate, key)
    }
}
