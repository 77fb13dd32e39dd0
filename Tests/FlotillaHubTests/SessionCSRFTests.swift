import FlotillaClient
import FlotillaCore
import Foundation
import Testing

@testable import FlotillaHub

/// Issue 22 item 2: the session cookie authenticates `/api/*` and the event stream as its
/// token; every request that changes something must carry the session's CSRF token, else `403
/// csrf_failed` and nothing changes. Bearer requests need none.
@Suite struct SessionCSRFTests {
    /// A browser signed in with a new token of `scope`, and its CSRF token.
    static func signedIn(_ hub: TestHub, scope: String) async throws -> (browser: Browser, csrf: String) {
        let token = try #require(try await hub.client.createToken(name: "page-\(scope)", scope: scope)["token"]?.stringValue)
        let (_, browser) = try await Browser(baseURL: hub.client.baseURL).signIn(token)
        #expect(browser.session != nil)
        let csrf = try #require(try await browser.sessionDocument().json["csrf_token"]?.stringValue)
        return (browser, csrf)
    }

    @Test func theCookieReadsTheAPIAsItsToken() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["type": "x", "role": "nobody", "id": "seen"])
            let (viewer, _) = try await Self.signedIn(hub, scope: "viewer")
            let task = try await viewer.get("/api/tasks/seen")
            #expect(task.status == 200 && JSONDocument(text: task.text)["state"] == "queued", "\(task.text)")
            let stats = try await viewer.get("/api/stats")
            #expect(stats.status == 200, "\(stats.text)")
            // Its scope, not more: a viewer's cookie lists no tokens.
            let tokens = try await viewer.get("/api/tokens")
            #expect(tokens.status == 403 && JSONDocument(text: tokens.text).errorCode == "forbidden")
            // A cookie that is no session is no identity.
            let forged = try await Browser(baseURL: hub.client.baseURL, session: "0123456789abcdef0123456789abcdef").get("/api/stats")
            #expect(forged.status == 401 && JSONDocument(text: forged.text).errorCode == "unauthorized", "\(forged.text)")
        }
    }

    @Test func theEventStreamFollowsWithTheCookie() async throws {
        try await TestHub.run { hub in
            let (viewer, _) = try await Self.signedIn(hub, scope: "viewer")
            let socket = try RawSocket(port: hub.port)
            defer { socket.hangUp() }
            socket.send("GET /api/events?types=task. HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: flotilla_session=\(try #require(viewer.session))\r\n\r\n")
            let head = try await socket.read(until: "\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200") && head.lowercased().contains("text/event-stream"), "\(head)")
            _ = try await hub.client.submit(["type": "x", "role": "nobody", "id": "streamed"])
            let streamed = try await socket.read(until: "streamed")
            #expect(streamed.contains("task.queued"), "\(streamed)")
        }
    }

    @Test func aCookiePostWithoutTheCSRFTokenChangesNothing() async throws {
        try await TestHub.run { hub in
            let (page, csrf) = try await Self.signedIn(hub, scope: "submitter")
            _ = try await hub.client.submit(["type": "x", "role": "nobody", "id": "keep"])
            let body = #"{"type": "x", "role": "nobody", "id": "forged"}"#
            // Wrong by its last character only (one that differs from the real one).
            let almost = String(csrf.dropLast()) + (csrf.last == "0" ? "1" : "0")
            for headers in [[], [("X-CSRF-Token", "wrong")], [("X-CSRF-Token", almost)]] {
                let submit = try await page.request(.POST, "/api/tasks", body: body, headers: headers)
                #expect(submit.status == 403 && JSONDocument(text: submit.text).errorCode == "csrf_failed", "\(headers): \(submit.status) \(submit.text)")
                #expect(JSONDocument(text: submit.text).json?["error"]?["message"]?.stringValue?.contains("X-CSRF-Token") == true)
                let cancel = try await page.request(.POST, "/api/tasks/keep/cancel", body: "{}", headers: headers)
                #expect(cancel.status == 403 && JSONDocument(text: cancel.text).errorCode == "csrf_failed")
                let signOut = try await page.request(.POST, "/auth/signout", headers: headers)
                #expect(signOut.status == 403 && JSONDocument(text: signOut.text).errorCode == "csrf_failed")
            }
            let missing = await #expect(throws: HubClient.Failure.self) { try await hub.client.task("forged") }
            #expect(missing?.code == "task_not_found", "the refused submission created nothing")
            #expect(try await hub.client.task("keep")["state"] == "queued", "the refused cancel changed nothing")
            #expect(try await page.sessionDocument().status == 200, "the refused sign-out left the session")

            // With the token, the same requests work.
            let submitted = try await page.request(.POST, "/api/tasks", body: body, headers: [("X-CSRF-Token", csrf)])
            #expect(submitted.status == 201, "\(submitted.text)")
            let cancelled = try await page.request(.POST, "/api/tasks/keep/cancel", body: "{}", headers: [("X-CSRF-Token", csrf)])
            #expect(cancelled.status == 200 && JSONDocument(text: cancelled.text)["state"] == "cancelled", "\(cancelled.text)")
            // A bearer request needs no CSRF token, even with a cookie beside it.
            let bearer = try await page.request(.POST, "/api/tasks", body: #"{"type": "x", "role": "nobody", "id": "bearer"}"#, headers: [("Authorization", "Bearer \(hub.adminToken)")])
            #expect(bearer.status == 201, "\(bearer.text)")
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await TestHub.run { hub in
            let (page, csrf) = try await Self.signedIn(hub, scope: "viewer")
            let out = try await page.request(.POST, "/auth/signout", headers: [("X-CSRF-Token", csrf)])
            #expect(out.status == 204 && out.header("Set-Cookie") == "flotilla_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
            let after = try await page.get("/api/stats")
            #expect(after.status == 401 && JSONDocument(text: after.text).errorCode == "unauthorized", "\(after.text)")
        }
    }
}
