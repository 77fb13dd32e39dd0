import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Logging
import Testing

/// Issue 20 item 6, the fault suite: the hub's store on a small tmpfs that runs out of space.
/// Whatever was acknowledged is durable and runs exactly once; whatever was refused never runs;
/// `/health` says why; and the hub carries on when space comes back.
@Suite(.serialized, .enabled(if: Tmpfs.canMount, Tmpfs.skipReason), .timeLimit(.minutes(3)))
struct StoreFaultTests {
    @Test func aFullDiskRefusesSubmissionsAndAcknowledgedOnesRunExactlyOnceAfterSpaceReturns() async throws {
        let disk = try Tmpfs(megabytes: 8)
        defer { disk.unmount() }
        let runs = Paths.temporaryDirectory("runs") + "/runs.log"
        try await FaultHub.run(dataDirectory: disk.path + "/hub") { served, client in
            try disk.fill(leaving: 384 * 1024)
            let load = try await SubmissionLoad.untilRefused(client, command: { "echo \($0) >> \(runs)" })
            #expect(!load.acknowledged.isEmpty && !load.refused.isEmpty)

            // The hub says why, and shows nothing that was refused.
            let health = try await client.raw(.GET, "/health")
            #expect(health.status == 503)
            let body = try JSONValue.parse(health.text)
            #expect(body["code"] == "store_unavailable")
            #expect(body["reason"]?.stringValue?.contains("full") == true, "reason: \(health.text)")
            #expect(body["error"]?["code"] == "store_unavailable")
            for id in load.refused.prefix(20) { try await expectNotFound(client, id) }
            #expect(try await client.task(load.acknowledged.last!)["state"] == "queued")

            try disk.removeFiller()
            try await eventually("/health is ok again", within: 20) { try await client.raw(.GET, "/health").status == 200 }

            let token = try #require(try await client.createToken(name: "runner", agentID: "runner")["token"]?.stringValue)
            let agent = try AgentProcess(["--agent-id", "runner", "--concurrency", "4", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: token)
            defer { agent.stop() }
            try await eventually("every acknowledged task succeeded", within: 90) {
                try await client.stats()["tasks"]?["by_state"]?["succeeded"]?.intValue == Int64(load.acknowledged.count)
            }
            // Exactly once: one line per acknowledged task, none for a refused one, one attempt each.
            let ran = try String(contentsOfFile: runs, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(ran.sorted() == load.acknowledged.sorted())
            for id in load.acknowledged {
                let attempts = try await client.task(id)["attempts"]?.arrayValue ?? []
                #expect(attempts.count == 1 && attempts.first?["outcome"] == "succeeded", "\(id): \(attempts)")
            }
            for id in load.refused { try await expectNotFound(client, id) }
        }
    }

    @Test func aCompleteThatCannotBeStoredIsKeptByTheAgentAndDeliveredWhenSpaceReturns() async throws {
        let disk = try Tmpfs(megabytes: 8)
        defer { disk.unmount() }
        let scratch = Paths.temporaryDirectory("complete")
        let go = scratch + "/go", runs = scratch + "/runs.log"
        try await FaultHub.run(dataDirectory: disk.path + "/hub") { served, client in
            let token = try #require(try await client.createToken(name: "worker", agentID: "worker")["token"]?.stringValue)
            let agent = try AgentProcess(["--agent-id", "worker", "--concurrency", "1", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: token)
            defer { agent.stop() }
            let submitted = try await client.submit([
                "id": "held-1", "type": "code.generate",
                "payload": ["command": .string("while [ ! -f \(go) ]; do sleep 0.05; done; echo held-1 >> \(runs); echo finished")],
            ])
            #expect(submitted["id"] == "held-1")
            try await eventually("held-1 is running") { try await client.task("held-1")["state"] == "running" }
            async let waited = client.task("held-1", wait: 50)

            // The store runs out of space under more submissions (for no agent: another role).
            try disk.fill(leaving: 384 * 1024)
            let load = try await SubmissionLoad.untilRefused(client, role: "nobody", command: { _ in "true" })
            #expect(!load.refused.isEmpty)

            // The attempt ends now; its `complete` cannot be stored: refused, kept by the agent.
            FileManager.default.createFile(atPath: go, contents: nil)
            try await eventually("the agent was told to send its report again", within: 20) {
                agent.log.contains("could not take report")
            }
            #expect(try await client.task("held-1")["state"] == "running")
            #expect(try await client.raw(.GET, "/health").status == 503)

            try disk.removeFiller()
            let finished = try await waited
            #expect(finished["state"] == "succeeded")
            #expect(finished["result"]?["output_tail"] == "finished\n")
            let attempts = try await client.task("held-1")["attempts"]?.arrayValue ?? []
            #expect(attempts.count == 1 && attempts.first?["outcome"] == "succeeded", "\(attempts)")
            #expect(try String(contentsOfFile: runs, encoding: .utf8) == "held-1\n")
            #expect(try await client.raw(.GET, "/health").status == 200)
        }
    }

    private func expectNotFound(_ client: HubClient, _ id: String) async throws {
        do {
            let task = try await client.task(id)
            Issue.record("refused task \(id) exists: \(task)")
        } catch let failure as HubClient.Failure {
            #expect(failure.status == 404, "\(id): \(failure)")
        }
    }
}

/// A hub whose agents heartbeat (and so re-send unacknowledged reports) twice a second.
enum FaultHub {
    static func run(dataDirectory: String, _ body: @escaping @Sendable (ServedHub, HubClient) async throws -> Void) async throws {
        let policy = SchedulerPolicy(leaseDuration: 30, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0), heartbeatInterval: 0.5)
        let configuration = HubConfiguration(port: 0, dataDirectory: dataDirectory, policy: policy, tickInterval: 0.02)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .critical
        try await Hub.serve(configuration: configuration, logger: logger) { served in
            try await body(served, HubClient(baseURL: served.baseURL, token: served.adminToken))
        }
    }
}

/// Batches of tasks with ids of our choosing, submitted until the hub refuses some.
struct SubmissionLoad {
    var acknowledged: [String] = []
    var refused: [String] = []

    /// Submits batches of 20 until one is refused with 503, then three more (refused too: the
    /// hub does not take changes until the store works again).
    static func untilRefused(_ client: HubClient, role: String? = nil, command: (String) -> String) async throws -> SubmissionLoad {
        var load = SubmissionLoad()
        let prefix = UUID().uuidString.prefix(6).lowercased()
        var batch = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while load.refused.count < 4 * 20 {
            guard ContinuousClock.now < deadline else { throw TestFailure("the store never ran out of space") }
            batch += 1
            let ids = (0..<20).map { "fault-\(prefix)-\(batch)-\($0)" }
            let tasks: [JSONValue] = ids.map { id in
                var task: [String: JSONValue] = ["id": .string(id), "type": "code.generate", "payload": ["command": .string(command(id)), "padding": .string(String(repeating: "x", count: 2000))]]
                if let role { task["role"] = .string(role) }
                return .object(task)
            }
            do {
                _ = try await client.submit(batch: tasks)
                #expect(load.refused.isEmpty, "a batch was acknowledged after a refusal, with the disk still full")
                load.acknowledged += ids
            } catch let failure as HubClient.Failure where failure.status == 503 {
                #expect(failure.code == "store_unavailable")
                load.refused += ids
            }
        }
        return load
    }
}
