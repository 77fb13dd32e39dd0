import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 20 items 2 and 4, acted out by an attacker with real clients: no token takes over a
/// live agent, finishes an attempt of a role it lacks, or reports from a session that does not
/// hold the attempt; a revoked token's open sessions end.
@Suite struct HostileClientTests {
    /// A token bound to `agentID` (and `role`), from the hub.
    static func token(_ hub: TestHub, name: String, agentID: String? = nil, role: String? = nil) async throws -> (token: String, id: String) {
        let created = try await hub.client.createToken(name: name, role: role, agentID: agentID)
        return (try #require(created["token"]?.stringValue), try #require(created["id"]?.stringValue))
    }

    @Test func registeringAsALiveAgentWithAnotherTokenIsRefusedAndChangesNothing() async throws {
        try await TestHub.run { hub in
            let owner = try await Self.token(hub, name: "deploy-1", agentID: "deploy-1")
            // A second token for the same id (leaked, or minted twice): still no takeover.
            let other = try await Self.token(hub, name: "deploy-1-again", agentID: "deploy-1")
            let taskID = try #require(try await hub.client.submit(["type": "deployment.deploy"])["id"]?.stringValue)
            try await TestAgent.run(hub, id: "deploy-1", roles: ["deployment"], token: owner.token) { agent in
                let assignment = try await agent.assignment()
                for attacker in [other.token, hub.adminToken] {
                    let (answer, forged) = try await AgentLink.connect(url: hub.socketURL, token: attacker) { link in
                        // Pipelined: the complete goes out before the register's refusal comes back.
                        let register = try await link.send(.register, agentID: "deploy-1", payload: ["roles": ["deployment"]])
                        let complete = try await link.send(.complete, agentID: "deploy-1", payload: ["task_id": .string(taskID), "attempt": .int(Int64(assignment.attempt)), "result": ["forged": true]])
                        var replies: [String: Envelope] = [:]
                        for await message in link.messages {
                            if let ref = message.payload["ref"]?.stringValue ?? (message.id.hasPrefix("re-") ? String(message.id.dropFirst(3)) : nil) { replies[ref] = message }
                            if replies[register] != nil, replies[complete] != nil { break }
                        }
                        return (replies[register], replies[complete])
                    }
                    #expect(answer?.type == .error)
                    #expect(answer?.payload["code"] == "agent_in_use")
                    #expect(answer?.payload["status"] == 409)
                    #expect(forged?.type == .error, "a report from a session that does not hold the attempt is refused")
                    #expect(try await hub.client.task(taskID)["state"] == "assigned")
                }
                // The live session is untouched: still connected, still holding, and its report counts.
                let shown = try await hub.client.agent("deploy-1")
                #expect(shown["connected"] == true)
                #expect(shown["held"] == [.string(taskID)])
                #expect(try await agent.complete(taskID, attempt: assignment.attempt).type == .ack)
                return ()
            }
            let done = try await hub.client.task(taskID)
            #expect(done["state"] == "succeeded")
            #expect(done["result"] == ["ok": true], "the owner's result, not the forged one")
        }
    }

    @Test func aRoleBoundTokenCannotFinishAnotherRolesAttempt() async throws {
        try await TestHub.run { hub in
            let taskID = try #require(try await hub.client.submit(["type": "deployment.deploy"])["id"]?.stringValue)
            // The deployment agent takes the attempt, then drops off (its lease runs on).
            let attempt = try await TestAgent.run(hub, id: "deploy-1", roles: ["deployment"]) { agent in
                try await agent.assignment().attempt
            }
            try await eventually("deploy-1 offline") { try await hub.client.agent("deploy-1")["connected"] == false }
            // A `testing` token for that id registers in its place, as it may, with its role...
            let tester = try await Self.token(hub, name: "deploy-1-tests", agentID: "deploy-1", role: "testing")
            let refusal = try await TestAgent.run(hub, id: "deploy-1", roles: ["testing"], ready: false, token: tester.token) { agent in
                try await agent.complete(taskID, attempt: attempt, result: ["forged": true])
            }
            // ...but cannot finish the deployment attempt.
            #expect(refusal.type == .error)
            #expect(refusal.payload["code"] == "forbidden")
            #expect(refusal.payload["status"] == 403)
            let task = try await hub.client.task(taskID)
            #expect(task["state"] == "assigned")
            #expect(task["result"] == .null)
        }
    }

    /// An agent that does not redact (not `flotilla agent`) still cannot get a secret stored or
    /// published: the hub redacts reports as it reads them.
    @Test func theHubRedactsWhatAnyAgentReports() async throws {
        try await TestHub.run { hub in
            let taskID = try #require(try await hub.client.submit(["type": "code.generate"])["id"]?.stringValue)
            let client = hub.client
            let events = client.events(since: 0, taskID: taskID)
            try await TestAgent.run(hub, id: "raw") { agent in
                let attempt = try await agent.assignment().attempt
                let progress = try await agent.report(.progress, taskID: taskID, attempt: attempt, extra: ["message": "token flt_abc_0123456789abcdef"])
                #expect(progress.type == .ack)
                #expect(try await agent.complete(taskID, attempt: attempt, result: ["output_tail": "Authorization: Bearer sk-abcdefghijklmnopqrstuvwx"]).type == .ack)
                return ()
            }
            let stored = try await client.task(taskID)
            #expect(stored["result"]?["output_tail"] == "Authorization: [redacted]")
            #expect(stored["progress_message"] == "token flt_abc_[redacted]")
            let streamed = try await withDeadline(10, "the task's events up to task.succeeded") {
                var texts: [String] = []
                for try await event in events {
                    texts.append(event.json.jsonString)
                    if event.type == "task.succeeded" { break }
                }
                return texts.joined(separator: "\n")
            }
            #expect(streamed.contains("[redacted]"))
            #expect(!streamed.contains("0123456789abcdef") && !streamed.contains("sk-abc"), "\(streamed)")
        }
    }

    @Test func anAgentTokenIsBoundToTheAgentItsNameNames() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "ci-7")
            #expect(created["agent_id"] == "ci-7", "no agent token is left unbound")
            let answer = try await hub.client.raw(.POST, "/api/tokens", body: #"{"name":"CI runner seven"}"#)
            #expect(answer.status == 400)
            #expect(try JSONValue.parse(answer.text)["error"]?["field"] == "agent_id")
        }
    }

    /// A token from before agent ids were required, bound to none, registers no agent.
    @Test func anUnboundAgentTokenCannotRegister() async throws {
        try await TestHub.run { hub in
            let (token, _) = try await hub.hub.tokens.create(name: "legacy", scope: .agent, role: nil, agentID: nil)
            let refusal = try await AgentLink.connect(url: hub.socketURL, token: token) { link in
                try await link.send(.register, agentID: "anyone", payload: ["roles": ["general"]])
                var iterator = link.messages.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(refusal?.type == .error)
            #expect(refusal?.payload["code"] == "forbidden")
            #expect(refusal?.payload["field"] == "agent_id")
            #expect(try await hub.client.agents().isEmpty)
        }
    }

    @Test func aRevokedTokensOpenSocketEndsWithinASecond() async throws {
        try await TestHub.run { hub in
            let agentToken = try await Self.token(hub, name: "doomed")
            try await TestAgent.run(hub, id: "doomed", token: agentToken.token) { agent in
                #expect(try await hub.client.agent("doomed")["connected"] == true)
                _ = try await hub.client.revokeToken(agentToken.id)
                let started = ContinuousClock.now
                do {
                    _ = try await agent.inbox.next([.assignment], within: 1)
                    Issue.record("the socket got an assignment instead of closing")
                } catch {
                    #expect("\(error)".contains("socket closed"), "\(error)")
                }
                #expect(ContinuousClock.now - started < .seconds(1))
                return ()
            }
            try await eventually("doomed offline", within: 1) { try await hub.client.agent("doomed")["connected"] == false }
        }
    }

    @Test func aRevokedTokensOpenEventStreamEndsWithinASecond() async throws {
        try await TestHub.run { hub in
            let created = try await hub.client.createToken(name: "dashboard", scope: "admin")
            let token = try #require(created["token"]?.stringValue)
            let tokenID = try #require(created["id"]?.stringValue)
            _ = try await hub.client.submit(["type": "x"])
            let watcher = HubClient(baseURL: hub.client.baseURL, token: token)
            let client = hub.client
            let ended = try await withDeadline(10, "the revoked stream to end") {
                var iterator = watcher.events(since: 0).makeAsyncIterator()
                // The stream is open once it delivered the first event.
                _ = try await iterator.next()
                _ = try await client.revokeToken(tokenID)
                let revoked = ContinuousClock.now
                while try await iterator.next() != nil {}
                return ContinuousClock.now - revoked
            }
            #expect(ended < .seconds(1))
        }
    }
}
