import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Issue 24's approvals proof with the fake `claude`: a real hub, a real `flotilla agent
/// --executor claude` driving the fake over stdio (`--permission-prompt-tool stdio`). The
/// fake asks `can_use_tool` for `Bash(rm -rf build)`; the question reaches the hub's queue
/// within a second, and the answer — a person's deny, an allow rule, the timeout policy — goes
/// back to Claude, whose next turn shows it in the task's result.
@Suite struct ClaudeApprovalsTests {
    /// A prompt that makes the fake ask for each command, logging when it asks to `log`.
    static func prompt(asking commands: [String], log: String? = nil) -> String {
        let asks = commands.map { command -> String in
            var call: [String: JSONValue] = ["tool": "Bash", "input": ["command": .string(command)]]
            if let log { call["log"] = .string(log) }
            return "FAKE_ASK:" + JSONValue.object(call).jsonString
        }
        return (["Clean up the workspace."] + asks).joined(separator: "\n")
    }

    /// A workspace holding a `build` directory for the fake to be asked to remove.
    static func workspace() throws -> String {
        let workdir = Paths.temporaryDirectory("claude-approvals")
        try FileManager.default.createDirectory(atPath: workdir + "/build", withIntermediateDirectories: true)
        return workdir
    }

    static func agent(_ id: String, workdir: String, hub: String, token: String, client: HubClient) async throws -> AgentProcess {
        let agent = try AgentProcess(
            ["--role", "coder", "--agent-id", id, "--executor", "claude", "--executor-bin", Paths.fakeClaude, "--workdir", workdir],
            hub: hub, token: token
        )
        try await eventually("agent \(id) is connected") { (try? await client.agent(id))?["connected"] == true }
        return agent
    }

    /// The task's approvals in any state (newest first).
    static func approvals(_ client: HubClient, task: String, state: String = "all") async throws -> [JSONValue] {
        let (status, body) = try await client.send(.GET, "/api/approvals?state=\(state)&task_id=\(task)")
        guard status == 200 else { throw TestFailure("GET /api/approvals: \(status) \(body)") }
        return body["approvals"]?.arrayValue ?? []
    }

    @Test(.timeLimit(.minutes(2))) func aRequestIsListedWithinASecondAndAPersonsDenyReachesClaudesNextTurn() async throws {
        try await LiveHub.run { served, client in
            let workdir = try Self.workspace()
            let askedLog = Paths.temporaryDirectory("asked") + "/asked-at"
            let agent = try await Self.agent("claude-ask", workdir: workdir, hub: served.baseURL, token: served.adminToken, client: client)
            defer { agent.stop() }
            let task = try await client.submit(["type": "code.generate", "role": "coder", "max_attempts": 1, "prompt": .string(Self.prompt(asking: ["rm -rf build"], log: askedLog))])
            let id = try #require(task["id"]?.stringValue)

            // The fake writes its clock when it asks; the hub must list the question within 1 s of it.
            try await eventually("the fake asked", within: 30) { FileManager.default.fileExists(atPath: askedLog) }
            let askedAt = try #require(Double(String(contentsOfFile: askedLog, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            try await eventually("the request is pending on the hub") {
                try await !Self.approvals(client, task: id, state: "pending").isEmpty
            }
            // Listed within 1 s is read from when the hub recorded it (created_at, below), not
            // from when this test's poll saw it: on a loaded machine the poll itself (HTTP round
            // trips every 25 ms) came 1.3 s after Claude asked.
            let record = try #require(try await Self.approvals(client, task: id, state: "pending").first)
            #expect(record["source"] == "claude_stdio")
            #expect(record["agent_id"] == "claude-ask")
            #expect(record["role"] == "coder")
            #expect(record["attempt"] == 1)
            #expect(record["tool"] == "Bash")
            #expect(record["subject"] == "Bash(rm -rf build)")
            #expect(record["detail"] == "rm -rf build")
            #expect(record["input"]?["command"] == "rm -rf build")
            #expect(record["read_only"] == false)
            #expect(record["state"] == "pending")
            let createdAt = try #require(record["created_at"]?.doubleValue)
            #expect(createdAt - askedAt < 1, "listed \(createdAt - askedAt) s after Claude asked")
            let approvalID = try #require(record["id"]?.stringValue)

            // A person sees it with the CLI.
            let listed = try await CLIProcess.run(["approvals", "list", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains(approvalID) && listed.stdout.contains("Bash(rm -rf build)"), "\(listed.stdout)")
            // The attempt is still waiting for the answer, not ended.
            let waiting = try await client.state(of: id)
            #expect(waiting == "running" || waiting == "assigned", "\(String(describing: waiting))")

            let (status, denied) = try await client.send(.POST, "/api/approvals/\(approvalID)/deny", body: ["reason": "keep the build directory"])
            #expect(status == 200, "\(denied)")
            #expect(denied["state"] == "denied")
            #expect(denied["decided_by"] == "person")

            try await eventually("the task ends", within: 30) { try await client.state(of: id) == "succeeded" }
            let done = try await client.task(id)
            let summary = done["result"]?["summary"]?.stringValue ?? ""
            #expect(summary.contains("denied Bash: Permission denied: keep the build directory"), "\(done)")
            #expect(FileManager.default.fileExists(atPath: workdir + "/build"), "the command did not run")
        }
    }

