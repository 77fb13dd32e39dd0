import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Synchronization
import Testing

/// Approvals on a real hub (SQLite, port 0): questions over a real agent WebSocket, the
/// `/api/approvals` routes, rules, the timeout policy and a restart.
@Suite struct ApprovalRoutesTests {
    static func bash(_ command: String) -> ApprovalQuestion {
        ApprovalQuestion(source: .claudeStdio, tool: "Bash", input: ["command": .string(command)])
    }

    /// Sends an `approval` for the agent's attempt; returns its id (the decision's `ref`) and
    /// the hub's answer.
    static func ask(_ agent: TestAgent, _ q: ApprovalQuestion, taskID: String, attempt: Int) async throws -> (ref: String, reply: Envelope) {
        var question = q
        question.taskID = taskID
        question.attempt = attempt
        let ref = try await agent.link.send(.approval, agentID: agent.id, payload: question.json)
        while true {
            let reply = try await agent.inbox.next([.ack, .error])
            if reply.payload["ref"]?.stringValue == ref { return (ref, reply) }
        }
    }

    /// The first event of `type` about approval `id` from the start of the stream.
    static func event(_ hub: TestHub, _ type: String, id: String, within seconds: Double = 10) async throws -> StreamedEvent {
        let client = hub.client
        return try await withDeadline(seconds, "\(type) for \(id)") {
            for try await event in client.events(since: 0, types: [type]) where event.json["data"]?["id"]?.stringValue == id {
                return event
            }
            throw TestFailure("event stream ended")
        }
    }

