import FlotillaClient
import FlotillaCore
import Testing

/// Priority, routing, leases, retries and dead-lettering through a real hub over HTTP and /ws.
@Suite struct SchedulingLiveTests {
    @Test func higherPriorityLanesGoFirstAndFIFOWithinALane() async throws {
        try await TestHub.run { hub in
            var expected: [String] = []
            var submitted: [String: String] = [:]
            for (index, priority) in ["low", "normal", "high", "critical", "critical", "low"].enumerated() {
                let task = try await hub.client.submit(["type": "code.generate", "priority": .string(priority), "payload": ["n": .int(Int64(index))]])
                submitted["\(priority)#\(index)"] = task["id"]?.stringValue
            }
            expected = ["critical#3", "critical#4", "high#2", "normal#1", "low#0", "low#5"].map { submitted[$0]! }
            let order = try await TestAgent.run(hub, id: "worker-1") { agent in
                var seen: [String] = []
                for _ in 0..<6 {
                    let assignment = try await agent.assignment()
                    seen.append(assignment.taskID)
                    let reply = try await agent.complete(assignment.taskID, attempt: assignment.attempt)
                    #expect(reply.type == .ack)
                }
                return seen
            }
            #expect(order == expected)
        }
    }

    @Test func tasksGoOnlyToAgentsWhoseRoleAndCapabilitiesFit() async throws {
        try await TestHub.run { hub in
            let testing = try await hub.client.submit(["type": "testing.run"])
            let review = try await hub.client.submit(["type": "code.review"])
            let gpu = try await hub.client.submit(["type": "testing.run", "capabilities": ["gpu"]])
            #expect(testing["role"] == "testing")
            #expect(review["role"] == "review")
            // Neither testing.run (testing) nor code.review (review or general) is for deployment.
            try await TestAgent.run(hub, id: "tester", roles: ["deployment"]) { tester in
                try await TestAgent.run(hub, id: "reviewer", roles: ["review"]) { reviewer in
                    let first = try await reviewer.assignment()
                    #expect(first.taskID == review["id"]?.stringValue)
                    _ = try await reviewer.complete(first.taskID, attempt: first.attempt)
                    return ()
                }
                return ()
            }
            // The tester agent above registered with role "deployment" and got nothing of role testing.
            try await TestAgent.run(hub, id: "tester-2", roles: ["testing"]) { tester in
                let assignment = try await tester.assignment()
                #expect(assignment.taskID == testing["id"]?.stringValue)
                _ = try await tester.complete(assignment.taskID, attempt: assignment.attempt)
                // The gpu task needs a capability this agent lacks: it must stay queued.
                await #expect(throws: TestFailure.self) { try await tester.assignment(within: 0.5) }
                return ()
            }
            let gpuTask = try await hub.client.task(gpu["id"]!.stringValue!)
            #expect(gpuTask["state"] == "queued")
            try await TestAgent.run(hub, id: "gpu-tester", roles: ["testing"], capabilities: ["gpu", "linux"]) { agent in
                let assignment = try await agent.assignment()
                #expect(assignment.taskID == gpu["id"]?.stringValue)
                _ = try await agent.complete(assignment.taskID, attempt: assignment.attempt)
                return ()
            }
            let done = try await hub.client.task(gpu["id"]!.stringValue!)
            #expect(done["state"] == "succeeded")
            #expect(done["agent_id"] == "gpu-tester")
        }
    }

