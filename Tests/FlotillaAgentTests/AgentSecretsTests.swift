import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 20 item 3: agents never use the admin token, a task's process sees no credential of
/// the agent's, and what a task prints reaches events, storage and logs with secrets redacted.
@Suite struct AgentSecretsTests {
    @Test func anAgentNeverFallsBackToTheAdminTokenFile() async throws {
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data) { served, client in
            #expect(FileManager.default.fileExists(atPath: data + "/admin.token"))
            let agent = try CLIProcess(["agent", "--hub", served.baseURL, "--data-dir", data, "--agent-id", "no-token", "--workdir", Paths.temporaryDirectory()])
            defer { agent.stop() }
            #expect(try await agent.finish(within: 15) == 1, "\(agent.stderr)")
            #expect(agent.stderr.contains("no agent token"), "\(agent.stderr)")
            #expect(agent.stderr.contains("flotilla token create"), "\(agent.stderr)")
            #expect(try await client.agents().isEmpty, "the agent did not connect with the admin token")
        }
    }

    @Test func aTasksProcessSeesNoFlotillaTokenOrAPIKey() async throws {
        try await LiveHub.run { served, client in
            let token = try #require(try await client.createToken(name: "env-agent")["token"]?.stringValue)
            let agent = try AgentProcess(
                ["--role", "envcheck", "--agent-id", "env-agent", "--executor", "shell", "--workdir", Paths.temporaryDirectory()],
                hub: served.baseURL, token: token,
                environment: [
                    "FLOTILLA_TOKEN": token, "FLOTILLA_HUB": served.baseURL,
                    "OPENAI_API_KEY": "plain-openai-value", "ANTHROPIC_API_KEY": "plain-anthropic-value",
                    "MY_SERVICE_API_KEY": "plain-service-value", "GH_TOKEN": "plain-gh-value",
                ]
            )
            defer { agent.stop() }
            let submitted = try await client.submit(["type": "x", "role": "envcheck", "payload": ["command": "env", "env": ["TASK_MODE": "declared"]]])
            let id = try #require(submitted["id"]?.stringValue)
            let done = try await client.task(id, wait: 30)
            #expect(done["state"] == "succeeded", "\(done) \(agent.log)")
            let printed = try #require(done["result"]?["output_tail"]?.stringValue)
            #expect(printed.contains("PATH="), "\(printed)")
            #expect(printed.contains("TASK_MODE=declared"), "the task's declared env is kept: \(printed)")
            for leaked in ["FLOTILLA_", "plain-openai-value", "plain-anthropic-value", "plain-service-value", "plain-gh-value", token] {
                #expect(!printed.contains(leaked), "the child saw \(leaked): \(printed)")
            }
        }
    }

    @Test func secretsATaskPrintsAreRedactedInEventsStorageAndLogs() async throws {
        let port = try LiveHub.freePort()
        let data = Paths.temporaryDirectory("hub")
        let hub = try CLIProcess(["hub", "--port", String(port), "--data-dir", data, "--tick-ms", "50"])
        defer { hub.stop() }
        let url = "http://127.0.0.1:\(port)"
        try await eventually("the hub's admin token") { FileManager.default.fileExists(atPath: data + "/admin.token") }
        let admin = try String(contentsOfFile: data + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HubClient(baseURL: url, token: admin)
        try await eventually("the hub answers") { (try? await client.stats()) != nil }
        let token = try #require(try await client.createToken(name: "printer")["token"]?.stringValue)
        let agent = try AgentProcess(["--role", "printing", "--agent-id", "printer", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: url, token: token)
        defer { agent.stop() }
        // The secrets are put together by the shell, so only the task's output holds them
        // (not the submitted command, which is the submitter's own business).
        let secrets = ["sk-abcdefghijklmnop0123456789", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "hunter2hunter2"]
        let command = #"k=sk; g=ghp; p=hunter2; echo "progress $k-abcdefghijklmnop0123456789"; echo "${g}_0123456789abcdefghijABCDEFGHIJ012345"; echo "mqtt://fleet:$p$p@broker:1883""#
        let events = client.events(since: 0)
        let submitted = try await client.submit(["type": "x", "role": "printing", "payload": ["command": .string(command)]])
        let id = try #require(submitted["id"]?.stringValue)
        let done = try await client.task(id, wait: 30)
        #expect(done["state"] == "succeeded", "\(done) \(agent.log)")
        // Stored output, as `tasks show` prints it.
        let shown = try await CLIProcess.run(["tasks", "show", id, "--json", "--hub", url, "--token", admin])
        #expect(shown.stdout.contains("[redacted]"), "\(shown.stdout)")
        // Every event about the task, as SSE delivers it.
        let streamed = try await withDeadline(10, "the task's events up to task.succeeded, which carries the result") {
            var texts: [String] = []
            for try await event in events where event.json["task_id"]?.stringValue == id {
                texts.append(event.json.jsonString)
                if event.type == "task.succeeded" { break }
            }
            return texts.joined(separator: "\n")
        }
        #expect(streamed.contains("[redacted]"), "\(streamed)")
        for secret in secrets {
            #expect(!shown.stdout.contains(secret), "tasks show: \(shown.stdout)")
            #expect(!streamed.contains(secret), "SSE: \(streamed)")
            #expect(!agent.log.contains(secret), "agent log: \(agent.log)")
            #expect(!hub.stderr.contains(secret) && !hub.stdout.contains(secret), "hub log: \(hub.stderr)")
        }
    }

    @Test func aBrokerPasswordIsNotLogged() async throws {
        // A real token and hub key (an MQTT agent refuses to start without them); the broker
        // itself never answers, so the agent keeps naming it as it retries.
        try await LiveHub.run { _, client in
            let port = try LiveHub.freePort()
            let broker = "mqtt://fleet:hunter2hunter2@127.0.0.1:\(port)"
            let created = try await client.createToken(name: "mqtt-logger", agentID: "mqtt-logger")
            let token = try #require(created["token"]?.stringValue)
            let key = try #require(created["hub_key"]?.stringValue)
            let agent = try AgentProcess(["--agent-id", "mqtt-logger", "--broker", broker, "--hub-key", key, "--workdir", Paths.temporaryDirectory()], hub: "http://127.0.0.1:1", token: token)
            defer { agent.stop() }
            try await eventually("the agent names its broker") { agent.log.contains("127.0.0.1:\(port)") }
            #expect(agent.log.contains("mqtt://fleet:[redacted]@127.0.0.1:\(port)"), "\(agent.log)")
            #expect(!agent.log.contains("hunter2"), "\(agent.log)")
        }
    }
}

/// Waits for `operation`, failing after `seconds`.
private func withDeadline<Value: Sendable>(_ seconds: Double, _ what: String, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TestFailure("timed out after \(seconds)s: \(what)") }
        return value
    }
}
