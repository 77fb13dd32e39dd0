import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 19, the CLI a new user meets in the first hour: a real hub, real `flotilla` processes.
@Suite(.serialized) struct FirstHourCLITests {
    /// Item 4: nothing listens on the port, so the connection is refused; the CLI says so at once
    /// instead of retrying the connection for the request's whole minute.
    @Test func aRefusedConnectionFailsAtOnce() async throws {
        let port = try LiveHub.freePort()
        let started = ContinuousClock.now
        let run = try await CLIProcess.run(["tasks", "list", "--hub", "http://127.0.0.1:\(port)", "--token", "x"], within: 20)
        let elapsed = ContinuousClock.now - started
        #expect(run.status == 1)
        #expect(run.stderr.contains("connection refused"), "\(run.stderr)")
        // Against a minute of retries; a loaded machine needs a few seconds to start the CLI.
        #expect(elapsed < .seconds(10), "took \(elapsed)")
    }

    /// A second hub on a port already taken says so and exits, instead of hanging until killed
    /// (its commit queue waited for a graceful shutdown that a failed start never sends).
    @Test func aHubOnATakenPortSaysSoAndExits() async throws {
        try await LiveHub.run { served, _ in
            let port = try #require(URL(string: served.baseURL)?.port)
            let run = try await CLIProcess.run(["hub", "--port", String(port), "--data-dir", Paths.temporaryDirectory()], within: 30)
            #expect(run.status == 1)
            #expect(run.stderr.contains("127.0.0.1:\(port) is already in use") && run.stderr.contains("--port"), "\(run.stderr)")
            #expect(!run.stderr.contains("Fatal error"), "\(run.stderr)")
        }
    }

