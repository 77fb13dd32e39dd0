import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Logging
import Synchronization
import Testing
@testable import FlotillaAgent

/// The agent's side of approvals: a real hub, the agent runtime in this process over a real
/// WebSocket, and an executor written for the test that asks through `request.approvals`
/// (as the claude, codex and gemini executors do) and reports what it was answered.
@Suite struct ApprovalBrokerTests {
    /// A test executor, not a real tool: asks about `Bash(<payload.command>)` and puts the
    /// answer in its outcome's details.
    struct AskingExecutor: Executor {
        var name: String { "asking" }
        var isLLM: Bool { false }

        func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
            guard let approvals = request.approvals else {
                return ExecutionOutcome(succeeded: false, summary: "no approvals in the request", outputTail: "", exitCode: 1, error: "no approvals")
            }
            let command = request.assignment.payload["command"]?.stringValue ?? "true"
            let answer = await approvals.ask(ApprovalQuestion(source: .claudeStdio, tool: "Bash", input: ["command": .string(command)]))
            var outcome = ExecutionOutcome(succeeded: true, summary: answer.allowed ? "allowed" : "denied", outputTail: "", exitCode: 0, error: nil)
            outcome.stopped = stop.reason
            outcome.details = [
                "answer_allowed": .bool(answer.allowed),
                "answer_reason": answer.reason.map(JSONValue.string) ?? .null,
                "answer_approval_id": answer.approvalID.map(JSONValue.string) ?? .null,
            ]
            return outcome
        }
    }

    /// Runs an agent runtime (role `asker`) against the hub while `body` runs, then drains it.
    static func withAgent(_ served: ServedHub, id: String = "asker-1", transport: (any AgentTransport)? = nil, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let workdir = Paths.temporaryDirectory("asker")
        var logger = Logger(label: "test.asker")
        logger.logLevel = .warning
        let runner = AttemptRunner(
            router: ExecutorRouter(executors: [AskingExecutor()]), workspaces: WorkspaceManager(root: workdir),
            verifier: Verifier(), workdir: workdir, logger: logger
        )
        let runtime = AgentRuntime(
            configuration: AgentConfiguration(agentID: id, roles: ["asker"], workdir: workdir, drainGrace: .seconds(2)),
            transport: transport ?? WebSocketTransport(hub: served.baseURL, token: served.adminToken), runner: runner, logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runtime.run() }
            defer { runtime.drain() }
            try await body()
            runtime.drain()
            try await group.waitForAll()
        }
    }

    static func pending(_ client: HubClient) async throws -> JSONValue {
        let found = Mutex<JSONValue?>(nil)
        try await eventually("an approval request is pending") {
            let first = try await client.approvals()["approvals"]?.arrayValue?.first
            found.withLock { $0 = first }
            return first != nil
        }
        return try #require(found.withLock { $0 })
    }

    @Test func aPersonsDenyReachesTheExecutorWithTheReasonAndAnAllowToo() async throws {
        try await LiveHub.run { served, client in
            try await Self.withAgent(served) {
                let denied = try #require(try await client.submit(["type": "x", "role": "asker", "payload": ["command": "rm -rf build"]])["id"]?.stringValue)
                let asked = try await Self.pending(client)
                #expect(asked["subject"] == "Bash(rm -rf build)")
                #expect(asked["task_id"] == .string(denied))
                #expect(asked["attempt"] == 1)
                let id = try #require(asked["id"]?.stringValue)
                _ = try await client.decideApproval(id: id, allow: false, reason: "never in the build dir", choice: nil)
                let done = try await client.task(denied, wait: 20)
                #expect(done["state"] == "succeeded", "\(done)")
                #expect(done["result"]?["answer_allowed"] == false)
                #expect(done["result"]?["answer_reason"] == "never in the build dir")
                #expect(done["result"]?["answer_approval_id"] == .string(id))

                let allowed = try #require(try await client.submit(["type": "x", "role": "asker", "payload": ["command": "swift test"]])["id"]?.stringValue)
                let second = try #require(try await Self.pending(client)["id"]?.stringValue)
                _ = try await client.decideApproval(id: second, allow: true, reason: nil, choice: nil)
                let ran = try await client.task(allowed, wait: 20)
                #expect(ran["result"]?["answer_allowed"] == true)
            }
        }
    }

    @Test func anAllowRuleAnswersTheExecutorWithoutAPerson() async throws {
        let policy = try ApprovalPolicy(json: ["rules": [["role": "asker", "allow": [#"^Bash\(swift test"#]]]])
        try await LiveHub.run(configure: { $0.approvals = policy }) { served, client in
            try await Self.withAgent(served) {
                let id = try #require(try await client.submit(["type": "x", "role": "asker", "payload": ["command": "swift test --parallel"]])["id"]?.stringValue)
                let done = try await client.task(id, wait: 20)
                #expect(done["result"]?["answer_allowed"] == true)
                #expect(done["result"]?["answer_reason"]?.stringValue?.contains("allow rule") == true)
                let all = try await client.approvals(query: ["state": "all"])["approvals"]?.arrayValue ?? []
                #expect(all.map { $0["decided_by"] } == ["rule"])
            }
        }
    }

    @Test func cancellingTheTaskCancelsItsPendingRequest() async throws {
        try await LiveHub.run { served, client in
            try await Self.withAgent(served) {
                let task = try #require(try await client.submit(["type": "x", "role": "asker", "payload": ["command": "git push"]])["id"]?.stringValue)
                let id = try #require(try await Self.pending(client)["id"]?.stringValue)
                _ = try await client.cancel(task)
                try await eventually("the request is cancelled") {
                    try await client.approval(id: id)["decided_by"] == "cancelled"
                }
                #expect(try await client.approval(id: id)["state"] == "denied")
            }
        }
    }

    @Test func overMQTTTheQuestionAndTheDecisionTravelThroughMosquitto() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { served, client in
            let created = try await client.createToken(name: "mqtt-asker", agentID: "mqtt-asker")
            let token = try #require(created["token"]?.stringValue)
            let key = try #require(created["hub_key"]?.stringValue)
            let credentials = try #require(MQTTCredentials(token: token, hubKey: key))
            let transport = MQTTTransport(broker: broker.url, swarm: swarm, agentID: "mqtt-asker", credentials: credentials)
            try await Self.withAgent(served, id: "mqtt-asker", transport: transport) {
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["mqtt-asker"]) }
                let task = try #require(try await client.submit(["type": "x", "role": "asker", "payload": ["command": "rm -rf build"]])["id"]?.stringValue)
                let asked = try await Self.pending(client)
                #expect(asked["agent_id"] == "mqtt-asker")
                #expect(asked["subject"] == "Bash(rm -rf build)")
                _ = try await client.decideApproval(id: try #require(asked["id"]?.stringValue), allow: false, reason: "over mqtt: no", choice: nil)
                let done = try await client.task(task, wait: 30)
                #expect(done["result"]?["answer_allowed"] == false)
                #expect(done["result"]?["answer_reason"] == "over mqtt: no")
            }
        }
    }

    @Test func withoutAHubConnectionTheAnswerIsADenyAfterTheGraceAndAStopDeniesAtOnce() async throws {
        let offline = ApprovalBroker(agentID: "lonely", role: nil, grace: .seconds(1))
        let answer = await offline.ask(ApprovalQuestion(source: .claudeStdio, tool: "Bash", input: ["command": "ls"]), stop: nil)
        #expect(!answer.allowed)
        #expect(answer.reason == "no hub connection for 1 s")
        #expect(offline.waitingCount == 0)

        let stop = StopSignal()
        let sent = Mutex(0)
        let broker = ApprovalBroker(agentID: "busy", role: nil, sender: { _ in sent.withLock { $0 += 1 }; return true })
        await broker.connected()
        async let waiting = broker.ask(ApprovalQuestion(source: .claudeStdio, tool: "Bash", input: ["command": "ls"]), stop: stop)
        try await eventually("the question was sent") { sent.withLock { $0 } == 1 }
        stop.fire(.cancelled)
        let stopped = await waiting
        #expect(!stopped.allowed)
        #expect(stopped.reason?.contains("stopped") == true)
    }
}
