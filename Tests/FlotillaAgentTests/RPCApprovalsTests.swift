import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Synchronization
import Testing

/// Issue 24 part 3 for Codex and Gemini, end to end: a real hub, a real `flotilla agent` running
/// the fake `codex app-server` / `gemini --acp` (Fixtures), the approvals queue through the API.
@Suite struct RPCApprovalsTests {
    /// The pending approvals the API lists.
    static func pending(_ client: HubClient) async throws -> [JSONValue] {
        try await client.send(.GET, "/api/approvals?state=pending").body["approvals"]?.arrayValue ?? []
    }

    /// Starts an agent of role `dev` with `executor` in `directory`. Its binary is a wrapper that
    /// gives the fake its script: an LLM executor's child keeps none of the agent's environment.
    static func agent(_ served: ServedHub, executor: String, directory: String, script: String, log: String) throws -> AgentProcess {
        let (binary, variable) = executor == "codex" ? (RPCExecutorTests.fakeCodex, "CODEX") : (RPCExecutorTests.fakeGemini, "GEMINI")
        let wrapper = Paths.temporaryDirectory("rpc-bin") + "/" + executor
        try """
            #!/bin/sh
            export FAKE_\(variable)_SCRIPT='\(script)' FAKE_\(variable)_LOG='\(log)'
            exec '\(binary)' "$@"

            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        return try AgentProcess(
            ["--role", "dev", "--agent-id", "\(executor)-1", "--executor", executor, "--executor-bin", wrapper, "--workdir", directory],
            hub: served.baseURL, token: served.adminToken
        )
    }

    /// Waits for the task to end and returns it.
    static func finished(_ client: HubClient, _ id: String) async throws -> JSONValue {
        try await eventually("task \(id) ends", within: 60) {
            let state = try await client.state(of: id)
            return state == "succeeded" || state == "failed" || state == "dead"
        }
        return try await client.task(id)
    }

    @Test func aCodexApprovalIsListedAndADenyThroughTheAPIReachesTheTool() async throws {
        let (directory, script, log) = try RPCExecutorTests.workspace(RPCExecutorTests.cleanUp)
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, executor: "codex", directory: directory, script: script, log: log)
            defer { agent.stop() }
            let task = try await client.submit(["type": "code.clean", "role": "dev", "prompt": "clean the build"])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the codex approval is pending", within: 30) { try await !Self.pending(client).isEmpty }
            let asked = try #require(try await Self.pending(client).first)
            #expect(asked["source"] == "codex_app_server")
            #expect(asked["tool"] == "Bash" && asked["subject"] == "Bash(rm -rf build)")
            #expect(asked["detail"]?.stringValue?.hasPrefix("rm -rf build") == true)
            #expect(asked["task_id"] == .string(id) && asked["agent_id"] == "codex-1" && asked["attempt"] == 1)
            #expect(asked["read_only"] == false && asked["state"] == "pending")
            let approval = try #require(asked["id"]?.stringValue)

            let denied = try await client.send(.POST, "/api/approvals/\(approval)/deny", body: ["reason": "keep the build"])
            #expect(denied.status == 200, "\(denied.body)")
            #expect(denied.body["state"] == "denied" && denied.body["decided_by"] == "person")

            let done = try await Self.finished(client, id)
            #expect(done["state"] == "succeeded", "\(done)")
            #expect(done["result"]?["summary"] == "Done. rm -rf build: decline", "\(done)")
            #expect(FileManager.default.fileExists(atPath: directory + "/build/out.o"))
            #expect(try await Self.pending(client).isEmpty)
        }
    }

    @Test func aGeminiPermissionIsAnsweredWithTheChosenOption() async throws {
        let (directory, script, log) = try RPCExecutorTests.workspace(Array(RPCExecutorTests.cleanUp.dropLast()))
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, executor: "gemini", directory: directory, script: script, log: log)
            defer { agent.stop() }
            let task = try await client.submit(["type": "code.clean", "role": "dev", "prompt": "clean the build"])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the gemini approval is pending", within: 30) { try await !Self.pending(client).isEmpty }
            let asked = try #require(try await Self.pending(client).first)
            #expect(asked["source"] == "gemini_acp" && asked["subject"] == "Bash(rm -rf build)")
            #expect(asked["choices"] == [
                ["key": "proceed_always", "label": "Allow All Edits", "allows": true],
                ["key": "proceed_once", "label": "Allow", "allows": true],
                ["key": "cancel", "label": "Reject", "allows": false],
            ])
            let approval = try #require(asked["id"]?.stringValue)
            let allowed = try await client.send(.POST, "/api/approvals/\(approval)/allow", body: ["choice": "proceed_always"])
            #expect(allowed.status == 200, "\(allowed.body)")
            #expect(allowed.body["state"] == "allowed" && allowed.body["choice"] == "proceed_always")

            let done = try await Self.finished(client, id)
            #expect(done["result"]?["summary"] == "Done. rm -rf build: proceed_always", "\(done)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
        }
    }

    @Test func anAllowRuleAnswersWithoutAPerson() async throws {
        let (directory, script, log) = try RPCExecutorTests.workspace(RPCExecutorTests.cleanUp)
        let policy = try ApprovalPolicy(json: ["rules": [["role": "dev", "allow": [#"^Bash\(rm -rf build\)$"#]]]])
        try await LiveHub.run(configure: { $0.approvals = policy }) { served, client in
            let agent = try Self.agent(served, executor: "codex", directory: directory, script: script, log: log)
            defer { agent.stop() }
            let task = try await client.submit(["type": "code.clean", "role": "dev", "prompt": "clean the build"])
            let id = try #require(task["id"]?.stringValue)
            let done = try await Self.finished(client, id)
            #expect(done["result"]?["summary"] == "Done. rm -rf build: accept", "\(done)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/build"))
            let all = try await client.send(.GET, "/api/approvals?state=all").body["approvals"]?.arrayValue ?? []
            let decided = try #require(all.first)
            #expect(all.count == 1)
            #expect(decided["state"] == "allowed" && decided["decided_by"] == "rule")
            #expect(decided["decider"] == #"^Bash\(rm -rf build\)$"#)
            #expect(decided["source"] == "codex_app_server" && decided["task_id"] == .string(id))
        }
    }
}