    @Test func aQuestionOverTheSocketIsListedAnnouncedAndDeniedBackToTheAgentWithItsReason() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["type": "code.generate", "role": "coder"])
            try await TestAgent.run(hub, id: "coder-1", roles: ["coder"]) { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                let (ref, ack) = try await Self.ask(agent, Self.bash("rm -rf build"), taskID: taskID, attempt: attempt)
                #expect(ack.type == .ack, "\(ack.text)")
                let id = try #require(ack.payload["approval_id"]?.stringValue)

                let listed = try await hub.client.approvals()
                let record = try #require(listed["approvals"]?.arrayValue?.first)
                #expect(listed["approvals"]?.arrayValue?.count == 1)
                #expect(record["id"] == .string(id))
                #expect(record["subject"] == "Bash(rm -rf build)")
                #expect(record["detail"] == "rm -rf build")
                #expect(record["state"] == "pending")
                #expect(record["agent_id"] == "coder-1")
                #expect(record["role"] == "coder")
                #expect(record["task_id"] == .string(taskID))
                let requested = try await Self.event(hub, "approval.requested", id: id)
                #expect(requested.json["task_id"] == .string(taskID))
                #expect(requested.json["data"]?["subject"] == "Bash(rm -rf build)")

                let denied = try await hub.client.decideApproval(id: id, allow: false, reason: "not in the build dir", choice: nil)
                #expect(denied["state"] == "denied")
                #expect(denied["decided_by"] == "person")
                #expect(denied["decider"] != nil && denied["decider"] != .null)
                let decision = try await agent.inbox.next([.approvalDecision])
                #expect(decision.payload["ref"] == .string(ref))
                #expect(decision.payload["approval_id"] == .string(id))
                #expect(decision.payload["decision"] == "deny")
                #expect(decision.payload["reason"] == "not in the build dir")
                #expect(decision.payload["task_id"] == .string(taskID))
                let decided = try await Self.event(hub, "approval.decided", id: id)
                #expect(decided.json["data"]?["decided_by"] == "person")

                // Deciding twice is a conflict; an unknown id is not found; nothing changes.
                let again = try await hub.client.answer(.POST, "/api/approvals/\(id)/allow")
                #expect(again.status == 409)
                #expect(again.body["error"]?["code"] == "approval_decided")
                let unknown = try await hub.client.answer(.POST, "/api/approvals/apr_0000000000000000/deny", body: #"{"reason": "x"}"#)
                #expect(unknown.status == 404)
                #expect(unknown.body["error"]?["code"] == "approval_not_found")
                #expect(try await hub.client.answer(.GET, "/api/approvals/apr_0000000000000000").status == 404)
                let shown = try await hub.client.approval(id: id)
                #expect(shown["state"] == "denied")
                #expect(shown["reason"] == "not in the build dir")
                #expect(try await hub.client.approvals()["approvals"]?.arrayValue?.isEmpty == true, "nothing pending")
                #expect(try await hub.client.approvals(query: ["state": "all"])["approvals"]?.arrayValue?.count == 1)
            }
        }
    }

    @Test func aBadQuestionIsAnsweredWithAnErrorAndStoresNothing() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["type": "code.generate"])
            try await TestAgent.run(hub, id: "w1") { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                let bad = try await agent.link.send(.approval, agentID: agent.id, payload: ["task_id": .string(taskID), "attempt": .int(Int64(attempt)), "source": "telepathy", "tool": "Bash"])
                var reply = try await agent.inbox.next([.ack, .error])
                while reply.payload["ref"]?.stringValue != bad { reply = try await agent.inbox.next([.ack, .error]) }
                #expect(reply.type == .error)
                #expect(reply.payload["code"] == "invalid_field")
                #expect(reply.payload["field"] == "payload.source")
                // Someone else's (or a finished) attempt may not ask either.
                let (_, stale) = try await Self.ask(agent, Self.bash("ls"), taskID: taskID, attempt: attempt + 1)
                #expect(stale.type == .error)
                #expect(stale.payload["code"] == "stale_attempt")
                #expect(try await hub.client.approvals(query: ["state": "all"])["approvals"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    @Test func anAllowRuleAnswersWithoutAPersonAndADenyRuleWins() async throws {
        let policy = try ApprovalPolicy(json: ["rules": [["role": "coder", "allow": [#"^Bash\(swift test"#, #"^Bash\(rm"#], "deny": [#"^Bash\(rm -rf"#]]]])
        try await TestHub.run(configure: { $0.approvals = policy }) { hub in
            _ = try await hub.client.submit(["type": "code.generate", "role": "coder"])
            try await TestAgent.run(hub, id: "coder-1", roles: ["coder"]) { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                let (ref, ack) = try await Self.ask(agent, Self.bash("swift test --filter Approvals"), taskID: taskID, attempt: attempt)
                #expect(ack.type == .ack)
                let decision = try await agent.inbox.next([.approvalDecision])
                #expect(decision.payload["ref"] == .string(ref))
                #expect(decision.payload["decision"] == "allow")
                #expect(decision.payload["decided_by"] == "rule")
                let (denyRef, _) = try await Self.ask(agent, Self.bash("rm -rf /"), taskID: taskID, attempt: attempt)
                let denied = try await agent.inbox.next([.approvalDecision])
                #expect(denied.payload["ref"] == .string(denyRef))
                #expect(denied.payload["decision"] == "deny")
                let all = try await hub.client.approvals(query: ["state": "all"])["approvals"]?.arrayValue ?? []
                #expect(all.map { $0["decided_by"] } == ["rule", "rule"])
                #expect(all.map { $0["decider"] } == [.string(#"^Bash\(rm -rf"#), .string(#"^Bash\(swift test"#)], "newest first, with the rule's pattern")
            }
        }
    }

    @Test func theTimeoutPolicyDeniesWhatNobodyAnsweredAndAllowsOnlyReadsWithAllowReadOnly() async throws {
        for (action, tool, expected) in [("deny", "Read", "denied"), ("allow_read_only", "Read", "allowed"), ("allow_read_only", "Write", "denied")] {
            let policy = try ApprovalPolicy(json: ["timeout": 1, "on_timeout": .string(action)])
            try await TestHub.run(configure: { $0.approvals = policy }) { hub in
                let q = ApprovalQuestion(source: .claudeHook, tool: tool, input: ["file_path": "README.md", "content": "x"])
                let record = try await hub.hub.engine.requestApproval(q, agentID: "tmux-claude", role: nil, ref: nil)
                #expect(record.isPending)
                let decided = try await Self.event(hub, "approval.decided", id: record.id)
                #expect(decided.json["data"]?["state"] == .string(expected), "\(action) \(tool)")
                #expect(decided.json["data"]?["decided_by"] == "timeout")
                #expect(decided.json["data"]?["reason"]?.stringValue?.hasPrefix("no answer in 1 s") == true)
            }
        }
    }

    @Test func waitReturnsOnceDecidedAndBadRequestsAreRefusedByFieldChangingNothing() async throws {
        try await TestHub.run { hub in
            let q = ApprovalQuestion(source: .tmuxScreen, tool: "prompt", detail: "Do you want to proceed?", choices: [
                ApprovalChoice(key: "1", label: "Yes", allows: true), ApprovalChoice(key: "2", label: "No", allows: false),
            ])
            let record = try await hub.hub.engine.requestApproval(q, agentID: "pane-1", role: nil, ref: nil)
            for (path, field) in [
                ("/api/approvals?state=maybe", "state"), ("/api/approvals?limit=0", "limit"), ("/api/approvals?limit=9999", "limit"),
                ("/api/approvals/\(record.id)?wait=301", "wait"), ("/api/approvals/\(record.id)?wait=soon", "wait"),
            ] {
                let answer = try await hub.client.answer(.GET, path)
                #expect(answer.status == 400, "\(path)")
                #expect(answer.body["error"]?["code"] == "invalid_field")
                #expect(answer.body["error"]?["field"] == .string(field), "\(path)")
            }
            for (path, body, code, field) in [
                ("allow", #"{"choice": "7"}"#, "invalid_field", "choice"),
                ("allow", #"{"choice": "2"}"#, "invalid_field", "choice"),
                ("allow", #"{"choice": 1}"#, "invalid_field", "choice"),
                ("deny", #"{"reason": 5}"#, "invalid_field", "reason"),
                ("deny", #"{"choice": "2"}"#, "unknown_field", "choice"),
                ("allow", #"[1]"#, "invalid_field", nil),
            ] as [(String, String, String, String?)] {
                let answer = try await hub.client.answer(.POST, "/api/approvals/\(record.id)/\(path)", body: body)
                #expect(answer.status == 400, "\(path) \(body)")
                #expect(answer.body["error"]?["code"] == .string(code), "\(path) \(body)")
                if let field { #expect(answer.body["error"]?["field"] == .string(field), "\(path) \(body)") }
            }
            #expect(try await hub.client.approval(id: record.id)["state"] == "pending", "refusals changed nothing")

            // `?wait=` returns once a person decides; the chosen key is kept.
            let client = hub.client
            async let waited = client.send(.GET, "/api/approvals/\(record.id)?wait=30").body
            let allowed = try await hub.client.decideApproval(id: record.id, allow: true, reason: nil, choice: "1")
            #expect(allowed["choice"] == "1")
            let result = try await waited
            #expect(result["state"] == "allowed")
            #expect(result["choice"] == "1")
            // Waiting on a decided request answers at once.
            #expect(try await hub.client.send(.GET, "/api/approvals/\(record.id)?wait=30").body["state"] == "allowed")
        }
    }

    @Test func aRestartKeepsPendingRequestsAndTheyStillTimeOut() async throws {
        let directory = TestHub.temporaryDirectory()
        let policy = try ApprovalPolicy(json: ["timeout": 4])
        let id = try await TestHub.run(dataDirectory: directory, configure: { $0.approvals = policy }) { hub in
            try await hub.hub.engine.requestApproval(Self.bash("git push"), agentID: "tmux-claude", role: nil, ref: nil).id
        }
        try await TestHub.run(dataDirectory: directory, configure: { $0.approvals = policy }) { hub in
            let shown = try await hub.client.approval(id: id)
            #expect(shown["subject"] == "Bash(git push)")
            let decided = try await Self.event(hub, "approval.decided", id: id)
            #expect(decided.json["data"]?["decided_by"] == "timeout")
            #expect(try await hub.client.approval(id: id)["state"] == "denied")
        }
    }

    @Test func aViewerReadsTheQueueButOnlyASubmitterAnswers() async throws {
        try await TestHub.run { hub in
            let record = try await hub.hub.engine.requestApproval(Self.bash("make deploy"), agentID: "pane-1", role: nil, ref: nil)
            let viewerToken = try #require(try await hub.client.createToken(name: "v", scope: "viewer")["token"]?.stringValue)
            let viewer = HubClient(baseURL: hub.client.baseURL, token: viewerToken)
            #expect(try await viewer.approvals()["approvals"]?.arrayValue?.count == 1)
            #expect(try await viewer.answer(.POST, "/api/approvals/\(record.id)/allow").status == 403)
            let submitterToken = try #require(try await hub.client.createToken(name: "ops-person", scope: "submitter")["token"]?.stringValue)
            let submitter = HubClient(baseURL: hub.client.baseURL, token: submitterToken)
            let allowed = try await submitter.decideApproval(id: record.id, allow: true, reason: "ok", choice: nil)
            #expect(allowed["decider"] == "ops-person", "the token's name is who decided")
        }
    }

    @Test func anAgentGoingOfflineCancelsItsPendingRequestsAndObserversHearEveryDecision() async throws {
        try await TestHub.run { hub in
            let heard = Mutex<[String]>([])
            hub.hub.engine.onApprovalDecided { record in heard.withLock { $0.append("\(record.id) \(record.decidedBy?.rawValue ?? "?")") } }
            _ = try await hub.client.submit(["type": "code.generate"])
            let id = try await TestAgent.run(hub, id: "leaving") { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                let (_, ack) = try await Self.ask(agent, Self.bash("git push --force"), taskID: taskID, attempt: attempt)
                return try #require(ack.payload["approval_id"]?.stringValue)
            }
            let decided = try await Self.event(hub, "approval.decided", id: id)
            #expect(decided.json["data"]?["decided_by"] == "cancelled")
            #expect(decided.json["data"]?["state"] == "denied")
            #expect(decided.json["data"]?["reason"]?.stringValue?.contains("offline") == true)
            try await eventually("the observer heard the decision") { heard.withLock { $0 } == ["\(id) cancelled"] }
        }
    }
}