    @Test func expiredLeaseRetriesOnAnotherAgentAndTheStaleReportIsRefused() async throws {
        // The lease is the one deadline here the test must beat twice: "slow" drains before its
        // lease ends (else the retry comes straight back to it), and "fast" reports attempt 2
        // (after the stale report's round trip) before its own lease ends. With 1 s, a loaded
        // machine (the hub target's 186 tests at once) missed the second: attempt 2 expired
        // too, the third did, and the task ended dead. Ten seconds is what the test waits for
        // slow's lease to run out, and far more than those round trips take.
        let policy = SchedulerPolicy(leaseDuration: 10, backoff: Backoff(base: 0.01, cap: 0.01, jitter: 0))
        try await TestHub.run(policy: policy) { hub in
            let task = try await hub.client.submit(["type": "code.generate"])
            let id = task["id"]!.stringValue!
            try await TestAgent.run(hub, id: "slow") { slow in
                let first = try await slow.assignment()
                #expect(first.taskID == id && first.attempt == 1)
                // Draining keeps attempt 1 but stops the retry from coming straight back here.
                try await slow.link.send(.drain, agentID: "slow")
                _ = try await slow.inbox.next([.ack])
                // The hub tells the silent agent to stop once its lease runs out.
                let cancel = try await slow.inbox.next([.cancel], within: 60)
                #expect(cancel.payload["reason"] == "lease_expired")
                try await TestAgent.run(hub, id: "fast") { fast in
                    let second = try await fast.assignment()
                    #expect(second.taskID == id && second.attempt == 2)
                    let stale = try await slow.complete(id, attempt: 1)
                    #expect(stale.type == .error)
                    #expect(stale.payload["code"] == "stale_attempt")
                    #expect(stale.payload["status"] == 409)
                    let ok = try await fast.complete(id, attempt: 2, result: ["by": "fast"])
                    #expect(ok.type == .ack)
                    // Completions are idempotent: the same report again changes nothing.
                    let again = try await fast.complete(id, attempt: 2, result: ["by": "fast"])
                    #expect(again.type == .ack)
                    #expect(again.payload["duplicate"] == true)
                    return ()
                }
                return ()
            }
            let stored = try await hub.client.task(id)
            #expect(stored["state"] == "succeeded")
            #expect(stored["result"]?["by"] == "fast")
            let attempts = stored["attempts"]?.arrayValue ?? []
            #expect(attempts.count == 2)
            #expect(attempts.first?["outcome"] == "lease_expired")
            #expect(attempts.first?["agent_id"] == "slow")
            #expect(attempts.last?["outcome"] == "succeeded")
        }
    }

    @Test func deadAfterMaxAttemptsThenRetryFromDead() async throws {
        try await TestHub.run { hub in
            let task = try await hub.client.submit(["type": "code.generate", "max_attempts": 2])
            let id = task["id"]!.stringValue!
            try await TestAgent.run(hub, id: "flaky") { agent in
                for expected in 1...2 {
                    let assignment = try await agent.assignment()
                    #expect(assignment.attempt == expected)
                    let reply = try await agent.report(.fail, taskID: id, attempt: assignment.attempt, extra: ["error": .string("boom \(expected)")])
                    #expect(reply.type == .ack)
                }
                try await eventually("task dead") { try await hub.client.task(id)["state"] == "dead" }
                let dead = try await hub.client.task(id)
                #expect(dead["error"] == "boom 2")
                // Retry from dead: a fresh budget, attempt numbers keep counting up.
                let retried = try await hub.client.retry(id)
                #expect(retried["state"] == "queued" || retried["state"] == "assigned")
                let third = try await agent.assignment()
                #expect(third.attempt == 3)
                _ = try await agent.complete(id, attempt: 3)
                return ()
            }
            let final = try await hub.client.task(id)
            #expect(final["state"] == "succeeded")
            #expect(final["attempts"]?.arrayValue?.count == 3)
            // Retrying a task that succeeded is refused.
            await #expect(throws: HubClient.Failure.self) { try await hub.client.retry(id) }
        }
    }

    @Test func cancellingARunningTaskTellsItsAgent() async throws {
        try await TestHub.run { hub in
            let task = try await hub.client.submit(["type": "code.generate"])
            let id = task["id"]!.stringValue!
            try await TestAgent.run(hub, id: "busy") { agent in
                let assignment = try await agent.assignment()
                _ = try await agent.report(.accept, taskID: id, attempt: assignment.attempt)
                try await eventually("running") { try await hub.client.task(id)["state"] == "running" }
                let cancelled = try await hub.client.cancel(id, reason: "not needed")
                #expect(cancelled["state"] == "cancelled")
                let message = try await agent.inbox.next([.cancel])
                #expect(message.payload["task_id"]?.stringValue == id)
                #expect(message.payload["reason"] == "not needed")
                let late = try await agent.complete(id, attempt: assignment.attempt)
                #expect(late.payload["code"] == "stale_attempt")
                return ()
            }
        }
    }
}
