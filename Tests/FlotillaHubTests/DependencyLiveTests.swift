import FlotillaClient
import FlotillaCore
import Testing

/// Dependencies, the cancel cascade and idempotency keys through a real hub.
@Suite struct DependencyLiveTests {
    @Test func aChainRunsInOrderAndACancelCascades() async throws {
        try await TestHub.run { hub in
            // A batch may name its own dependencies by client-chosen ids.
            let batch = try await hub.client.submit(batch: [
                ["id": "build", "type": "code.generate"],
                ["id": "test", "type": "code.generate", "depends_on": ["build"]],
                ["id": "deploy", "type": "code.generate", "depends_on": ["test"]],
            ])
            #expect(batch.map { $0["state"] } == ["queued", "blocked", "blocked"])
            try await TestAgent.run(hub, id: "worker") { agent in
                for expected in ["build", "test", "deploy"] {
                    let assignment = try await agent.assignment()
                    #expect(assignment.taskID == expected)
                    _ = try await agent.complete(assignment.taskID, attempt: assignment.attempt)
                }
                return ()
            }
            #expect(try await hub.client.task("deploy")["state"] == "succeeded")

            _ = try await hub.client.submit(batch: [
                ["id": "a", "type": "code.generate"],
                ["id": "b", "type": "code.generate", "depends_on": ["a"]],
                ["id": "c", "type": "code.generate", "depends_on": ["b"]],
            ])
            _ = try await hub.client.cancel("a", reason: "changed my mind")
            let b = try await hub.client.task("b")
            let c = try await hub.client.task("c")
            #expect(b["state"] == "cancelled")
            #expect(b["reason"] == "dependency a is cancelled")
            #expect(c["state"] == "cancelled")
            #expect(c["reason"] == "dependency b is cancelled")
            // A new task on a cancelled dependency is cancelled at once, with the reason.
            let late = try await hub.client.submit(["type": "code.generate", "depends_on": ["a"]])
            #expect(late["state"] == "cancelled")
        }
    }

    @Test func aDeadDependencyCancelsItsDependents() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(batch: [
                ["id": "flaky", "type": "code.generate", "max_attempts": 1],
                ["id": "after", "type": "code.generate", "depends_on": ["flaky"]],
            ])
            try await TestAgent.run(hub, id: "worker") { agent in
                let assignment = try await agent.assignment()
                _ = try await agent.report(.fail, taskID: "flaky", attempt: assignment.attempt, extra: ["error": "broken", "retryable": true])
                return ()
            }
            #expect(try await hub.client.task("flaky")["state"] == "dead")
            let after = try await hub.client.task("after")
            #expect(after["state"] == "cancelled")
            #expect(after["reason"] == "dependency flaky is dead")
        }
    }

    @Test func theSameIdempotencyKeyReturnsTheSameTask() async throws {
        try await TestHub.run { hub in
            let first = try await hub.client.send(.POST, "/api/tasks", body: ["type": "testing.run", "idempotency_key": "deploy-42"])
            let second = try await hub.client.send(.POST, "/api/tasks", body: ["type": "testing.run", "idempotency_key": "deploy-42"])
            #expect(first.status == 201)
            #expect(second.status == 200)
            #expect(first.body["id"] == second.body["id"])
            let listed = try await hub.client.tasks()
            #expect(listed["tasks"]?.arrayValue?.count == 1)
        }
    }
}