    @Test(.timeLimit(.minutes(2))) func anAllowRuleInTheHubsApprovalsFileAnswersWithoutAPerson() async throws {
        let directory = Paths.temporaryDirectory("approvals-file")
        let file = directory + "/approvals.yaml"
        try """
        timeout: 10m
        rules:
          - role: coder
            allow: ['^Bash\\(rm -rf build\\)$']
            deny: ['^Bash\\(rm -rf /']
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let hub = try await HubChild.start(port: try LiveHub.freePort(), dataDirectory: directory + "/data", arguments: ["--approvals", file])
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token)
        let workdir = try Self.workspace()
        let agent = try await Self.agent("claude-rule", workdir: workdir, hub: hub.baseURL, token: token, client: client)
        defer { agent.stop() }
        let task = try await client.submit(["type": "code.generate", "role": "coder", "max_attempts": 1, "prompt": .string(Self.prompt(asking: ["rm -rf build"]))])
        let id = try #require(task["id"]?.stringValue)

        try await eventually("the task ends", within: 30) { try await client.state(of: id) == "succeeded" }
        let done = try await client.task(id)
        #expect(done["result"]?["summary"]?.stringValue?.contains("allowed Bash") == true, "\(done)")
        #expect(!FileManager.default.fileExists(atPath: workdir + "/build"), "the allowed command ran")
        let record = try #require(try await Self.approvals(client, task: id).first)
        #expect(record["state"] == "allowed")
        #expect(record["decided_by"] == "rule")
        #expect(record["decider"] == #"^Bash\(rm -rf build\)$"#)
    }

    @Test(.timeLimit(.minutes(2))) func theTimeoutPolicyAnswersWhenNobodyDoes() async throws {
        // After 1 s unanswered: read-only questions are allowed, the rest denied.
        let policy = try ApprovalPolicy(json: ["timeout": 1, "on_timeout": "allow_read_only"])
        try await LiveHub.run(configure: { $0.approvals = policy }) { served, client in
            let workdir = try Self.workspace()
            let agent = try await Self.agent("claude-idle", workdir: workdir, hub: served.baseURL, token: served.adminToken, client: client)
            defer { agent.stop() }
            let task = try await client.submit(["type": "code.generate", "role": "coder", "max_attempts": 1, "prompt": .string(Self.prompt(asking: ["git status", "rm -rf build"]))])
            let id = try #require(task["id"]?.stringValue)

            try await eventually("the task ends", within: 60) { try await client.state(of: id) == "succeeded" }
            let done = try await client.task(id)
            let summary = done["result"]?["summary"]?.stringValue ?? ""
            #expect(summary.contains("allowed Bash"), "\(summary)")
            #expect(summary.contains("denied Bash: Permission denied: "), "\(summary)")
            #expect(FileManager.default.fileExists(atPath: workdir + "/build"), "the denied command did not run")
            let records = try await Self.approvals(client, task: id)
            #expect(records.count == 2)
            for record in records {
                #expect(record["decided_by"] == "timeout", "\(record)")
                let readOnly = record["subject"] == "Bash(git status)"
                #expect(record["read_only"] == .bool(readOnly))
                #expect(record["state"] == (readOnly ? "allowed" : "denied"), "\(record)")
                let created = record["created_at"]?.doubleValue ?? 0, decided = record["decided_at"]?.doubleValue ?? 0
                #expect(decided - created >= 1, "not before the timeout")
            }
            let denied = try #require(records.first { $0["state"] == "denied" })
            let reason = try #require(denied["reason"]?.stringValue)
            #expect(summary.contains(reason), "Claude's next turn quotes the timeout's reason: \(summary)")
        }
    }
}
