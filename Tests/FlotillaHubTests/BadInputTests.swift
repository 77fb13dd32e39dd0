import FlotillaClient
import FlotillaCore
import Testing

/// Every kind of bad input gets a clear error with a stable code, and changes nothing.
@Suite struct BadInputTests {
    /// Runs `request` against a hub holding one task and checks status, code, and that the
    /// store still holds exactly that task, unchanged, and no new events.
    func expectRefused(
        status: Int, code: String, field: String? = nil,
        _ request: @escaping @Sendable (TestHub, String) async throws -> (status: Int, text: String)
    ) async throws {
        try await TestHub.run(maxBodySize: 4096) { hub in
            let existing = try await hub.client.submit(["type": "testing.run"])
            let id = existing["id"]!.stringValue!
            let before = try await hub.client.stats()
            let answer = try await request(hub, id)
            #expect(answer.status == status, "\(answer.text)")
            let body = try JSONValue.parse(answer.text)
            #expect(body["error"]?["code"]?.stringValue == code, "\(answer.text)")
            let message = body["error"]?["message"]?.stringValue ?? ""
            #expect(!message.isEmpty)
            if let field { #expect(body["error"]?["field"]?.stringValue == field) }
            let after = try await hub.client.stats()
            #expect(after["tasks"] == before["tasks"])
            #expect(after["events"] == before["events"])
            let listed = try await hub.client.tasks()
            #expect(listed["tasks"]?.arrayValue?.map { $0["id"] } == [existing["id"]])
            #expect(try await hub.client.task(id)["state"] == "queued")
        }
    }

    @Test func malformedJSON() async throws {
        try await expectRefused(status: 400, code: "malformed_json") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run","#)
        }
    }