    /// Item 3: the README's pair. A `development` agent takes `code.generate`; the task's
    /// `waiting` says why it waited before, and `submit` warned.
    @Test func theReadmesDevelopmentAgentRunsCodeGenerate() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            // No agent yet: submit warns on stderr (and still succeeds), show says why it waits.
            let early = try await CLIProcess.run(["submit"] + hub + ["--type", "code.generate", "--complexity", "trivial", "--payload", #"{"command":"echo generated"}"#])
            #expect(early.status == 0, "\(early.stderr)")
            let earlyID = early.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(early.stderr.contains("warning: No connected agent can take it: none serves role general or development"), "\(early.stderr)")
            let shown = try await CLIProcess.run(["tasks", "show", earlyID] + hub)
            #expect(shown.stdout.contains("waiting: no_fitting_agent:"), "\(shown.stdout)")
            let json = try await client.task(earlyID)
            #expect(json["waiting"]?.arrayValue?.first?["reason"] == "no_fitting_agent")
            #expect(json["roles"] == ["general", "development"])

            let developer = try AgentProcess(["--role", "development", "--executor", "shell", "--agent-id", "dev", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { developer.stop() }
            try await eventually("the early task succeeds on the development agent") { try await client.state(of: earlyID) == "succeeded" }
            #expect(try await client.task(earlyID)["waiting"] == .null)

            // With the agent connected: no warning, and --wait sees it succeed.
            let waited = try await CLIProcess.run(["submit"] + hub + ["--type", "code.generate", "--complexity", "trivial", "--payload", #"{"command":"echo again"}"#, "--wait"])
            #expect(waited.status == 0, "\(waited.stderr)\n--- agent:\n\(developer.log)")
            #expect(!waited.stderr.contains("warning"), "\(waited.stderr)")
            #expect(waited.stdout.contains("state: succeeded"))
        }
    }

    /// Item 3: a blocked task's `waiting` names the dependencies it waits for.
    @Test func tasksShowSaysWhichDependenciesABlockedTaskWaitsFor() async throws {
        try await LiveHub.run { served, client in
            let first = try await client.submit(["type": "deployment.deploy", "id": "deploy-1"])
            #expect(first["state"] == "queued")
            let child = try await client.submit(["type": "testing.run", "id": "smoke-1", "depends_on": ["deploy-1"]])
            #expect(child["state"] == "blocked")
            let shown = try await CLIProcess.run(["tasks", "show", "smoke-1", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(shown.stdout.contains("waiting: dependencies: Waiting for dependency deploy-1 to succeed."), "\(shown.stdout)")
            #expect(shown.stdout.contains("waiting: no_fitting_agent:"), "\(shown.stdout)")
        }
    }

    /// Item 8: `--repo .` is resolved where `submit` runs; a directory that is not a repository
    /// is refused and nothing is submitted; a URL passes through.
    @Test func submitResolvesALocalRepoPathAndRefusesANonRepository() async throws {
        try await LiveHub.run { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let (work, _) = try makeRepository()
            let inside = try await CLIProcess.run(["submit"] + hub + ["--type", "x", "--role", "nobody", "--repo", "."], directory: work)
            #expect(inside.status == 0, "\(inside.stderr)")
            let id = inside.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let expected = URL(fileURLWithPath: work).standardizedFileURL.path
            #expect(try await client.task(id)["repo"] == .string(expected))

            let plain = Paths.temporaryDirectory("not-a-repo")
            let refused = try await CLIProcess.run(["submit"] + hub + ["--type", "x", "--role", "nobody", "--repo", "."], directory: plain)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("is not a git repository"), "\(refused.stderr)")
            #expect(refused.stderr.contains("Nothing was submitted"))

            let url = "https://example.invalid/team/app.git"
            let remote = try await CLIProcess.run(["submit"] + hub + ["--type", "x", "--role", "nobody", "--repo", url], directory: plain)
            #expect(remote.status == 0, "\(remote.stderr)")
            #expect(try await client.task(remote.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["repo"] == .string(url))
            #expect(try await client.allTasks().count == 2)
        }
    }

    /// Item 6: `submit --wait` prints the id before waiting, and keeps waiting across a hub
    /// restart (reconnecting) until the task succeeds.
    @Test func submitWaitPrintsTheIDFirstAndRidesOutAHubRestart() async throws {
        let port = try LiveHub.freePort()
        let data = Paths.temporaryDirectory("hub")
        let (waiter, token, stopping): (CLIProcess, String, ContinuousClock.Instant) = try await LiveHub.run(port: port, dataDirectory: data) { served, client in
            let waiter = try CLIProcess(["submit", "--hub", served.baseURL, "--token", served.adminToken, "--type", "x", "--role", "later", "--payload", #"{"command":"echo after-restart"}"#, "--wait"])
            try await eventually("the id is printed before the task ends") { !waiter.stdout.isEmpty }
            let id = waiter.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await client.state(of: id) == "queued")
            return (waiter, served.adminToken, ContinuousClock.now)
        }
        defer { waiter.stop() }
        // The open long poll did not hold the hub's shutdown for the rest of its wait.
        #expect(ContinuousClock.now - stopping < .seconds(10))
        try await eventually("submit notices the hub is gone") { waiter.stderr.contains("lost the hub") }
        #expect(waiter.process.isRunning)
        try await LiveHub.run(port: port, dataDirectory: data) { served, _ in
            let agent = try AgentProcess(["--role", "later", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: token)
            defer { agent.stop() }
            let status = try await waiter.finish(within: 60)
            #expect(status == 0, "stderr: \(waiter.stderr)")
            let lines = waiter.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 2 && lines[1] == "state: succeeded", "\(lines)")
        }
    }

    /// Item 11: `tasks list` is newest first by creation, not by id text, page after page.
    @Test func tasksListOrdersByCreation() async throws {
        try await LiveHub.run { served, client in
            for id in ["zz-first", "mm-second", "aa-third"] {
                _ = try await client.submit(["type": "x", "role": "nobody", "id": .string(id)])
            }
            let page = try await CLIProcess.run(["tasks", "list", "--json", "--hub", served.baseURL, "--token", served.adminToken])
            let ids = try JSONValue.parse(page.stdout)["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(ids == ["aa-third", "mm-second", "zz-first"])
            var paged: [String] = []
            var cursor: String?
            repeat {
                var query = ["limit": "1"]
                if let cursor { query["cursor"] = cursor }
                let answer = try await client.tasks(query: query)
                paged += answer["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                cursor = answer["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(paged == ["aa-third", "mm-second", "zz-first"])
        }
    }

    /// Item 11: an agent's completed count survives a hub restart.
    @Test func agentsShowKeepsTheCompletedCountAcrossAHubRestart() async throws {
        let port = try LiveHub.freePort()
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(port: port, dataDirectory: data) { served, client in
            let agent = try AgentProcess(["--role", "counting", "--agent-id", "counter", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            for _ in 0..<2 { _ = try await client.submit(["type": "x", "role": "counting", "payload": ["command": "true"]]) }
            try await eventually("two tasks done") { (try? await client.agent("counter"))?["completed"] == 2 }
        }
        try await LiveHub.run(port: port, dataDirectory: data) { served, _ in
            let shown = try await CLIProcess.run(["agents", "show", "counter", "--json", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(try JSONValue.parse(shown.stdout)["completed"] == 2, "\(shown.stdout)")
        }
    }

    /// Item 11: a request without any token says where the token was looked for.
    @Test func aMissingTokenNamesTheTokenFileLookedIn() async throws {
        try await LiveHub.run { served, _ in
            let empty = Paths.temporaryDirectory("no-token")
            let run = try await CLIProcess.run(["stats", "--hub", served.baseURL, "--data-dir", empty])
            #expect(run.status == 1)
            #expect(run.stderr.contains("unauthorized"), "\(run.stderr)")
            #expect(run.stderr.contains(empty + "/admin.token"), "\(run.stderr)")
        }
    }
}
