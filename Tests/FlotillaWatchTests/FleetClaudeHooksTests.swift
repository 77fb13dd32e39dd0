import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// `flotilla up` installs Claude Code http hooks for an interactive Claude Code agent: merged
/// into its `.claude/settings.local.json` (the user's keys kept, the same file on a re-run),
/// the token only in the pane's environment, and the hooks it wrote reach the hub.
@Suite(.serialized) struct FleetClaudeHooksTests {
    /// Mints fleet tokens on the test's hub as the CLI's issuer does (`POST /api/tokens`).
    struct Issuer: AgentTokenIssuer {
        let hub: WatchHub
        func issue(agent name: String, role: String?) async throws -> String {
            let created = try await hub.post("/api/tokens", #"{"name":"fleet:\#(name)","scope":"agent","agent_id":"\#(name)"}"#)
            guard let token = created.json["token"]?.stringValue else { throw TestFailure("no token: \(created)") }
            return token
        }
    }

    static let userSettings = """
        {
          "permissions": {"allow": ["Bash(npm test)"]},
          "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]}
        }
        """

    @Test func upMergesTheHooksAndTheyReachTheHubWithTheAgentsToken() async throws {
        try await WatchHub.run(socket: nil) { hub in
            // The pane writes what Claude Code would resolve `$FLOTILLA_HOOK_TOKEN` to (a test's
            // stand-in for Claude Code reading its environment), then idles.
            let agents = #"  - {name: pm, command: 'printf %s "$FLOTILLA_HOOK_TOKEN" > seen.token; exec sleep 600', kind: claude}"#
                + "\napprovals: {timeout: 2m}"
            try await TestFleet.with(agents: agents, hub: "{url: 'http://127.0.0.1:\(hub.port)', start: false}", start: false) { fleet in
                let settingsPath = fleet.directory + "/.claude/settings.local.json"
                try FileManager.default.createDirectory(atPath: fleet.directory + "/.claude", withIntermediateDirectories: true)
                try Self.userSettings.write(toFile: settingsPath, atomically: true, encoding: .utf8)
                var withIssuer = fleet.fleet
                withIssuer.issuer = Issuer(hub: hub)
                let report = try await withIssuer.up(supervisor: false)
                #expect(report.warnings.isEmpty, "\(report.warnings)")
                let text = try String(contentsOfFile: settingsPath, encoding: .utf8)
                let settings = try JSONValue.parse(text)
                #expect(settings["permissions"] == ["allow": ["Bash(npm test)"]], "the user's keys are kept")
                let stop = try #require(settings["hooks"]?["Stop"]?.arrayValue)
                #expect(stop.count == 2)
                #expect(stop[0]["hooks"]?.arrayValue?.first?["command"] == "notify-send done")
                let hook = try #require(stop[1]["hooks"]?.arrayValue?.first)
                #expect(hook["url"] == .string("http://127.0.0.1:\(hub.port)/hooks/claude/pm"))
                #expect(Set(settings["hooks"]?.objectValue?.keys.map { $0 } ?? []) == Set(ClaudeHookSettings.events))
                // Claude Code waits a minute longer than the fleet's approval timeout (2 m).
                #expect(settings["hooks"]?["PermissionRequest"]?.arrayValue?.first?["hooks"]?.arrayValue?.first?["timeout"] == 180)
                // The token is in the pane's environment, never in the settings file.
                let seen = fleet.directory + "/seen.token"
                let deadline = ContinuousClock.now + .seconds(10)
                while (try? String(contentsOfFile: seen, encoding: .utf8))?.isEmpty ?? true, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let token = try String(contentsOfFile: seen, encoding: .utf8)
                #expect(token.hasPrefix("flt_"))
                #expect(!text.contains(token))
                // What Claude Code sends for Stop: the header with the variable resolved.
                let header = try #require(hook["headers"]?["Authorization"]?.stringValue)
                #expect(header == "Bearer $FLOTILLA_HOOK_TOKEN")
                var client = hub.client
                client.token = nil
                let (status, _) = try await client.raw(
                    .POST, "/hooks/claude/pm", body: #"{"session_id":"s","cwd":"/repo","hook_event_name":"Stop","stop_hook_active":false}"#,
                    headers: [("Authorization", header.replacingOccurrences(of: "$FLOTILLA_HOOK_TOKEN", with: token))]
                )
                #expect(status == 200)
                // A re-run (a restart mints a new token and installs again) leaves the same file.
                try await withIssuer.restart("pm")
                #expect(try String(contentsOfFile: settingsPath, encoding: .utf8) == text)
            }
        }
    }

    @Test func settingsThatAreNotJSONAreLeftAloneWithAWarning() async throws {
        let agents = "  - {name: pm, command: 'exec sleep 600', kind: claude}\n  - {name: sh, command: 'exec sleep 600'}"
        try await TestFleet.with(agents: agents, start: false) { fleet in
            let settingsPath = fleet.directory + "/.claude/settings.local.json"
            try FileManager.default.createDirectory(atPath: fleet.directory + "/.claude", withIntermediateDirectories: true)
            try "{ not json".write(toFile: settingsPath, atomically: true, encoding: .utf8)
            let report = try await fleet.fleet.up(supervisor: false)
            #expect(report.warnings.count == 1)
            #expect(report.warnings.first?.contains("settings.local.json is not valid JSON") == true, "\(report.warnings)")
            #expect(try String(contentsOfFile: settingsPath, encoding: .utf8) == "{ not json")
            #expect(report.panes.count == 2, "the agents start anyway")
        }
    }
}
