import FlotillaClient
import FlotillaCore
import Foundation
import Testing

@testable import FlotillaHub

/// Issue 22 item 2: a browser session ends when its token is revoked, when it expires and on
/// sign-out, and outlives a restart of the hub; a one-time link signs in once;
/// `flotilla dashboard` prints one.
@Suite struct SessionLifecycleTests {
    @Test func revokingTheTokenEndsItsSessions() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "lead", scope: "submitter")
            let id = try #require(created["id"]?.stringValue)
            let (_, page) = try await Browser(baseURL: hub.client.baseURL).signIn(try #require(created["token"]?.stringValue))
            #expect(try await page.get("/api/stats").status == 200)
            _ = try await hub.client.revokeToken(id)
            let after = try await page.get("/api/stats")
            #expect(after.status == 401 && JSONDocument(text: after.text).errorCode == "unauthorized", "\(after.text)")
            #expect(hub.hub.tokens.browser.count(of: id) == 0, "the revoked token's sessions are gone")
        }
    }

    @Test func aSessionOutlivesARestartOfTheHub() async throws {
        let directory = TestHub.temporaryDirectory()
        let signedIn = try await TestHub.run(dataDirectory: directory) { hub in
            let (_, page) = try await Browser(baseURL: hub.client.baseURL).signIn(hub.adminToken)
            let csrf = try #require(try await page.sessionDocument().json["csrf_token"]?.stringValue)
            return (try #require(page.session), csrf)
        }
        try await TestHub.run(dataDirectory: directory) { hub in
            let page = Browser(baseURL: hub.client.baseURL, session: signedIn.0)
            let (status, session) = try await page.sessionDocument()
            #expect(status == 200 && session["scope"] == "admin" && session["csrf_token"]?.stringValue == signedIn.1, "\(session.text)")
            let submitted = try await page.request(.POST, "/api/tasks", body: #"{"type": "x", "role": "nobody"}"#, headers: [("X-CSRF-Token", signedIn.1)])
            #expect(submitted.status == 201, "\(submitted.text)")
        }
    }

    @Test func aSessionExpires() async throws {
        // Eight seconds, not one: the session must still be good for the request right after
        // the sign-in, and on a loaded machine that request came more than a second later.
        try await TestHub.run(configure: { $0.sessionLifetime = 8 }) { hub in
            let (page, browser) = try await Browser(baseURL: hub.client.baseURL).signIn(hub.adminToken)
            #expect(BrowserSignInTests.attributes(page.header("Set-Cookie")).attributes.contains("Max-Age=8"))
            #expect(try await browser.get("/api/stats").status == 200)
            try await eventually("the session expired", within: 60) { try await browser.get("/api/stats").status == 401 }
            let (status, document) = try await browser.sessionDocument()
            #expect(status == 401 && document.json?["error"]?["message"]?.stringValue?.contains("/signin") == true, "\(document.text)")
        }
    }

    @Test func aOneTimeLinkSignsInOnce() async throws {
        try await TestHub.run { hub in
            let viewer = try await hub.client.createToken(name: "phone", scope: "viewer")
            let client = HubClient(baseURL: hub.client.baseURL, token: try #require(viewer["token"]?.stringValue))
            let link = try await client.dashboardLink()
            let path = try #require(link["path"]?.stringValue)
            #expect(path == "/auth/link?code=\(try #require(link["code"]?.stringValue))")
            let expires = try #require(link["expires_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(abs(expires - Timestamp.now() - 300) < 30, "5 minutes by default")

            let browser = Browser(baseURL: hub.client.baseURL)
            let first = try await browser.get(path)
            #expect(first.status == 303 && first.header("Location") == "/" && first.header("Set-Cookie")?.contains("HttpOnly; SameSite=Strict") == true, "\(first.status)")
            let (status, session) = try await browser.adopting(first).sessionDocument()
            #expect(status == 200 && session["scope"] == "viewer" && session["token_id"] == viewer["id"], "the link signs in as the token that made it: \(session.text)")

            let again = try await browser.get(path)
            #expect(again.status == 303 && again.header("Location") == "/signin?error=link_expired" && again.header("Set-Cookie") == nil)
            for bad in ["/auth/link?code=nosuch", "/auth/link"] {
                let page = try await browser.get(bad)
                #expect(page.status == 303 && page.header("Location") == "/signin?error=link_expired", "\(bad)")
            }
        }
    }

    @Test func aLinkExpiresAndItsTTLIsChecked() async throws {
        try await TestHub.run { hub in
            let link = try await hub.client.dashboardLink(ttl: 1)
            let path = try #require(link["path"]?.stringValue)
            try await eventually("the link expired", within: 10) { Timestamp.now() > (link["expires_at"]?.stringValue.flatMap(Timestamp.parse) ?? 0) }
            let late = try await Browser(baseURL: hub.client.baseURL).get(path)
            #expect(late.header("Location") == "/signin?error=link_expired")
            for body in [#"{"ttl_seconds": 0}"#, #"{"ttl_seconds": 3601}"#, #"{"ttl_seconds": "5"}"#, #"{"ttl": 5}"#, "[]"] {
                let (status, text) = try await hub.client.raw(.POST, "/api/dashboard/links", body: body)
                let code = JSONDocument(text: text).errorCode
                #expect(status == 400 && ["invalid_field", "unknown_field"].contains(code), "\(body): \(status) \(text)")
            }
            // A revoked token's links die with it.
            let created = try await hub.client.createToken(name: "gone", scope: "viewer")
            let doomed = try await HubClient(baseURL: hub.client.baseURL, token: try #require(created["token"]?.stringValue)).dashboardLink()
            _ = try await hub.client.revokeToken(try #require(created["id"]?.stringValue))
            let page = try await Browser(baseURL: hub.client.baseURL).get(try #require(doomed["path"]?.stringValue))
            #expect(page.header("Location") == "/signin?error=link_expired" && page.header("Set-Cookie") == nil)
        }
    }

    /// `flotilla dashboard` (the real binary) prints a link that signs a browser in.
    @Test func theDashboardCommandPrintsAWorkingLink() async throws {
        try await TestHub.run { hub in
            let result = try await Self.flotilla(["dashboard", "--hub", hub.client.baseURL, "--token", hub.adminToken])
            #expect(result.status == 0, "\(result.output)")
            let link = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(link.hasPrefix(hub.client.baseURL + "/auth/link?code="), "\(result.output)")
            let page = try await Browser(baseURL: "").get(link)
            #expect(page.status == 303 && page.header("Location") == "/" && page.header("Set-Cookie") != nil, "\(page.status)")

            let refused = try await Self.flotilla(["dashboard", "--hub", hub.client.baseURL, "--token", "flt_nope_0000"])
            #expect(refused.status == 1 && refused.output.contains("unauthorized"), "\(refused.output)")
            let bad = try await Self.flotilla(["dashboard", "--hub", hub.client.baseURL, "--ttl", "0"])
            #expect(bad.status != 0 && bad.output.contains("--ttl"), "\(bad.output)")

            // --open where no opener exists: it says so, and the link is still printed and works.
            let unopened = try await Self.flotilla(["dashboard", "--open", "--hub", hub.client.baseURL, "--token", hub.adminToken], environment: ["PATH": "/nonexistent"])
            #expect(unopened.status == 0 && unopened.output.contains("could not open a browser"), "\(unopened.output)")
            let printed = try #require(unopened.output.split(separator: "\n").first { $0.hasPrefix("http") })
            let opened = try await Browser(baseURL: "").get(String(printed))
            #expect(opened.status == 303 && opened.header("Set-Cookie") != nil, "\(opened.status)")
        }
    }

    /// Runs the `flotilla` binary; its exit status and output (stdout and stderr together).
    /// Waits on a thread of its own: the hub under test runs in this process.
    static func flotilla(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HubProcess.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output: String = try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { try process.run() } catch { return continuation.resume(throwing: error) }
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        return (process.terminationStatus, output)
    }
}
