import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// `POST /hooks/claude/{agent}` on a real hub, with the bodies Claude Code's http hooks send
/// (code.claude.com/docs/en/hooks, "Hook input"): PermissionRequest waits for the approval's
/// decision and answers Claude Code's decision JSON; the state hooks move the watched agent.
@Suite(.serialized) struct ClaudeHookRouteTests {
    static let permission = """
        {"session_id":"3f1c","transcript_path":"/home/u/.claude/projects/repo/3f1c.jsonl","cwd":"/repo","permission_mode":"default",
         "hook_event_name":"PermissionRequest","tool_name":"Bash","tool_input":{"command":"rm -rf build","description":"Remove build output"},
         "permission_suggestions":[{"type":"addRules","rules":[{"toolName":"Bash","ruleContent":"rm -rf build"}],"behavior":"allow","destination":"localSettings"}]}
        """

    static func body(_ event: String, _ extra: String = "") -> String {
        #"{"session_id":"3f1c","transcript_path":"/t.jsonl","cwd":"/repo","hook_event_name":"\#(event)"\#(extra)}"#
    }

    /// A token bound to agent `agent`, as `flotilla up` mints for a fleet agent.
    static func agentToken(_ hub: WatchHub, _ agent: String) async throws -> String {
        let created = try await hub.post("/api/tokens", #"{"name":"fleet:\#(agent)","scope":"agent","agent_id":"\#(agent)"}"#)
        return try #require(created.json["token"]?.stringValue)
    }

    static func approvals(_ hub: WatchHub, _ query: String) async throws -> [JSONValue] {
        try await hub.get("/api/approvals?\(query)").json["approvals"]?.arrayValue ?? []
    }

    @Test func aPermissionRequestWaitsForAPersonAndADenyAnswersWithItsReason() async throws {
        try await WatchHub.run(socket: nil) { hub in
            let token = try await Self.agentToken(hub, "pm")
            try await withThrowingTaskGroup(of: (status: Int, json: JSONValue).self) { group in
                group.addTask { try await hub.post("/hooks/claude/pm", Self.permission, token: token) }
                var pending: [JSONValue] = []
                let deadline = ContinuousClock.now + .seconds(10)
                while pending.isEmpty, ContinuousClock.now < deadline {
                    pending = try await Self.approvals(hub, "state=pending&agent=pm")
                    if pending.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                }
                let request = try #require(pending.first, "the request shows in /api/approvals")
                #expect(request["source"] == "claude_hook")
                #expect(request["tool"] == "Bash")
                #expect(request["subject"] == "Bash(rm -rf build)")
                #expect(request["detail"]?.stringValue?.contains("rm -rf build") == true)
                #expect(request["task_id"] == .null)
                let id = try #require(request["id"]?.stringValue)
                let denied = try await hub.post("/api/approvals/\(id)/deny", #"{"reason":"not on main"}"#)
                #expect(denied.status == 200)
                let answer = try #require(try await group.next())
                #expect(answer.status == 200)
                #expect(answer.json == ClaudeHookCall.permissionDecision(allow: false, message: "not on main"))
                #expect(answer.json["hookSpecificOutput"]?["decision"]?["behavior"] == "deny")
            }
            let record = try #require(try await Self.approvals(hub, "state=all&agent=pm").first)
            #expect(record["decided_by"] == "person")
            #expect(record["reason"] == "not on main")
        }
    }

    @Test func anAllowRuleAnswersAtOnce() async throws {
        let policy = try ApprovalPolicy(json: JSONValue.parse(#"{"rules":[{"agent":"pm","allow":["^Bash\\(swift test"],"deny":["rm -rf"]}]}"#))
        try await WatchHub.run(socket: nil, configure: { $0.approvals = policy }) { hub in
            let token = try await Self.agentToken(hub, "pm")
            let started = ContinuousClock.now
            let body = Self.permission.replacingOccurrences(of: "rm -rf build", with: "swift test --filter Hooks")
            let answer = try await hub.post("/hooks/claude/pm", body, token: token)
            #expect(ContinuousClock.now - started < .seconds(3), "a rule answers without waiting for a person")
            #expect(answer.json == ClaudeHookCall.permissionDecision(allow: true, message: nil))
            let denied = try await hub.post("/hooks/claude/pm", Self.permission, token: token)
            #expect(denied.json["hookSpecificOutput"]?["decision"]?["behavior"] == "deny")
            let records = try await Self.approvals(hub, "state=all&agent=pm")
            #expect(records.count == 2)
            #expect(records.allSatisfy { $0["decided_by"] == "rule" })
        }
    }

    @Test func hooksSetTheWatchedAgentsStateOverItsScreen() async throws {
        try await TestFleet.with(agents: "  - {name: pm, command: '\(Fixture.fakeAgentCommand())', kind: claude}") { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                let log = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await log.follow(hub.client) }
                    try await log.wait("pm idle on its screen") { $0.states("pm").last == "idle" }
                    let token = try await Self.agentToken(hub, "pm")
                    // The screen still shows an idle input box; the hook says Claude works.
                    let submitted = try await hub.post("/hooks/claude/pm", Self.body("UserPromptSubmit", #","prompt":"fix the tests""#), token: token)
                    #expect(submitted.status == 200)
                    #expect(submitted.json == .object([:]))
                    try await log.wait("working from the hook") { $0.states("pm").last == "working" }
                    let change = try #require(log.of("pm", "agent.screen_state").last)
                    #expect(change["source"] == "hook")
                    #expect(change["hook"] == "UserPromptSubmit")
                    #expect(change["from"] == "idle")
                    let watch = try await hub.get("/api/watch").json["agents"]?.arrayValue?.first { $0["agent"] == "pm" }
                    #expect(watch?["state"] == "working", "the screen, idle, does not win it back at once")
                    let notified = try await hub.post("/hooks/claude/pm", Self.body("Notification", #","message":"Claude needs your permission to use Bash","notification_type":"permission_prompt""#), token: token)
                    #expect(notified.status == 200)
                    try await log.wait("waiting_input from the hook") { $0.states("pm").last == "waiting_input" }
                    _ = try await hub.post("/hooks/claude/pm", Self.body("Stop", #","stop_hook_active":false"#), token: token)
                    try await log.wait("idle from Stop") { $0.states("pm").last == "idle" }
                    #expect(log.of("pm", "agent.screen_state").last?["hook"] == "Stop")
                    group.cancelAll()
                }
            }
        }
    }

    @Test func badBodiesAndOtherAgentsTokensChangeNothing() async throws {
        try await WatchHub.run(socket: nil) { hub in
            let token = try await Self.agentToken(hub, "pm")
            let other = try await Self.agentToken(hub, "qa")
            let malformed = try await hub.post("/hooks/claude/pm", #"{"hook_event_name": "Stop""#, token: token)
            #expect(malformed.status == 400)
            #expect(malformed.json["error"]?["code"] == "malformed_json")
            let unknown = try await hub.post("/hooks/claude/pm", Self.body("PreToolUse", #","tool_name":"Bash""#), token: token)
            #expect(unknown.status == 400)
            #expect(unknown.json["error"]?["code"] == "invalid_field")
            #expect(unknown.json["error"]?["field"] == "hook_event_name")
            let noTool = try await hub.post("/hooks/claude/pm", Self.body("PermissionRequest"), token: token)
            #expect(noTool.json["error"]?["code"] == "missing_field")
            let foreign = try await hub.post("/hooks/claude/pm", Self.permission, token: other)
            #expect(foreign.status == 403)
            #expect(foreign.json["error"]?["code"] == "forbidden")
            let viewer = try await hub.post("/api/tokens", #"{"name":"watcher","scope":"viewer"}"#).json["token"]?.stringValue
            #expect(try await hub.post("/hooks/claude/pm", Self.permission, token: viewer).status == 403)
            #expect(try await hub.post("/hooks/claude/pm", Self.permission, token: "flt_nope_nope").status == 401)
            #expect(try await Self.approvals(hub, "state=all").isEmpty, "no request was recorded")
        }
    }
}
