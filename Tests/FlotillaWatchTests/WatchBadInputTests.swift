import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Guarantee 5 on the watched-agent endpoints: every bad request gets a clear error with a
/// stable code, and changes nothing: no command queued or typed, no event, the agent untouched.
@Suite struct WatchBadInputTests {
    @Test func badRequestsGetStableCodesAndChangeNothing() async throws {
        try await TestFleet.with(agents: "  - {name: solo, command: '\(Fixture.fakeAgentCommand())', kind: claude}") { fleet in
            let recorded: @Sendable () -> [String] = { fleet.recorded("solo") }
            try await WatchHub.run(socket: fleet.socket, maxCommandBytes: 4096) { hub in
                let events = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await events.follow(hub.client) }
                    defer { group.cancelAll() }
                    try await events.wait("solo idle") { $0.states("solo").contains("idle") }
                    let agentToken = try await hub.client.createToken(name: "worker", scope: "agent")["token"]?.stringValue ?? ""
                    let huge = #"{"text": ""# + String(repeating: "x", count: 5000) + #""}"#
                    let cases: [(String, String, String?, Int, String, String?)] = [
                        // (method, path, body, status, code, field)
                        ("POST", "/api/agents/nobody/command", #"{"text": "hi"}"#, 404, "agent_not_found", "id"),
                        ("POST", "/api/agents/solo/command", nil, 400, "malformed_json", nil),
                        ("POST", "/api/agents/solo/command", "{", 400, "malformed_json", nil),
                        ("POST", "/api/agents/solo/command", "[]", 400, "invalid_field", nil),
                        ("POST", "/api/agents/solo/command", "{}", 400, "missing_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"text": null}"#, 400, "missing_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"text": ""}"#, 400, "invalid_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"text": " \n "}"#, 400, "invalid_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"text": 42}"#, 400, "invalid_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"text": ["a"]}"#, 400, "invalid_field", "text"),
                        ("POST", "/api/agents/solo/command", #"{"command": false}"#, 400, "invalid_field", "command"),
                        ("POST", "/api/agents/solo/command", #"{"text": "a", "command": "b"}"#, 400, "invalid_field", "command"),
                        ("POST", "/api/agents/solo/command", #"{"text": "a", "force": "yes"}"#, 400, "invalid_field", "force"),
                        ("POST", "/api/agents/solo/command", #"{"text": "a", "colour": 1}"#, 400, "unknown_field", "colour"),
                        ("POST", "/api/agents/solo/command", #"{"text": "a\u001b[201~\r"}"#, 400, "invalid_field", "text"),
                        ("POST", "/api/agents/solo/command?wait=-1", #"{"text": "a"}"#, 400, "invalid_field", "wait"),
                        ("POST", "/api/agents/solo/command", huge, 413, "body_too_large", nil),
                        ("GET", "/api/agents/nobody/output", nil, 404, "agent_not_found", "id"),
                        ("GET", "/api/agents/solo/output?lines=0", nil, 400, "invalid_field", "lines"),
                        ("GET", "/api/agents/solo/output?lines=many", nil, 400, "invalid_field", "lines"),
                        ("GET", "/api/agents/nobody/commands", nil, 404, "agent_not_found", "id"),
                        ("POST", "/api/agents/nobody/kill", nil, 404, "agent_not_found", "id"),
                        ("POST", "/api/agents/solo/kill", #"{"grace": "soon"}"#, 400, "invalid_field", "grace"),
                        ("POST", "/api/agents/solo/kill", #"{"signal": 9}"#, 400, "unknown_field", "signal"),
                    ]
                    for (method, path, body, status, code, field) in cases {
                        let answer = method == "GET" ? try await hub.get(path) : try await hub.post(path, body)
                        #expect(answer.status == status, "\(method) \(path) \(body ?? "-"): \(answer.json)")
                        #expect(answer.json["error"]?["code"]?.stringValue == code, "\(method) \(path) \(body ?? "-"): \(answer.json)")
                        #expect(answer.json["error"]?["field"]?.stringValue == field, "\(method) \(path) \(body ?? "-"): \(answer.json)")
                    }
                    // Admin routes: an agent token is refused (403), no token is 401.
                    for path in ["/api/agents/solo/command", "/api/agents/solo/kill"] {
                        let asAgent = try await hub.post(path, #"{"text": "hi"}"#, token: agentToken)
                        #expect(asAgent.status == 403 && asAgent.json["error"]?["code"] == "forbidden")
                        let anonymous = try await hub.post(path, #"{"text": "hi"}"#, token: "")
                        #expect(anonymous.status == 401 && anonymous.json["error"]?["code"] == "unauthorized")
                    }
                    for path in ["/api/agents/solo/output", "/api/agents/solo/commands", "/api/watch"] {
                        #expect(try await hub.get(path, token: agentToken).status == 403)
                    }

                    // Nothing changed: no command in the trail, nothing typed, no command event,
                    // the agent still watched, alive and idle.
                    let commands = try await hub.get("/api/agents/solo/commands")
                    #expect(commands.status == 200 && commands.json["commands"] == .array([]))
                    #expect(recorded().isEmpty)
                    #expect(events.all.allSatisfy { !$0.type.hasPrefix("agent.command_") && $0.type != "agent.killed" })
                    let watch = try await hub.get("/api/watch")
                    #expect(watch.json["agents"]?.arrayValue?.first?["state"] == "idle", "\(watch.json)")

                    // And the endpoint still works: the first good command gets id 1.
                    let good = try await hub.post("/api/agents/solo/command?wait=20", #"{"text": "after all that"}"#)
                    #expect(good.status == 200 && good.json["id"] == 1 && good.json["status"] == "sent", "\(good.json)")
                    #expect(recorded() == ["after all that"])
                }
            }
        }
    }

    @Test func withoutWatchingTheEndpointsSay409() async throws {
        try await WatchHub.run(socket: nil) { hub in
            let overview = try await hub.get("/api/watch")
            #expect(overview.status == 200 && overview.json["enabled"] == false)
            let calls: [(String, String?)] = [
                ("/api/agents/a/output", nil), ("/api/agents/a/commands", nil),
                ("/api/agents/a/command", #"{"text": "hi"}"#), ("/api/agents/a/kill", "{}"),
            ]
            for (path, body) in calls {
                let answer = body == nil ? try await hub.get(path) : try await hub.post(path, body)
                #expect(answer.status == 409 && answer.json["error"]?["code"] == "watch_not_enabled", "\(path): \(answer.json)")
            }
        }
    }
}
