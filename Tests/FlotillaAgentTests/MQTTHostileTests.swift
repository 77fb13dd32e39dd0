import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Issue 20, item 1: an attacker who may publish anything on the broker (`mosquitto_pub`, no
/// credentials) against the hub in process, a real mosquitto and real `flotilla agent --broker`
/// processes. Nothing it sends makes an agent act, acts for an agent, or ends one's session.
@Suite(.serialized) struct MQTTHostileTests {
    /// Publishes `message` on `{swarm}/<leaf>` with mosquitto_pub, as an attacker would.
    static func publish(_ message: String, on leaf: String, broker: Broker, swarm: String, retain: Bool = false) async throws {
        let published = try await runProgram("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "\(swarm)/\(leaf)", "-m", message] + (retain ? ["-r"] : []))
        #expect(published.status == 0, "\(published.output)")
    }

    /// A well-formed assignment of a task that would create `marker`.
    static func assignment(id: String, marker: String, auth: JSONValue? = nil) -> String {
        var envelope: JSONValue = [
            "id": .string(id), "type": "assignment", "ts": "2026-12-04T15:00:00Z",
            "payload": [
                "attempt": 1, "lease_seconds": 30, "task_id": .string(id),
                "task": ["id": .string(id), "attempt": 1, "type": "code.generate", "payload": ["command": .string("touch \(marker)")]],
            ],
        ]
        if let auth { envelope = ["id": envelope["id"]!, "type": envelope["type"]!, "ts": envelope["ts"]!, "payload": envelope["payload"]!, "metadata": ["auth": auth]] }
        return envelope.jsonString
    }

    static func rejected(_ recorder: SwarmRecorder, ref: String) -> JSONValue? {
        recorder.messages(on: "tasks/rejected").first { $0["payload"]?["ref"]?.stringValue == ref }
    }

    @Test func forgedAndReplayedAssignmentsOnTheInboxAndBroadcastAreNotExecuted() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        let workdir = Paths.temporaryDirectory("victim")
        let outside = Paths.temporaryDirectory("attacker-markers")
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("victim", broker: broker, swarm: swarm, client: client, workdir: workdir)
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["victim"]) }

                // Unsigned on the inbox and on broadcast; a made-up signature on the inbox.
                try await Self.publish(Self.assignment(id: "forged-inbox", marker: outside + "/inbox"), on: "agents/victim/inbox", broker: broker, swarm: swarm)
                try await Self.publish(Self.assignment(id: "forged-broadcast", marker: outside + "/broadcast"), on: "broadcast", broker: broker, swarm: swarm)
                let fakeAuth: JSONValue = ["alg": "ed25519", "kid": "hub", "to": "victim", "ts": .int(MessageAuth.nowMilliseconds()), "nonce": "n-1", "sig": .string(Data(repeating: 7, count: 64).base64EncodedString())]
                try await Self.publish(Self.assignment(id: "forged-signed", marker: outside + "/signed", auth: fakeAuth), on: "agents/victim/inbox", broker: broker, swarm: swarm)
                try await eventually("the agent logged the three forgeries as ignored") {
                    agent.log.components(separatedBy: "ignored a 'assignment'").count - 1 == 3
                }

                // A genuine task still runs; its signed assignment replayed verbatim is ignored.
                let task = try await client.submit(["type": "code.generate", "payload": ["command": .string("echo run >> \(outside)/genuine")]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("the genuine task succeeded") { try await client.state(of: id) == "succeeded" }
                let genuine = try #require(recorder.messages(on: "agents/victim/inbox").first { $0["type"] == "assignment" && $0["payload"]?["task_id"]?.stringValue == id })
                #expect(MessageAuth.of(genuine)?.recipient == "victim")
                try await Self.publish(genuine.jsonString, on: "agents/victim/inbox", broker: broker, swarm: swarm)
                try await eventually("the replay logged as ignored") { agent.log.contains("ignored a replayed or stale 'assignment'") }
                // The same signed assignment on another agent's inbox is not for that agent either.
                try await Self.publish(genuine.jsonString, on: "broadcast", broker: broker, swarm: swarm)
                try await eventually("the broadcast replay logged as ignored") {
                    agent.log.components(separatedBy: "ignored a replayed or stale 'assignment'").count - 1 == 2
                }

                let markers = try FileManager.default.contentsOfDirectory(atPath: outside)
                #expect(markers == ["genuine"], "forged commands ran: \(markers)")
                #expect(try String(contentsOfFile: outside + "/genuine", encoding: .utf8) == "run\n", "the genuine task ran more than once")
                let worktrees = (try? FileManager.default.contentsOfDirectory(atPath: workdir + "/worktrees")) ?? []
                #expect(!worktrees.contains { $0.contains("forged") }, "\(worktrees)")
                #expect(try await client.allTasks().count == 1)
            }
        }
    }

    @Test func aForgedCompleteAndAReplayedReportAreRefusedAndChangeNothing() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("worker", broker: broker, swarm: swarm, client: client)
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["worker"]) }
                let release = Paths.temporaryDirectory("gate") + "/go"
                let task = try await client.submit(["type": "code.generate", "payload": ["command": .string("while [ ! -e \(release) ]; do sleep 0.05; done; echo real")]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("the task runs on worker") { try await client.state(of: id) == "running" }
                let attempt = try #require(try await client.task(id)["attempt"]?.intValue)

                // 1. Unsigned, in the seeds' shape, naming the attempt announced on tasks/assigned.
                let report = { (ref: String) -> JSONValue in
                    ["id": .string(ref), "type": "complete", "agent_id": "worker", "payload": ["task_id": .string(id), "attempt": .int(attempt), "result": ["output_tail": "forged"]]]
                }
                let forged = report("forged-complete")
                try await Self.publish(forged.jsonString, on: "tasks/complete", broker: broker, swarm: swarm)
                // 2. Signed with a real token, but one bound to another agent.
                let mallory = try #require(try await client.createToken(name: "mallory", agentID: "mallory")["token"]?.stringValue)
                let (malloryID, malloryKey) = try #require(MessageAuth.agentKey(token: mallory))
                let borrowed = report("borrowed-complete")
                try await Self.publish(MessageAuth.signedByAgent(borrowed, tokenID: malloryID, key: malloryKey).jsonString, on: "tasks/complete", broker: broker, swarm: swarm)
                // 3. The agent's own signed accept, replayed verbatim.
                let accept = try #require(recorder.messages(on: "tasks/assigned").first { $0["type"] == "accept" && $0["payload"]?["task_id"]?.stringValue == id })
                try await Self.publish(accept.jsonString, on: "tasks/assigned", broker: broker, swarm: swarm)
                try await eventually("all three refused on tasks/rejected") {
                    Self.rejected(recorder, ref: "forged-complete") != nil && Self.rejected(recorder, ref: "borrowed-complete") != nil
                        && Self.rejected(recorder, ref: accept["id"]?.stringValue ?? "?") != nil
                }
                #expect(Self.rejected(recorder, ref: "forged-complete")?["payload"]?["code"] == "unauthorized")
                #expect(Self.rejected(recorder, ref: "borrowed-complete")?["payload"]?["message"]?.stringValue?.contains("bound to agent 'mallory'") == true)
                #expect(Self.rejected(recorder, ref: accept["id"]?.stringValue ?? "?")?["payload"]?["message"]?.stringValue?.hasPrefix("Replayed") == true)
                #expect(try await client.state(of: id) == "running")

                FileManager.default.createFile(atPath: release, contents: nil)
                try await eventually("the real result recorded") { try await client.state(of: id) == "succeeded" }
                let final = try await client.task(id)
                #expect(final["result"]?["output_tail"]?.stringValue?.hasPrefix("real") == true, "\(final.jsonString)")
                #expect(final["attempts"]?.arrayValue?.count == 1)
            }
        }
    }

    @Test func aRetainedForgedOfflineDoesNotEndASessionAndARevokedTokenDoes() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("steady", broker: broker, swarm: swarm, client: client)
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["steady"]) }
                // The agent's own online status is retained there too: the forgery replaces it.
                try await Self.publish(#"{"id":"forged-offline","type":"status","agent_id":"steady","payload":{"status":"offline"}}"#, on: "agents/steady/status", broker: broker, swarm: swarm, retain: true)
                try await eventually("the forged offline refused") { Self.rejected(recorder, ref: "forged-offline") != nil }
                #expect(try await client.agent("steady")["state"] != "offline")
                let task = try await client.submit(["type": "code.generate", "payload": ["command": "echo still-here"]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("a task still runs on the agent") { try await client.state(of: id) == "succeeded" }
                #expect(try await client.task(id)["agent_id"] == "steady")

                // Item 4's MQTT part: revoking the token ends the session within a second.
                let token = try #require(try await client.tokens().first { $0["agent_id"] == "steady" }?["id"]?.stringValue)
                _ = try await client.revokeToken(token)
                let revoked = ContinuousClock.now
                try await eventually("the session ended", within: 1) { try await client.agent("steady")["state"] == "offline" }
                #expect(ContinuousClock.now - revoked < .seconds(1))
                #expect(try await agent.exitStatus(within: 10) != 0)
                #expect(agent.log.contains("revoked"), "\(agent.log.suffix(2000))")
            }
        }
    }

    @Test func byDefaultOnlySubmissionsSignedWithAnAdminTokenAreTakenAndOnlyOnce() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { served, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let task = { (ref: String) -> JSONValue in
                    ["id": .string(ref), "type": "code.generate", "payload": ["command": "true"]]
                }
                // The hub subscribes before it says it is online: nothing published after is missed.
                try await eventually("the hub online on the broker") {
                    recorder.messages(on: "hub/status").contains { $0["payload"]?["status"] == "online" }
                }
                try await Self.publish(task("unsigned-1").jsonString, on: "tasks/new", broker: broker, swarm: swarm)
                let agentToken = try #require(try await client.createToken(name: "an-agent", agentID: "an-agent")["token"]?.stringValue)
                let (agentTokenID, agentKey) = try #require(MessageAuth.agentKey(token: agentToken))
                try await Self.publish(MessageAuth.signedByAgent(task("agent-signed"), tokenID: agentTokenID, key: agentKey).jsonString, on: "tasks/new", broker: broker, swarm: swarm)
                let (adminID, adminKey) = try #require(MessageAuth.agentKey(token: served.adminToken))
                let signed = MessageAuth.signedByAgent(task("admin-signed"), tokenID: adminID, key: adminKey).jsonString
                try await Self.publish(signed, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the admin's submission accepted") {
                    recorder.messages(on: "tasks/accepted").contains { $0["payload"]?["ref"] == "admin-signed" }
                }
                try await Self.publish(signed, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the other three refused") {
                    recorder.messages(on: "tasks/rejected").filter { $0["payload"]?["code"] == "unauthorized" }.count == 3
                }
                let refused = recorder.messages(on: "tasks/rejected").compactMap { $0["payload"]?["ref"]?.stringValue }
                #expect(refused.sorted() == ["admin-signed", "agent-signed", "unsigned-1"])
                #expect(try await client.allTasks().map { $0["id"] } == ["admin-signed"])
            }
        }
    }
}
