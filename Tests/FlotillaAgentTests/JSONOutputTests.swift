import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Testing

/// Issue 19 item 9: with `--json`, standard output is exactly one JSON document (so `jq` and
/// scripts can read it), for every command that has the flag, against a live hub.
@Suite(.serialized) struct JSONOutputTests {
    /// Commands whose `--json` is not a single document, and why.
    static let streams: [String: String] = [
        "watch": "an endless stream: one JSON document per line (JSON Lines)",
        "agent": "runs until stopped and prints a log, not a result",
    ]

    /// Commands whose `--json` another test parses as exactly one document, and where.
    static let coveredElsewhere: [String: String] = [
        "commands": "needs a hub watching tmux panes: FlotillaWatchTests.CommandQueueLiveTests parses `commands --queued --json`",
        "bench dashboard": "runs its own seeded hub (no --hub): FlotillaHubTests.BenchDashboardCommandTests parses its --json",
        "bench workflow": "runs its own hub (no --hub): FlotillaHubTests.BenchWorkflowCommandTests parses its --json",
    ]

    @Test func everyCommandWithJSONPrintsExactlyOneJSONDocument() async throws {
        // Goals stay in the backlog (--goal-concurrency 0): their commands act on it alone.
        try await LiveHub.run(configure: { $0.goals.concurrency = 0 }) { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let agent = try AgentProcess(["--role", "json", "--agent-id", "json-agent", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            try await eventually("the agent is connected") { (try? await client.agent("json-agent"))?["connected"] == true }
            let queued = try await client.submit(["type": "x", "role": "nobody", "id": "parked"])
            #expect(queued["state"] == "queued")
            let token = try await client.createToken(name: "to-revoke")
            let tokenID = try #require(token["id"]?.stringValue)
            // Workflow files for `workflow …`, and a run (for a role no agent serves) to show and cancel.
            let workflows = Paths.temporaryDirectory("json-workflows")
            let parked = "name: parked\nsteps:\n  wait: {type: x, role: nobody}\n"
            try parked.write(toFile: workflows + "/parked.yaml", atomically: true, encoding: .utf8)
            try "name: echo\nsteps:\n  say: {type: x, role: json, payload: {command: echo flowed}}\n".write(toFile: workflows + "/echo.yaml", atomically: true, encoding: .utf8)
            let parkedRun = try #require(try await client.startWorkflowRun(source: parked, file: "parked.yaml")["id"]?.stringValue)
            // Two approval requests (as a watched pane's prompt would make them) to show and answer.
            let asked = ApprovalQuestion(source: .tmuxScreen, tool: "Bash", input: ["command": "make deploy"])
            let toAllow = try await served.hub.engine.requestApproval(asked, agentID: "pane-1", role: nil, ref: nil).id
            let toDeny = try await served.hub.engine.requestApproval(asked, agentID: "pane-1", role: nil, ref: nil).id
            let goal = try #require(try await client.addGoal(title: "Keep the JSON honest", repo: workflows)["id"]?.stringValue)

            // In an order where each command has something to act on.
            let runs: [(command: String, arguments: [String])] = [
                ("submit", ["submit", "--type", "x", "--role", "nobody"]),
                ("submit --wait", ["submit", "--type", "x", "--role", "json", "--payload", #"{"command":"echo waited"}"#, "--wait"]),
                ("tasks list", ["tasks", "list"]),
                ("tasks show", ["tasks", "show", "parked"]),
                ("tasks cancel", ["tasks", "cancel", "parked"]),
                ("tasks retry", ["tasks", "retry", "parked"]),
                ("agents list", ["agents", "list"]),
                ("agents show", ["agents", "show", "json-agent"]),
                ("stats", ["stats"]),
                ("costs", ["costs", "--by", "role", "--since", "24h"]),
                ("budgets show", ["budgets", "show"]),
                ("budgets set", ["budgets", "set", "--day", "5", "--role", "json=1"]),
                ("approvals list", ["approvals", "list", "--state", "all"]),
                ("approvals show", ["approvals", "show", toAllow]),
                ("approvals allow", ["approvals", "allow", toAllow, "--reason", "fine"]),
                ("approvals deny", ["approvals", "deny", toDeny, "--reason", "not today"]),
                ("notifications", ["notifications", "--status", "delivered"]),
                ("token create", ["token", "create", "--name", "ci"]),
                ("token list", ["token", "list"]),
                ("token revoke", ["token", "revoke", tokenID]),
                ("tasks logs", ["tasks", "logs", "parked"]),
                ("workflow apply", ["workflow", "apply", workflows + "/parked.yaml"]),
                ("workflow list", ["workflow", "list"]),
                ("workflow show", ["workflow", "show", "parked"]),
                ("workflow run", ["workflow", "run", workflows + "/parked.yaml"]),
                ("workflow run --wait", ["workflow", "run", workflows + "/echo.yaml", "--wait"]),
                ("workflow runs", ["workflow", "runs"]),
                ("workflow status", ["workflow", "status", parkedRun]),
                ("workflow cancel", ["workflow", "cancel", parkedRun]),
                ("workflow rerun", ["workflow", "rerun", parkedRun]),
                ("workflow delete", ["workflow", "delete", "parked"]),
                ("goal add", ["goal", "add", "Document the API", "--repo", workflows, "--budget", "0.5", "--priority", "70"]),
                ("goal list", ["goal", "list"]),
                ("goal show", ["goal", "show", goal]),
                ("goal budget", ["goal", "budget", goal, "2.5"]),
                ("goal cancel", ["goal", "cancel", goal, "--reason", "superseded"]),
                ("goal retry", ["goal", "retry", goal]),
                ("dashboard", ["dashboard"]),
                ("bench throughput", ["bench", "--tasks", "20", "--agents", "1", "--concurrency", "2", "--batch", "10", "--round-trips", "5"]),
            ]
            // Benchmarks that start their own hub take no --hub.
            let standalone: [(command: String, arguments: [String])] = [
                ("bench output", ["bench", "output", "--rate", "10KB", "--seconds", "1"]),
                ("bench agent-loop", ["bench", "agent-loop", "--turns", "5", "--runs", "1"]),
                ("bench workflow", ["bench", "workflow", "--steps", "20", "--agents", "1", "--concurrency", "4", "--repeats", "1"]),
            ]
            let everyRun: [(command: String, arguments: [String])] = runs.map { (command: $0.command, arguments: $0.arguments + hub) } + standalone
            for run in everyRun {
                let result = try await CLIProcess.run(run.arguments + ["--json"], within: 120)
                #expect(result.status == 0, "\(run.command): \(result.stderr)")
                let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(text.first == "{", "\(run.command) printed: \(result.stdout)")
                #expect((try? JSONValue.parse(text)) != nil, "\(run.command) printed more or less than one JSON document: \(result.stdout)")
            }

            // Every command offering --json is covered above or named as a stream.
            let covered = Set((runs + standalone).map { $0.command.replacingOccurrences(of: " --wait", with: "") }).union(Self.streams.keys).union(Self.coveredElsewhere.keys)
            let offering = try await Self.commandsOfferingJSON()
            #expect(offering.isSuperset(of: ["stats", "token create", "tasks show", "watch"]), "the help walk found \(offering.sorted())")
            #expect(offering.subtracting(covered).isEmpty, "commands with --json this test does not run: \(offering.subtracting(covered).sorted())")
        }
    }

    /// Leaf commands whose help lists `--json`, found by walking `flotilla help`.
    static func commandsOfferingJSON(_ path: [String] = []) async throws -> Set<String> {
        let help = try await CLIProcess.run(path + ["--help"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else {
            return help.stdout.contains("--json") ? [path.joined(separator: " ")] : []
        }
        var found: Set<String> = []
        for line in lines[(start + 1)...] {
            // "  name   abstract": a subcommand; deeper-indented lines continue an abstract.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name == "See" || name == "help" { continue }
            found.formUnion(try await commandsOfferingJSON(path + [String(name)]))
        }
        return found
    }
}
