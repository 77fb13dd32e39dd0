import FlotillaCore
import Testing

/// Flotilla's Claude Code http hooks: the settings merge `flotilla up` writes, and the hook
/// bodies the hub reads, in Claude Code's documented shapes (code.claude.com/docs/en/hooks).
@Suite struct ClaudeHookTests {
    static let install = ClaudeHookSettings.Install(hubURL: "http://127.0.0.1:7700/", agent: "pm", permissionTimeout: 660)

    /// A user's settings with keys and hooks of its own, as Claude Code's docs show them.
    static let userSettings: JSONValue = try! JSONValue.parse("""
        {"permissions": {"allow": ["Bash(npm test)"], "deny": ["Read(./.env)"]},
         "env": {"FOO": "bar"},
         "hooks": {
           "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
           "PostToolUse": [{"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "prettier --write"}]}]
         }}
        """)

    @Test func everyEventGetsOneHttpHookWithTheTokenFromTheEnvironment() throws {
        let merged = try ClaudeHookSettings.merged(nil, Self.install)
        let hooks = try #require(merged["hooks"]?.objectValue)
        #expect(Set(hooks.keys) == Set(ClaudeHookSettings.events))
        for event in ClaudeHookSettings.events {
            let groups = try #require(hooks[event]?.arrayValue)
            #expect(groups.count == 1)
            let entry = try #require(groups[0]["hooks"]?.arrayValue?.first)
            #expect(groups[0]["matcher"] == nil, "no matcher: every tool, every notification")
            #expect(entry["type"] == "http")
            #expect(entry["url"] == "http://127.0.0.1:7700/hooks/claude/pm")
            #expect(entry["headers"] == ["Authorization": "Bearer $FLOTILLA_HOOK_TOKEN"])
            #expect(entry["allowedEnvVars"] == ["FLOTILLA_HOOK_TOKEN"])
            #expect(entry["timeout"] == (event == "PermissionRequest" ? 660 : .int(Int64(ClaudeHookSettings.stateTimeout))))
        }
        // No secret in the document: only the variable's name.
        #expect(!merged.jsonString.contains("flt_"))
    }

    @Test func theUsersKeysAndHooksAreKeptAndARerunChangesNothing() throws {
        let once = try ClaudeHookSettings.merged(Self.userSettings, Self.install)
        #expect(once["permissions"] == Self.userSettings["permissions"])
        #expect(once["env"] == ["FOO": "bar"])
        #expect(once["hooks"]?["PostToolUse"] == Self.userSettings["hooks"]?["PostToolUse"])
        let stop = try #require(once["hooks"]?["Stop"]?.arrayValue)
        #expect(stop.count == 2)
        #expect(stop[0] == Self.userSettings["hooks"]?["Stop"]?.arrayValue?.first, "the user's own Stop hook stays first")
        #expect(ClaudeHookSettings.isFlotillaHook(try #require(stop[1]["hooks"]?.arrayValue?.first)))
        let twice = try ClaudeHookSettings.merged(once, Self.install)
        #expect(twice == once)
    }

    @Test func anotherHubURLReplacesTheEarlierEntriesAndAutoApprovedAgentsGetNoPermissionHook() throws {
        let first = try ClaudeHookSettings.merged(Self.userSettings, Self.install)
        var moved = ClaudeHookSettings.Install(hubURL: "https://hub.example:7443", agent: "pm", approvals: false)
        moved.permissionTimeout = 100
        let second = try ClaudeHookSettings.merged(first, moved)
        #expect(second["hooks"]?["PermissionRequest"] == nil)
        let urls = second.jsonString.components(separatedBy: "/hooks/claude/").count - 1
        #expect(urls == 4, "one entry per installed event, the old hub's gone")
        #expect(!second.jsonString.contains("127.0.0.1:7700"))
        #expect(second["hooks"]?["Stop"]?.arrayValue?.count == 2)
    }

    @Test func settingsThatAreNotClaudeCodeSettingsAreRefusedWithTheKey() {
        #expect(throws: FlotillaError.self) { try ClaudeHookSettings.merged(["hooks": "nope"], Self.install) }
        #expect(throws: FlotillaError.self) { try ClaudeHookSettings.merged(["hooks": ["Stop": ["matcher": ""]]], Self.install) }
        #expect(throws: FlotillaError.self) { try ClaudeHookSettings.merged([1, 2], Self.install) }
        do {
            _ = try ClaudeHookSettings.merged(["hooks": ["Stop": 3]], Self.install)
        } catch {
            #expect(error.code == .invalidField)
            #expect(error.field == "hooks.Stop")
        }
    }

    @Test func hookBodiesAsClaudeCodeSendsThem() throws {
        let permission = try ClaudeHookCall.parse(JSONValue.parse("""
            {"session_id":"abc123","transcript_path":"/home/u/.claude/projects/x/abc123.jsonl","cwd":"/repo",
             "permission_mode":"default","hook_event_name":"PermissionRequest","tool_name":"Bash",
             "tool_input":{"command":"rm -rf build","description":"Remove the build directory"},
             "permission_suggestions":[{"type":"addRules","rules":[{"toolName":"Bash","ruleContent":"rm -rf build"}],"behavior":"allow","destination":"localSettings"}]}
            """))
        #expect(permission.event == .permissionRequest(tool: "Bash", input: ["command": "rm -rf build", "description": "Remove the build directory"]))
        #expect(permission.sessionID == "abc123")
        #expect(permission.cwd == "/repo")
        let notification = try ClaudeHookCall.parse(JSONValue.parse("""
            {"session_id":"abc123","cwd":"/repo","hook_event_name":"Notification","message":"Claude needs your permission to use Bash","title":"Claude Code","notification_type":"permission_prompt"}
            """))
        #expect(notification.event == .notification(type: "permission_prompt", message: "Claude needs your permission to use Bash"))
        #expect(try ClaudeHookCall.parse(["hook_event_name": "Stop", "stop_hook_active": false, "last_assistant_message": "Done."]).event == .stop)
        #expect(try ClaudeHookCall.parse(["hook_event_name": "UserPromptSubmit", "prompt": "fix the tests"]).event == .userPromptSubmit)
        #expect(try ClaudeHookCall.parse(["hook_event_name": "SessionStart", "source": "startup", "model": "claude-sonnet-4-5"]).event == .sessionStart(source: "startup"))
    }

    @Test func badBodiesAreRefusedWithTheField() {
        func field(_ body: JSONValue) -> String? {
            do {
                _ = try ClaudeHookCall.parse(body)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field([1]) == "body")
        #expect(field(["session_id": "x"]) == "hook_event_name")
        #expect(field(["hook_event_name": "PreToolUse", "tool_name": "Bash"]) == "hook_event_name")
        #expect(field(["hook_event_name": 7]) == "hook_event_name")
        #expect(field(["hook_event_name": "PermissionRequest"]) == "tool_name")
        #expect(field(["hook_event_name": "PermissionRequest", "tool_name": "Bash", "tool_input": "rm"]) == "tool_input")
    }

    @Test func thePermissionDecisionIsClaudeCodesDocumentedShape() throws {
        #expect(ClaudeHookCall.permissionDecision(allow: true, message: nil).jsonString
            == #"{"hookSpecificOutput":{"decision":{"behavior":"allow"},"hookEventName":"PermissionRequest"}}"#)
        #expect(ClaudeHookCall.permissionDecision(allow: false, message: "not on main").jsonString
            == #"{"hookSpecificOutput":{"decision":{"behavior":"deny","message":"not on main"},"hookEventName":"PermissionRequest"}}"#)
    }
}
