import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import MQTT
import Testing

/// Issue 24 item 2 end to end: a real hub (SQLite), real `flotilla agent` processes, shell tasks
/// that report their model spending with `::flotilla-usage` lines, and the fake `claude` for a
/// subscription's usage limit.
@Suite struct CostBudgetTests {
    /// A shell command that reports `usd` spent on one model call, then says it is done.
    static func spending(_ usd: Double, tokens: Int = 1000) -> JSONValue {
        ["command": .string(#"echo '::flotilla-usage {"usd":\#(usd),"input_tokens":\#(tokens),"output_tokens":\#(tokens / 4),"cached_tokens":\#(tokens / 2)}'; echo done"#)]
    }

    /// The stored events of one type, oldest first.
    static func events(_ served: ServedHub, _ type: String) async throws -> [EventRecord] {
        try await served.hub.engine.storedEvents(after: 0, limit: 100_000).filter { $0.type == type }
    }

    @Test func aSpentDayBudgetHoldsTheThirdTaskUntilItIsRaisedAndTotalsMatchTheAttempts() async throws {
        try await LiveHub.run(configure: { $0.budgets = BudgetLimits(day: 0.10) }) { served, client in
            let agent = try AgentProcess(["--role", "gen", "--agent-id", "gen-1", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            let ids = ["spend-1", "spend-2", "spend-3"]
            for id in ids {
                _ = try await client.submit(["type": "gen.text", "role": "gen", "id": .string(id), "payload": Self.spending(0.04)])
            }
            try await eventually("two tasks succeed", within: 30) {
                let first = try await client.state(of: ids[0]), second = try await client.state(of: ids[1])
                return first == "succeeded" && second == "succeeded"
            }
            // $0.08 spent; the third would take the day to $0.12: it waits, and says why.
            try await eventually("the third waits for budget") {
                let shown = try await client.task(ids[2])
                return shown["state"] == "queued" && (shown["waiting"]?.arrayValue ?? []).contains { $0["reason"] == "budget" }
            }
            let waiting = try await client.task(ids[2])["waiting"]?.arrayValue ?? []
            let reason = try #require(waiting.first { $0["reason"] == "budget" })
            #expect(reason["budget"] == "day")
            #expect(reason["spent"]?.doubleValue == 0.08)
            #expect(reason["limit"]?.doubleValue == 0.1)
            #expect(reason["estimate"]?.doubleValue == 0.04)
            #expect(reason["message"]?.stringValue?.contains("$0.08 of $0.10") == true)
            let shown = try await CLIProcess.run(["tasks", "show", ids[2], "--hub", served.baseURL, "--token", served.adminToken])
            #expect(shown.stdout.contains("waiting: budget: "), "\(shown.stdout)")
            // Nothing happens by itself: the agent is idle and the task stays.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await client.state(of: ids[2]) == "queued")

            // Raised through the API (no restart): it runs at once.
            let raised = try await client.setBudgets(["day": 0.20])
            #expect(raised["limits"]?["day"]?.doubleValue == 0.2)
            try await eventually("the third succeeds after the raise", within: 30) { try await client.state(of: ids[2]) == "succeeded" }

            // Streamed usage and final cost are one attempt's figure, not two: 3 × $0.04.
            for by in ["agent", "role", "day"] {
                let report = try await client.costs(query: ["by": by])
                let totals = try #require(report["totals"]?.arrayValue)
                #expect(totals.count == 1, "\(by): \(report)")
                #expect(totals.first?["key"] == .string(by == "agent" ? "gen-1" : by == "role" ? "gen" : UTCDay.name(Timestamp.now())))
                #expect(totals.first?["usd"]?.doubleValue == 0.12)
                #expect(totals.first?["attempts"] == 3)
                #expect(totals.first?["input_tokens"] == 3000)
                #expect(totals.first?["output_tokens"] == 750)
                #expect(totals.first?["cached_tokens"] == 1500)
                #expect(report["total"]?["usd"]?.doubleValue == 0.12)
            }
            let task = try await client.task(ids[0])
            #expect(task["cost"]?["usd"]?.doubleValue == 0.04)
            #expect(task["cost"]?["attempts"] == 1)
            let printed = try await CLIProcess.run(["costs", "--by", "agent", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(printed.stdout.contains("gen-1") && printed.stdout.contains("0.1200"), "\(printed.stdout)")

            // 80 % of the day ($0.08) was announced once; 100 % never came.
            let warnings = try await Self.events(served, "budget.warning")
            #expect(warnings.count == 1)
            #expect(warnings.first?.details["budget"] == "day")
            #expect(warnings.first?.details["percent"]?.doubleValue == 80)
            #expect(try await Self.events(served, "budget.exceeded").isEmpty)
        }
    }

    @Test func aStreamingAttemptPastItsOwnBudgetIsStoppedAndNotRetried() async throws {
        try await LiveHub.run { served, client in
            let agent = try AgentProcess(["--role", "gen", "--agent-id", "spender", "--executor", "shell", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            // Spends $0.03 a call and would go on for a minute; its budget is $0.05.
            let line = #"echo '::flotilla-usage {"usd":0.03,"input_tokens":100,"output_tokens":10}'"#
            let command = "\(line); sleep 0.3; \(line); sleep 0.3; \(line); sleep 60; echo never"
            let started = ContinuousClock.now
            let task = try await client.submit(["type": "gen.long", "role": "gen", "budget": 0.05, "max_attempts": 3, "payload": ["command": .string(command)]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the task is dead", within: 30) { try await client.state(of: id) == "dead" }
            #expect(ContinuousClock.now - started < .seconds(30), "stopped, not run to its end")
            let dead = try await client.task(id)
            #expect(dead["error"]?.stringValue?.hasPrefix("budget_exceeded: the task spent $0.06 of its $0.05 budget") == true, "\(dead)")
            #expect(dead["result"]?["error_code"] == "budget_exceeded")
            #expect(dead["attempt"] == 1, "not retried")
            #expect(dead["attempts"]?.arrayValue?.count == 1)
            #expect(dead["cost"]?["usd"]?.doubleValue == 0.06)
            let exceeded = try await Self.events(served, "budget.exceeded")
            #expect(exceeded.count == 1)
            #expect(exceeded.first?.details["budget"] == .string("task:\(id)"))
            #expect(exceeded.first?.taskID == id)
            // The agent was told to stop: it is free again and takes the next task.
            let next = try await client.submit(["type": "gen.quick", "role": "gen", "payload": ["command": "echo next"]])
            let nextID = try #require(next["id"]?.stringValue)
            try await eventually("the agent takes more work", within: 20) { try await client.state(of: nextID) == "succeeded" }
        }
    }

    @Test func aUsageLimitReleasesTheAttemptUnharmedAndTheAgentResumesAtTheResetTime() async throws {
        try await LiveHub.run { served, client in
            let marker = Paths.temporaryDirectory("limit") + "/hit-once"
            let agent = try AgentProcess(
                ["--role", "coder", "--agent-id", "claude-1", "--executor", "claude", "--executor-bin", Paths.fakeClaude, "--workdir", Paths.temporaryDirectory()],
                hub: served.baseURL, token: served.adminToken
            )
            defer { agent.stop() }
            try await eventually("the agent is connected") { (try? await client.agent("claude-1"))?["connected"] == true }
            let task = try await client.submit(["type": "code.generate", "role": "coder", "max_attempts": 1, "prompt": .string("Fix it FAKE_USAGE_LIMIT:4:\(marker)")])
            let id = try #require(task["id"]?.stringValue)
            // Released, not failed; the agent says it is paused until the reset.
            try await eventually("the agent is paused", within: 20) { try await client.agent("claude-1")["state"] == "paused" }
            let paused = try await client.task(id)
            #expect(paused["state"] == "queued", "\(paused)")
            #expect(paused["attempts"]?.arrayValue?.first?["outcome"] == "released")
            let changes = try await Self.events(served, "agent.state_change")
            #expect(changes.contains { $0.details["to"] == "paused" && $0.details["until"]?.stringValue != nil })
            // At the reset it takes work again by itself, and the task (one attempt allowed) succeeds.
            try await eventually("the task succeeds after the reset", within: 30) { try await client.state(of: id) == "succeeded" }
            let done = try await client.task(id)
            #expect(done["attempt"] == 2)
            #expect(try await client.agent("claude-1")["state"] != "paused")
        }
    }
}

/// The `usage` message over a real mosquitto: an MQTT agent's streamed spending reaches the hub
/// on `{swarm}/tasks/usage`, and the budget stop goes back to it.
@Suite struct CostOverMQTTTests {
    @Test func anMQTTAgentsStreamedUsageIsRecordedAndItsBudgetStopsIt() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("mqtt-spender", broker: broker, swarm: swarm, client: client, extra: ["--executor", "shell"])
                defer { agent.stop() }
                try await eventually("the agent registered") { try await MQTTFleetTests.online(client, ["mqtt-spender"]) }
                let line = #"echo '::flotilla-usage {"usd":0.03,"input_tokens":100,"output_tokens":10}'"#
                let task = try await client.submit(["type": "code.generate", "budget": 0.05, "payload": ["command": .string("\(line); sleep 0.3; \(line); sleep 60")]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("the task is dead", within: 30) { try await client.state(of: id) == "dead" }
                let dead = try await client.task(id)
                #expect(dead["result"]?["error_code"] == "budget_exceeded")
                #expect(dead["cost"]?["usd"]?.doubleValue == 0.06)
                #expect(recorder.messages(on: "tasks/usage").filter { $0["type"] == "usage" && $0["payload"]?["task_id"]?.stringValue == id }.count == 2)
            }
        }
    }

    /// `budgets set` refuses what the hub would misread before it sends anything (no hub runs
    /// here): 1e999 parses as infinity, which JSON carries as null, "remove the limit".
    @Test func budgetsSetRefusesAmountsTheHubWouldMisread() async throws {
        for (arguments, words) in [
            (["--day=1e999"], "finite number"), (["--day=-1"], "0 or more"), (["--day", "lots"], "number of US dollars"),
            (["--role", "coder=1e999"], "finite number"), (["--role", "=5"], "ROLE=USD"),
        ] {
            let (status, _, stderr) = try await CLIProcess.run(["budgets", "set"] + arguments + ["--hub", "http://127.0.0.1:9"])
            #expect(status == 64, "\(arguments): \(stderr)")
            #expect(stderr.contains(words), "\(arguments): \(stderr)")
        }
    }

}
