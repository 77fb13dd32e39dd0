import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 19 items 2 and 11: an agent says at once what is wrong with its start (a refused token,
/// a missing executor program) instead of looping or failing task after task.
@Suite(.serialized) struct AgentStartupTests {
    @Test func anAgentWhoseTokenIsRefusedSaysWhereItLookedAndExits() async throws {
        try await LiveHub.run { served, client in
            let wrong = try AgentProcess(["--role", "testing", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: "flt_nope_0000")
            defer { wrong.stop() }
            #expect(try await wrong.exitStatus(within: 15) == 1, "\(wrong.log)")
            #expect(wrong.log.contains("unauthorized: the hub refused this token (looked in --token): Invalid token."), "\(wrong.log)")

            let created = try await client.createToken(name: "short-lived", role: "testing")
            _ = try await client.revokeToken(try #require(created["id"]?.stringValue))
            let revoked = try AgentProcess(["--role", "testing", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: try #require(created["token"]?.stringValue))
            defer { revoked.stop() }
            #expect(try await revoked.exitStatus(within: 15) == 1, "\(revoked.log)")
            #expect(revoked.log.contains("This token was revoked."), "\(revoked.log)")
        }
    }

    @Test func anAgentWithNoTokenSaysHowToGetOne() async throws {
        try await LiveHub.run { served, _ in
            let empty = Paths.temporaryDirectory("no-token")
            let agent = try CLIProcess(["agent", "--hub", served.baseURL, "--data-dir", empty, "--workdir", Paths.temporaryDirectory()])
            defer { agent.stop() }
            #expect(try await agent.finish(within: 15) == 1, "\(agent.stderr)")
            #expect(agent.stderr.contains("error: no agent token: pass --token-file, --token or env FLOTILLA_TOKEN"), "\(agent.stderr)")
        }
    }

    /// A hub that is not there (yet) is still retried with backoff, and joined when it comes.
    @Test func anAgentKeepsRetryingAHubThatIsDownAndJoinsItWhenItComes() async throws {
        let port = try LiveHub.freePort()
        let data = Paths.temporaryDirectory("hub")
        // The token the hub will have: start it once to create it.
        let token = try await LiveHub.run(port: port, dataDirectory: data) { served, _ in served.adminToken }
        let agent = try AgentProcess(["--role", "testing", "--agent-id", "patient", "--workdir", Paths.temporaryDirectory()], hub: "http://127.0.0.1:\(port)", token: token)
        defer { agent.stop() }
        try await eventually("two failed connection attempts") { agent.log.components(separatedBy: "reconnecting in").count > 2 }
        #expect(agent.process.isRunning)
        try await LiveHub.run(port: port, dataDirectory: data) { _, client in
            try await eventually("the agent joins the hub", within: 30) { (try? await client.agent("patient"))?["connected"] == true }
        }
    }

    @Test func anExecutorWhoseProgramIsMissingIsNotOffered() async throws {
        try await LiveHub.run { served, client in
            // A PATH with the shell tools but no `claude`.
            let path = "/usr/bin:/bin"
            #expect(ProgramLookup.find("claude", path: path) == nil)
            let agent = try AgentProcess(["--role", "development", "--agent-id", "no-claude", "--executor", "shell,claude", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken, environment: ["PATH": path])
            defer { agent.stop() }
            try await eventually("the agent registers") { (try? await client.agent("no-claude"))?["connected"] == true }
            #expect(try await client.agent("no-claude")["executor"] == "shell")
            #expect(agent.log.contains("warning: executor claude: `claude` is not on PATH; this agent does not offer claude"), "\(agent.log)")

            let none = try AgentProcess(["--role", "development", "--executor", "claude", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken, environment: ["PATH": path])
            defer { none.stop() }
            #expect(try await none.exitStatus(within: 15) == 1)
            #expect(none.log.contains("error: bad_configuration: no executor left to offer"), "\(none.log)")
        }
    }

    /// A failed shell task that had no checks reports no verification, not a passed one.
    @Test func aFailedTaskWithoutChecksReportsNoVerification() async throws {
        let workdir = Paths.temporaryDirectory()
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: workdir)
        let report = await runner.run(Assignment.make(["payload": ["command": "exit 3"]]), stop: StopSignal()) { _, _ in }
        guard case .fail(_, _, let result?)? = report else { throw TestFailure("expected a failure with a result, got \(String(describing: report))") }
        #expect(result["verification"] == .null)
        #expect(result["exit_code"] == 3)
    }
}
