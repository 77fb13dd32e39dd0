import FlotillaClient
import FlotillaCore
import Testing

/// The client speaks the hub's API in typed values: a spec submitted through it comes back as
/// the same spec in the task record, the task view, the listing and the agent's assignment, and
/// the agents, stats and events read through their one decoder.
@Suite struct TypedClientTests {
    static let spec = TaskSpec(
        id: "typed-1", type: "code.review", role: "review", roles: ["review", "code"], capabilities: ["swift", "git"],
        priority: .high, payload: ["pr": 42], prompt: "Review it", context: ["repo": "x"], successCriteria: ["tests": "pass"],
        verify: ["swift test"], timeoutSeconds: 60, maxAttempts: 5, idempotencyKey: "typed-key", repo: "git@example:x.git",
        complexity: .complex, budget: ["usd": 2.5], metadata: ["team": "core"], ttlSeconds: 600, submitter: "ci-bot"
    )

    @Test func aSpecSubmittedTypedReadsBackEverywhereAsSubmitted() async throws {
        try await TestHub.run { hub in
            let client = hub.client
            // The hub keeps the spec without its id, which became the task's.
            let stored = { var spec = Self.spec; spec.id = nil; return spec }()
            let submitted = try await client.submit(Self.spec)
            #expect(submitted.id == "typed-1" && submitted.state == .queued)
            #expect(submitted.spec == stored)

            let view = try await client.task(id: "typed-1")
            #expect(view.record == submitted)
            #expect(view.attempts.isEmpty)
            #expect(view.waiting?.map(\.kind) == [.noFittingAgent])
            #expect(try await client.taskPage(query: ["state": "queued"]).tasks == [submitted])

            try await TestAgent.run(hub, id: "reviewer", roles: ["review"], capabilities: ["git", "swift"]) { agent in
                let message = try await agent.inbox.next([.assignment])
                // The agent's own reading of the envelope.
                let assignment = try TaskAssignment(payload: message.payload)
                #expect(assignment.taskID == "typed-1" && assignment.attempt == 1)
                #expect(assignment.spec == stored)

                let agents = try await client.agentViews()
                #expect(agents.map(\.id) == ["reviewer"])
                #expect(agents.first?.source == .hub)
                #expect(agents.first?.status?.held == ["typed-1"])
                #expect(agents.first?.status?.registration.capabilities == ["git", "swift"])
                #expect(try await client.agentView(id: "reviewer") == agents.first)
                let stats = try await client.hubStats()
                #expect(stats.agentsTotal == 1 && stats.tasksByState[.assigned] == 1)
                try await agent.complete("typed-1", attempt: 1)
            }

            let done = try await client.task(id: "typed-1", wait: 10)
            #expect(done.record.state == .succeeded)
            #expect(done.record.spec == stored)
            #expect(done.attempts.map(\.outcome) == [.succeeded])
            #expect(done.attempts.map(\.agentID) == ["reviewer"])
            #expect(done.waiting == nil)

            let events = try await withDeadline(10, "the task's events up to task.succeeded") {
                var seen: [EventRecord] = []
                for try await streamed in client.events(since: 0, taskID: "typed-1") {
                    seen.append(streamed.event)
                    if streamed.type == "task.succeeded" { break }
                }
                return seen
            }
            #expect(events.first?.type == "task.queued")
            #expect(events.allSatisfy { $0.taskID == "typed-1" })
            #expect(events.last?.data["state"] == "succeeded")
        }
    }

    @Test func batchesAndBadSpecsGoThroughTheTypedClient() async throws {
        try await TestHub.run { hub in
            let batch = try await hub.client.submit(batch: [TaskSpec(id: "b-1", type: "code.generate"), TaskSpec(id: "b-2", type: "testing.run", dependsOn: ["b-1"])])
            #expect(batch.map(\.id) == ["b-1", "b-2"])
            #expect(batch.map(\.state) == [.queued, .blocked])
            // The hub still judges what it is sent: an unknown dependency is refused by its code.
            await #expect(throws: HubClient.Failure.self) {
                _ = try await hub.client.submit(TaskSpec(type: "testing.run", dependsOn: ["nowhere"]))
            }
        }
    }
}
