import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// The last resort of approvals: a watched tmux agent (not auto-approved) on a numbered prompt
/// becomes one approval request, and the person's choice is typed into its pane as a key.
@Suite(.serialized) struct PaneApprovalTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FlotillaTmuxTests/Fixtures/numbered_prompt.py").path

    static func pending(_ hub: WatchHub, _ agent: String) async throws -> [JSONValue] {
        try await hub.get("/api/approvals?state=pending&agent=\(agent)").json["approvals"]?.arrayValue ?? []
    }

    static func all(_ hub: WatchHub, _ agent: String) async throws -> [JSONValue] {
        try await hub.get("/api/approvals?state=all&agent=\(agent)").json["approvals"]?.arrayValue ?? []
    }

    static func keys(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func aWatchedAgentOnANumberedPromptIsAnsweredByTheChosenKey() async throws {
        let agents = "  - {name: asker, command: '/usr/bin/python3 \(Self.script) keys.txt', kind: claude}"
        try await TestFleet.with(agents: agents) { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                let log = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await log.follow(hub.client) }
                    try await log.wait("asker waits for input") { $0.states("asker").last == "waiting_input" }
                    var pending: [JSONValue] = []
                    let deadline = ContinuousClock.now + .seconds(10)
                    while pending.isEmpty, ContinuousClock.now < deadline {
                        pending = try await Self.pending(hub, "asker")
                        if pending.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    let request = try #require(pending.first)
                    #expect(request["source"] == "tmux_screen")
                    #expect(request["tool"] == "prompt")
                    #expect(request["detail"]?.stringValue?.contains("rm -rf build") == true)
                    #expect(request["subject"]?.stringValue?.contains("rm -rf build") == true)
                    let choices = try #require(request["choices"]?.arrayValue)
                    #expect(choices.map { $0["key"] } == ["1", "2", "3"])
                    #expect(choices.map { $0["allows"] } == [true, true, false])
                    #expect(choices[1]["label"] == "Yes, and don't ask again for this command")
                    // The screen refreshes (the hub reads it each time the pane prints or the
                    // tracker wakes) without a second request.
                    try await Task.sleep(for: .milliseconds(1500))
                    #expect(try await Self.all(hub, "asker").count == 1, "one request per prompt, not one per refresh")
                    let id = try #require(request["id"]?.stringValue)
                    let allowed = try await hub.post("/api/approvals/\(id)/allow", #"{"choice":"2"}"#)
                    #expect(allowed.status == 200)
                    let out = fleet.directory + "/keys.txt"
                    try await log.wait("the key reached the script") { _ in Self.keys(out) == "rm -rf build:2\n" }
                    try await log.wait("the typing is an approval event") { log in
                        log.of("asker", "agent.approval").contains { $0["approval_id"]?.stringValue == id && $0["choice"] == "2" }
                    }
                    group.cancelAll()
                }
            }
        }
    }

    @Test func aRuleAnswersAScreenPromptWithoutAPerson() async throws {
        let policy = try ApprovalPolicy(json: JSONValue.parse(#"{"rules":[{"agent":"asker","allow":["rm -rf build"]}]}"#))
        let agents = "  - {name: asker, command: '/usr/bin/python3 \(Self.script) keys.txt', kind: claude}"
        try await TestFleet.with(agents: agents) { fleet in
            try await WatchHub.run(socket: fleet.socket, configure: { $0.approvals = policy }) { hub in
                let out = fleet.directory + "/keys.txt"
                let deadline = ContinuousClock.now + .seconds(15)
                while Self.keys(out).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                #expect(Self.keys(out) == "rm -rf build:1\n", "the rule's allow picks the first answer that allows")
                let record = try #require(try await Self.all(hub, "asker").first)
                #expect(record["decided_by"] == "rule")
                #expect(record["choice"] == "1")
                #expect(try await Self.all(hub, "asker").count == 1)
            }
        }
    }

    @Test func aPromptThatChangesBeforeTheAnswerIsWithdrawnAndNotTypedInto() async throws {
        let agents = "  - {name: asker, command: '/usr/bin/python3 \(Self.script) keys.txt --then \"git push --force\" --trigger next', kind: claude}"
        try await TestFleet.with(agents: agents) { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                var first: [JSONValue] = []
                let deadline = ContinuousClock.now + .seconds(15)
                while first.isEmpty, ContinuousClock.now < deadline {
                    first = try await Self.pending(hub, "asker")
                    if first.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                }
                let old = try #require(first.first?["id"]?.stringValue)
                // The pane replaces its prompt with another one before anyone answered.
                FileManager.default.createFile(atPath: fleet.directory + "/next", contents: nil)
                var now: [JSONValue] = []
                while ContinuousClock.now < deadline + .seconds(10) {
                    now = try await Self.pending(hub, "asker")
                    if now.count == 1, now[0]["id"]?.stringValue != old { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let withdrawn = try #require(try await Self.all(hub, "asker").first { $0["id"]?.stringValue == old })
                #expect(withdrawn["state"] == "denied")
                #expect(withdrawn["decided_by"] == "cancelled")
                let current = try #require(now.first)
                #expect(current["detail"]?.stringValue?.contains("git push --force") == true)
                // The old request cannot be answered any more; nothing of it reaches the pane.
                let late = try await hub.post("/api/approvals/\(old)/allow", #"{"choice":"1"}"#)
                #expect(late.status == 409)
                #expect(late.json["error"]?["code"] == "approval_decided")
                let id = try #require(current["id"]?.stringValue)
                _ = try await hub.post("/api/approvals/\(id)/deny", #"{"reason":"no force pushes"}"#)
                let out = fleet.directory + "/keys.txt"
                let deadline2 = ContinuousClock.now + .seconds(10)
                while Self.keys(out).isEmpty, ContinuousClock.now < deadline2 { try await Task.sleep(for: .milliseconds(20)) }
                #expect(Self.keys(out) == "git push --force:3\n", "a deny picks the first answer that denies")
            }
        }
    }
}
