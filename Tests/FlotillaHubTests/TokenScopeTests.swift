import FlotillaClient
import FlotillaCore
import Foundation
import NIOHTTP1
import Testing

@testable import FlotillaHub

/// Issue 22 item 2: viewer and submitter tokens. Every route the hub registers declares the
/// scope it needs (``RouteScopes``), and each scope is tried on each route of a real hub.
@Suite struct TokenScopeTests {
    /// The scopes that reach each route; every other scope gets `403 forbidden`.
    static func allowed(_ needed: String) -> Set<String> {
        switch needed {
        case "viewer": ["viewer", "submitter", "admin"]
        case "submitter": ["submitter", "admin"]
        case "agent": ["agent", "admin"]
        default: ["admin"]
        }
    }

    /// A request on `route` that changes nothing whoever sends it: made-up ids (404), empty or
    /// bad bodies (400), an invalid `since` for the endless event stream (400).
    static func tryHarmlessly(_ route: String, with client: HubClient) async throws -> (status: Int, text: String) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let path = harmlessPath(parts[1])
        // A plain GET of `/` is the dashboard's page, open to all: the scoped route is the socket.
        if route == "GET /" { return try await monitorUpgrade(client) }
        switch parts[0] {
        case "GET": return try await client.raw(.GET, path, timeout: .seconds(10))
        case "POST": return try await client.raw(.POST, path, body: "{}", timeout: .seconds(10))
        case "PUT": return try await client.raw(.PUT, path, body: "{}", timeout: .seconds(10))
        case "DELETE": return try await client.raw(.DELETE, path, timeout: .seconds(10))
        default: throw TestFailure("no harmless request for \(route)")
        }
    }

    /// `path` with made-up ids, and for the endless event stream an invalid `since` (400).
    static func harmlessPath(_ path: String) -> String {
        let path = path.replacingOccurrences(of: "{id}", with: "nosuch").replacingOccurrences(of: "{name}", with: "nosuch").replacingOccurrences(of: "{command}", with: "999999")
        return path == "/api/events" ? path + "?since=-1" : path
    }

    /// The same harmless request from a browser signed in with a session cookie (and its CSRF
    /// token, so only the scope decides).
    static func tryHarmlessly(_ route: String, with browser: Browser, csrf: String) async throws -> (status: Int, text: String) {
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        let method: HTTPMethod = switch parts[0] {
        case "GET": .GET
        case "POST": .POST
        case "PUT": .PUT
        case "DELETE": .DELETE
        default: throw TestFailure("no harmless request for \(route)")
        }
        let page = try await browser.request(method, harmlessPath(parts[1]), body: ["POST", "PUT"].contains(parts[0]) ? "{}" : nil, headers: [("X-CSRF-Token", csrf)])
        return (page.status, page.text)
    }

    /// The table's policy, checked apart from the table: a viewer changes nothing but its own
    /// dashboard session (sign-out, sign-in links); a submitter touches no tokens and steers no
    /// agents.
    @Test func viewersChangeNothingAndSubmittersNeitherTokensNorAgents() {
        let viewersOwn: Set<String> = ["POST /auth/signout", "POST /api/dashboard/links"]
        for (route, needed) in RouteScopes.table {
            let method = route.prefix { $0 != " " }
            if method != "GET", !viewersOwn.contains(route) {
                #expect(needed != .viewer, "\(route) changes something: no viewer may use it")
            }
            if route.contains(" /api/tokens") || (route.contains(" /api/agents") && method != "GET") {
                #expect(needed == .admin, "\(route) manages tokens or steers agents: admins only")
            }
        }
    }

    /// Every route again, signed in by session cookie instead of a bearer token: the cookie
    /// reaches exactly what its token does. (Not the sockets, which take no cookie, nor
    /// sign-out, which would end the session under test.)
    @Test func aSessionCookieReachesExactlyWhatItsTokenReaches() async throws {
        try await TestHub.run { served in
            let routes = HubRouter(hub: served.hub).routes.filter {
                !RouteScopes.open.contains($0) && !["GET /", "GET /ws", "POST /auth/signout"].contains($0)
            }
            #expect(routes.count >= 20, "the router enumerated: \(routes)")
            for scope in ["viewer", "submitter", "admin"] {
                let token = try #require(try await served.client.createToken(name: "cookie-\(scope)", scope: scope)["token"]?.stringValue)
                let (_, browser) = try await Browser(baseURL: served.client.baseURL).signIn(token)
                let csrf = try #require(try await browser.sessionDocument().json["csrf_token"]?.stringValue)
                for route in routes {
                    let needed = RouteScopes.needed(for: route).rawValue
                    let (status, text) = try await Self.tryHarmlessly(route, with: browser, csrf: csrf)
                    let code = (try? JSONValue.parse(text))?["error"]?["code"]?.stringValue
                    if Self.allowed(needed).contains(scope) {
                        #expect(status != 403 && status != 401 && status < 500, "\(scope) cookie on \(route) (needs \(needed)): \(status) \(text)")
                    } else {
                        #expect(status == 403 && code == "forbidden", "\(scope) cookie on \(route) (needs \(needed)): \(status) \(text)")
                    }
                }
            }
        }
    }

    /// A WebSocket upgrade of `/` (the monitor socket) with `client`'s token: `101`, or the
    /// refusal's status and JSON body.
    static func monitorUpgrade(_ client: HubClient) async throws -> (status: Int, text: String) {
        guard let port = URL(string: client.baseURL)?.port else { throw TestFailure("no port in \(client.baseURL)") }
        let socket = try RawSocket(port: port)
        defer { socket.hangUp() }
        let headers = SocketAuthTests.upgrade + (client.token.map { [("Authorization", "Bearer \($0)")] } ?? [])
        socket.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
        let head = try await socket.read(until: "\r\n\r\n")
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        if status == 101 { return (status, head) }
        // The refusal's JSON body may have come with the head already.
        let text = head.contains("}}") ? head : head + (try await socket.read(until: "}}"))
        return (status, String(text[(text.range(of: "\r\n\r\n")?.upperBound ?? text.startIndex)...]))
    }

    @Test func everyRouteDeclaresAScopeAndEachScopeIsEnforced() async throws {
        try await TestHub.run { served in
            let routes = HubRouter(hub: served.hub).routes.filter { !RouteScopes.open.contains($0) }
            let undeclared = routes.filter { RouteScopes.table[$0] == nil }
            #expect(undeclared.isEmpty, "routes without a declared scope in RouteScopes: \(undeclared)")
            let stale = Set(RouteScopes.table.keys).subtracting(routes)
            #expect(stale.isEmpty, "RouteScopes names routes the hub does not serve: \(stale.sorted())")
            #expect(routes.count >= 20, "the router enumerated: \(routes)")

            var clients = ["admin": served.client]
            for scope in ["viewer", "submitter", "agent"] {
                let created = try await served.client.createToken(name: "scope-\(scope)", scope: scope)
                #expect(created["scope"]?.stringValue == scope)
                clients[scope] = HubClient(baseURL: served.client.baseURL, token: try #require(created["token"]?.stringValue))
            }
            for route in routes {
                let needed = RouteScopes.needed(for: route).rawValue
                for (scope, client) in clients {
                    let (status, text) = try await Self.tryHarmlessly(route, with: client)
                    let code = (try? JSONValue.parse(text))?["error"]?["code"]?.stringValue
                    if Self.allowed(needed).contains(scope) {
                        #expect(status != 403 && status < 500, "\(scope) on \(route) (needs \(needed)): \(status) \(text)")
                    } else {
                        #expect(status == 403 && code == "forbidden", "\(scope) on \(route) (needs \(needed)): \(status) \(text)")
                        if status == 403 {
                            #expect(text.contains("'\(needed)'") && text.contains("'\(scope)'"), "the refusal names both scopes: \(text)")
                        }
                    }
                }
            }
        }
    }

    @Test func aViewerReadsTasksAndFollowsTheEventStreamButChangesNothing() async throws {
        try await TestHub.run { served in
            let created = try await served.client.createToken(name: "dashboard", scope: "viewer")
            let viewer = HubClient(baseURL: served.client.baseURL, token: try #require(created["token"]?.stringValue))
            let before = try await viewer.stats()["events"]?["last_seq"]?.intValue ?? 0
            let task = try await served.client.submit(["type": "x", "role": "nobody", "id": "watched"])
            #expect(task["state"] == "queued")
            let seen = try await withDeadline(10, "the viewer's event stream shows the submission") {
                for try await event in viewer.events(since: before, types: ["task."]) {
                    if event.json["task_id"]?.stringValue == "watched" { return event.type }
                }
                return "the stream ended"
            }
            #expect(seen == "task.queued")
            #expect(try await viewer.task("watched")["state"] == "queued")
            let refused = await #expect(throws: HubClient.Failure.self) { try await viewer.cancel("watched") }
            #expect(refused?.status == 403 && refused?.code == "forbidden")
            #expect(try await served.client.task("watched")["state"] == "queued", "the refused cancel changed nothing")
        }
    }

    @Test func aSubmitterSubmitsCancelsAndRetriesButManagesNoTokens() async throws {
        try await TestHub.run { served in
            let created = try await served.client.createToken(name: "ci", scope: "submitter")
            let submitter = HubClient(baseURL: served.client.baseURL, token: try #require(created["token"]?.stringValue))
            let task = try await submitter.submit(["type": "x", "role": "nobody", "id": "ci-1"])
            #expect(task["state"] == "queued")
            #expect(try await submitter.cancel("ci-1")["state"] == "cancelled")
            #expect(try await submitter.retry("ci-1")["state"] == "queued")

            let tokensBefore = try await served.client.tokens().count
            let create = await #expect(throws: HubClient.Failure.self) { try await submitter.createToken(name: "sneaky", scope: "admin") }
            #expect(create?.status == 403 && create?.code == "forbidden")
            let adminID = try #require(try await served.client.tokens().first { $0["scope"] == "admin" }?["id"]?.stringValue)
            let revoke = await #expect(throws: HubClient.Failure.self) { try await submitter.revokeToken(adminID) }
            #expect(revoke?.status == 403 && revoke?.code == "forbidden")
            let list = await #expect(throws: HubClient.Failure.self) { try await submitter.tokens() }
            #expect(list?.status == 403)
            let tokens = try await served.client.tokens()
            #expect(tokens.count == tokensBefore, "nothing was created")
            #expect(tokens.allSatisfy { $0["revoked_at"] == .null }, "nothing was revoked")
        }
    }

    @Test func anUnknownScopeIsRefusedAndCreatesNothing() async throws {
        try await TestHub.run { served in
            let before = try await served.client.tokens().count
            let refused = await #expect(throws: HubClient.Failure.self) { try await served.client.createToken(name: "x", scope: "owner") }
            #expect(refused?.status == 400 && refused?.code == "invalid_field" && refused?.field == "scope")
            let carried = await #expect(throws: HubClient.Failure.self) { try await served.client.createToken(name: "v", scope: "viewer", role: "testing") }
            #expect(carried?.code == "invalid_field" && carried?.field == "role")
            #expect(try await served.client.tokens().count == before)
        }
    }
}