    @Test func wrongFieldType() async throws {
        try await expectRefused(status: 400, code: "invalid_field", field: "max_attempts") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run", "max_attempts": "three"}"#)
        }
    }

    @Test func unknownPriority() async throws {
        try await expectRefused(status: 400, code: "invalid_field", field: "priority") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run", "priority": "urgent"}"#)
        }
    }

    /// A task id becomes a worktree path and a branch on the agent: one that could leave the
    /// worktrees folder, name a ref oddly or read as an option is refused.
    @Test(arguments: ["../../../../home/u/proj", "a/b", "a:b", "-rf", "x.lock"])
    func unsafeTaskID(id: String) async throws {
        try await expectRefused(status: 400, code: "invalid_field", field: "id") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: JSONValue.object(["type": "testing.run", "id": .string(id)]).jsonString)
        }
    }

    @Test func aRepoThatReadsAsAnOption() async throws {
        try await expectRefused(status: 400, code: "invalid_field", field: "repo") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run", "repo": "--upload-pack=touch /tmp/x"}"#)
        }
    }

    @Test func missingType() async throws {
        try await expectRefused(status: 400, code: "missing_field", field: "type") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"priority": "high"}"#)
        }
    }

    @Test func unknownField() async throws {
        try await expectRefused(status: 400, code: "unknown_field", field: "priorty") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run", "priorty": "high"}"#)
        }
    }

    @Test func oneBadTaskRefusesTheWholeBatch() async throws {
        try await expectRefused(status: 400, code: "invalid_field", field: "tasks[1].priority") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"[{"type": "a"}, {"type": "b", "priority": 5}]"#)
        }
    }

    @Test func bodyOverTheLimit() async throws {
        try await expectRefused(status: 413, code: "body_too_large") { hub, _ in
            let big = String(repeating: "x", count: 10_000)
            return try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "testing.run", "prompt": "\#(big)"}"#)
        }
    }

    @Test func unknownTaskID() async throws {
        try await expectRefused(status: 404, code: "task_not_found") { hub, _ in
            try await hub.client.raw(.GET, "/api/tasks/nope")
        }
        try await expectRefused(status: 404, code: "task_not_found") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks/nope/cancel")
        }
    }

    @Test func missingAndBadTokens() async throws {
        try await expectRefused(status: 401, code: "unauthorized") { hub, _ in
            try await HubClient(baseURL: hub.client.baseURL, token: nil).raw(.POST, "/api/tasks", body: #"{"type": "x"}"#)
        }
        try await expectRefused(status: 401, code: "unauthorized") { hub, _ in
            try await HubClient(baseURL: hub.client.baseURL, token: "flt_0000000000000a_deadbeef").raw(.POST, "/api/tasks", body: #"{"type": "x"}"#)
        }
        try await expectRefused(status: 401, code: "unauthorized") { hub, _ in
            // Right id, wrong secret.
            let valid = hub.adminToken
            let forged = String(valid.dropLast(4)) + "0000"
            return try await HubClient(baseURL: hub.client.baseURL, token: forged).raw(.POST, "/api/tasks", body: #"{"type": "x"}"#)
        }
    }

    @Test func agentTokenOnAnAdminRoute() async throws {
        try await expectRefused(status: 403, code: "forbidden") { hub, _ in
            let created = try await hub.client.createToken(name: "agent-1", role: "testing")
            let token = created["token"]!.stringValue!
            return try await HubClient(baseURL: hub.client.baseURL, token: token).raw(.POST, "/api/tasks", body: #"{"type": "x"}"#)
        }
    }

    @Test func unknownDependency() async throws {
        try await expectRefused(status: 422, code: "unknown_dependency") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"{"type": "x", "depends_on": ["ghost"]}"#)
        }
    }

    @Test func dependencyCycle() async throws {
        try await expectRefused(status: 422, code: "dependency_cycle") { hub, _ in
            try await hub.client.raw(.POST, "/api/tasks", body: #"[{"id": "p", "type": "x", "depends_on": ["q"]}, {"id": "q", "type": "x", "depends_on": ["p"]}]"#)
        }
    }

    @Test func staleAttemptReportOverTheSocket() async throws {
        try await TestHub.run { hub in
            let task = try await hub.client.submit(["type": "code.generate"])
            let id = task["id"]!.stringValue!
            try await TestAgent.run(hub, id: "w") { agent in
                let assignment = try await agent.assignment()
                let wrong = try await agent.complete(id, attempt: assignment.attempt + 1)
                #expect(wrong.payload["code"] == "stale_attempt")
                #expect(wrong.payload["status"] == 409)
                let unknown = try await agent.complete("no-such-task", attempt: 1)
                #expect(unknown.payload["code"] == "task_not_found")
                #expect(unknown.payload["status"] == 404)
                return ()
            }
            // The refused reports changed nothing: the attempt is still the first, unfinished.
            let stored = try await hub.client.task(id)
            #expect(stored["attempt"] == 1)
            #expect(stored["state"] != "succeeded")
        }
    }

    @Test func aReportOnATaskFinishedLongAgoIsStaleNotUnknown() async throws {
        // With room to remember one finished task, the first one's outcome is known only to the store.
        let policy = SchedulerPolicy(leaseDuration: 30, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0), recentFinishedLimit: 1)
        try await TestHub.run(policy: policy) { hub in
            try await TestAgent.run(hub, id: "w") { agent in
                var done: [(taskID: String, attempt: Int)] = []
                for _ in 0..<2 {
                    _ = try await hub.client.submit(["type": "code.generate"])
                    let assignment = try await agent.assignment()
                    #expect(try await agent.complete(assignment.taskID, attempt: assignment.attempt).type == .ack)
                    done.append((assignment.taskID, assignment.attempt))
                }
                let late = try await agent.complete(done[0].taskID, attempt: done[0].attempt + 1)
                #expect(late.payload["code"] == "stale_attempt")
                #expect(late.payload["status"] == 409)
                #expect(late.payload["message"]?.stringValue?.contains("already succeeded") == true)
                return ()
            }
        }
    }

    @Test func anAgentTokenMayOnlyRegisterWithItsRole() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "tester", role: "testing")
            let token = created["token"]!.stringValue!
            let refusal = try await AgentLink.connect(url: hub.socketURL, token: token) { link in
                try await link.send(.register, agentID: "sneaky", payload: ["roles": ["deployment"]])
                var iterator = link.messages.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(refusal?.type == .error)
            #expect(refusal?.payload["code"] == "forbidden")
            #expect(try await hub.client.agents().isEmpty)
        }
    }

    @Test func anAgentTokenBoundToAnIDMayOnlyRegisterAsThatAgent() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "runner-7", agentID: "runner-7")
            #expect(created["agent_id"] == "runner-7")
            let token = try #require(created["token"]?.stringValue)
            let refusal = try await AgentLink.connect(url: hub.socketURL, token: token) { link in
                try await link.send(.register, agentID: "impostor", payload: ["roles": ["general"]])
                var iterator = link.messages.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(refusal?.type == .error)
            #expect(refusal?.payload["code"] == "forbidden")
            #expect(refusal?.payload["field"] == "agent_id")
            #expect(try await hub.client.agents().isEmpty)
            let accepted = try await AgentLink.connect(url: hub.socketURL, token: token) { link in
                try await link.send(.register, agentID: "runner-7", payload: ["roles": ["general"]])
                var iterator = link.messages.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(accepted?.type == .registered)
        }
    }

    @Test func tokenRestrictionsAreValidated() async throws {
        try await TestHub.run { hub in
            let before = try await hub.client.tokens().count
            for body: JSONValue in [
                ["name": "x", "agent_id": "bad id with spaces"],
                ["name": "x", "agent_id": 7],
                ["name": "x", "scope": "admin", "agent_id": "a"],
                ["name": "x", "scope": "admin", "role": "testing"],
            ] {
                let answer = try await hub.client.raw(.POST, "/api/tokens", body: body.jsonString)
                #expect(answer.status == 400, "\(body.jsonString)")
                #expect(try JSONValue.parse(answer.text)["error"]?["code"] == "invalid_field", "\(body.jsonString)")
            }
            #expect(try await hub.client.tokens().count == before)
        }
    }
}

