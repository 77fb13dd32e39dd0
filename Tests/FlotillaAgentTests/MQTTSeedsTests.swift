import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// The seeds' own messages, published with `mosquitto_pub` exactly as seeds/000 and /001 write
/// them, against a real mosquitto, the hub in process and real `flotilla agent` processes: each
/// gets a matching result or a rejection its sender can match (issue 19, items 12 and 13).
@Suite(.serialized) struct MQTTSeedsTests {
    /// Publishes `message` on `{swarm}/<leaf>` with mosquitto_pub, as a seeds user would.
    static func publish(_ message: String, on leaf: String, broker: Broker, swarm: String) async throws {
        let published = try await runProgram("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "\(swarm)/\(leaf)", "-m", message])
        #expect(published.status == 0, "\(published.output)")
    }

    static func accepted(_ recorder: SwarmRecorder, ref: String) -> String? {
        recorder.messages(on: "tasks/accepted").first { $0["payload"]?["ref"]?.stringValue == ref }?["payload"]?["tasks"]?.arrayValue?.first?["task_id"]?.stringValue
    }

    @Test func seedsMessagesFromMosquittoPubRunOnARealAgentAndEveryOutcomeIsPublished() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        // The agent is told to heartbeat every second, so one shows up soon. A 3 s lease did that
        // before, but on a loaded machine an attempt can outlive 3 s of a slow broker round trip
        // and be retried though nothing was lost; the lease stays the default.
        // The seeds' users publish with mosquitto_pub: this hub takes unsigned submissions.
        let mqtt = MQTTBridgeConfiguration(url: broker.url, swarm: swarm, allowUnsignedSubmissions: true)
        try await LiveHub.run(mqtt: mqtt, configure: { $0.policy.heartbeatInterval = 1 }) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("testing-01", broker: broker, swarm: swarm, client: client, extra: ["--role", "testing"])
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["testing-01"]) }

                // seeds/001's envelope: type, payload, metadata.
                try await Self.publish(#"""
                    {"id":"msg_abc123","timestamp":"2026-02-22T19:00:00Z","agent_id":"sheri-ml-02","type":"testing.run","payload":{"command":"echo seeds-ok"},"metadata":{"priority":"high","retry_count":0,"ttl":300}}
                    """#, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the envelope accepted with its id as ref") { Self.accepted(recorder, ref: "msg_abc123") != nil }
                let id = try #require(Self.accepted(recorder, ref: "msg_abc123"))
                do {
                    try await eventually("the envelope's task succeeded on the agent") { try await client.state(of: id) == "succeeded" }
                } catch {
                    throw TestFailure("\(error)\ntask: \(try await client.task(id).jsonString)\nagent log:\n\(agent.log.suffix(3000))")
                }
                let task = try await client.task(id)
                #expect(task["submitter"] == "sheri-ml-02")
                #expect(task["priority"] == "high")
                #expect(task["agent_id"] == "testing-01")
                try await eventually("its completion on tasks/complete and tests/results") {
                    let done = { (leaf: String) in recorder.events(on: leaf, type: "task.succeeded").contains { $0["payload"]?["task_id"]?.stringValue == id } }
                    return done("tasks/complete") && done("tests/results")
                }
                try await eventually("its progress on tests/results too") {
                    recorder.events(on: "tests/results", type: "task.progress").contains { $0["payload"]?["task_id"]?.stringValue == id }
                }
                let completion = try #require(recorder.events(on: "tasks/complete", type: "task.succeeded").first { $0["payload"]?["task_id"]?.stringValue == id })
                #expect(completion["payload"]?["data"]?["result"]?["output_tail"]?.stringValue?.hasPrefix("seeds-ok") == true)

                // A request on seeds/001's tests/run topic, in seeds/000's envelope without type.
                try await Self.publish(#"""
                    {"id":"run-1","timestamp":"2026-02-22T19:42:40.710Z","agent_id":"ci-01","role":"general","payload":{"command":"echo from-request"}}
                    """#, on: "tests/run", broker: broker, swarm: swarm)
                try await eventually("the request accepted") { Self.accepted(recorder, ref: "run-1") != nil }
                let requested = try #require(Self.accepted(recorder, ref: "run-1"))
                try await eventually("the request ran as testing.run") { try await client.state(of: requested) == "succeeded" }
                let request = try await client.task(requested)
                #expect(request["type"] == "testing.run")
                #expect(request["submitter"] == "ci-01")

                // Failure reaches the domain topic too, not only success.
                try await Self.publish(#"{"id":"fails-1","timestamp":"2026-02-22T19:00:00Z","agent_id":"sheri-ml-02","type":"testing.run","payload":{"command":"exit 3"}}"#, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the failing task accepted") { Self.accepted(recorder, ref: "fails-1") != nil }
                let failing = try #require(Self.accepted(recorder, ref: "fails-1"))
                try await eventually("the failing task dead after its attempts") { try await client.state(of: failing) == "dead" }
                try await eventually("its failures and its death on tests/results") {
                    let mine = { (type: String) in recorder.events(on: "tests/results", type: type).contains { $0["payload"]?["task_id"]?.stringValue == failing } }
                    return mine("task.failed") && mine("task.dead")
                }

                // The agent's heartbeats carry seeds/000's status, role and memory.
                try await eventually("a heartbeat in the seeds' shape") {
                    recorder.messages(on: "agents/heartbeat").contains { message in
                        message["agent_id"] == "testing-01" && message["role"] == "testing"
                            && message["payload"]?["status"] == "alive" && message["payload"]?["role"] == "testing"
                            && (message["payload"]?["memory"]?["rss"]?.intValue ?? 0) > 0
                    }
                }
            }
        }
    }

    @Test func seed000AgentsTypelessMessagesWordsTTLsAndUnreadableMessagesAllGetAnAnswer() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        // seeds/000's agents sign nothing: this hub takes them (and unsigned submissions).
        let open = MQTTBridgeConfiguration(url: broker.url, swarm: swarm, allowUnsignedSubmissions: true, allowUnsignedAgents: true)
        try await LiveHub.run(mqtt: open) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                // The hub subscribes before it says it is online: nothing published after is missed.
                try await eventually("the hub online on the broker") {
                    recorder.messages(on: "hub/status").contains { $0["payload"]?["status"] == "online" }
                }
                // seeds/000's register and heartbeat: no `type`, the topic says it.
                try await Self.publish(#"{"id":"reg-1","timestamp":"2026-02-22T19:42:30.100Z","agent_id":"test-agent-01","role":"testing","payload":{"status":"online"}}"#, on: "agents/register", broker: broker, swarm: swarm)
                try await eventually("the register answered in the agent's inbox") {
                    recorder.messages(on: "agents/test-agent-01/inbox").contains { $0["type"] == "registered" }
                }
                #expect(try await client.agent("test-agent-01")["roles"] == ["testing"])
                try await Self.publish(#"""
                    {"id":"9edbabb5-e0a0-4b8c-ac3f-e1983ab31d20","timestamp":"2026-02-22T19:42:40.710Z","agent_id":"test-agent-01","role":"testing","payload":{"status":"alive","uptime":10.581099939,"memory":{"rss":80207872,"heapTotal":28471296,"heapUsed":25892000},"role":"testing"}}
                    """#, on: "agents/heartbeat", broker: broker, swarm: swarm)
                try await eventually("the heartbeat taken in") {
                    try await client.agent("test-agent-01")["heartbeat"]?["status"] == "alive"
                }

                // seeds/001's task in words.
                try await Self.publish(#"{"id":"words-1","task":"deploy auth system","priority":"high"}"#, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the task in words accepted") { Self.accepted(recorder, ref: "words-1") != nil }
                let words = try await client.task(try #require(Self.accepted(recorder, ref: "words-1")))
                #expect(words["prompt"] == "deploy auth system")
                #expect(words["priority"] == "high")
                #expect(words["type"] == "code.generate")

                // A bare request on code/review: its id makes a redelivery the same task.
                let review = #"{"id":"review-1","payload":{"pr":12}}"#
                try await Self.publish(review, on: "code/review", broker: broker, swarm: swarm)
                try await Self.publish(review, on: "code/review", broker: broker, swarm: swarm)
                try await eventually("both copies of the request answered") {
                    recorder.messages(on: "tasks/accepted").filter { $0["payload"]?["ref"] == "review-1" }.count == 2
                }
                let reviews = recorder.messages(on: "tasks/accepted").filter { $0["payload"]?["ref"] == "review-1" }
                #expect(Set(reviews.compactMap { $0["payload"]?["tasks"]?.arrayValue?.first?["task_id"]?.stringValue }).count == 1)
                let reviewTask = try await client.task(try #require(Self.accepted(recorder, ref: "review-1")))
                #expect(reviewTask["type"] == "code.review")
                #expect(reviewTask["payload"]?["pr"] == 12)

                // A TTL of 1 s on a task no agent can take: it ends expired.
                try await Self.publish(#"{"id":"ttl-1","timestamp":"2026-02-22T19:00:00Z","agent_id":"sheri-ml-02","type":"database.backup","payload":{},"metadata":{"priority":"high","retry_count":0,"ttl":1}}"#, on: "tasks/new", broker: broker, swarm: swarm)
                try await eventually("the TTL task accepted") { Self.accepted(recorder, ref: "ttl-1") != nil }
                let ttl = try #require(Self.accepted(recorder, ref: "ttl-1"))
                try await eventually("the TTL task expired") { try await client.state(of: ttl) == "expired" }
                try await eventually("task.expired published on tasks/expired") {
                    recorder.events(on: "tasks/expired", type: "task.expired").contains { $0["payload"]?["task_id"]?.stringValue == ttl }
                }

                // Unreadable: answered on tasks/rejected, or in the sender's inbox when it named itself.
                try await Self.publish("{not json", on: "agents/heartbeat", broker: broker, swarm: swarm)
                try await Self.publish(#"{"id":"hb-bad","agent_id":"test-agent-01","type":"bogus","payload":{}}"#, on: "agents/heartbeat", broker: broker, swarm: swarm)
                try await Self.publish(#"{"id":"nl-bad","task":"","priority":"high"}"#, on: "tasks/new", broker: broker, swarm: swarm)
                try await Self.publish(#"{"id":"hb-anon","timestamp":"2026-02-22T19:42:40.710Z","role":"testing","payload":{"status":"alive"}}"#, on: "agents/heartbeat", broker: broker, swarm: swarm)
                try await eventually("each unreadable message answered") {
                    let rejected = recorder.messages(on: "tasks/rejected")
                    return rejected.contains { $0["payload"]?["code"] == "malformed_json" }
                        && rejected.contains { $0["payload"]?["ref"] == "nl-bad" && $0["payload"]?["field"] == "task" }
                        && rejected.contains { $0["payload"]?["ref"] == "hb-anon" && $0["payload"]?["code"] == "missing_field" && $0["payload"]?["field"] == "agent_id" }
                        && recorder.messages(on: "agents/test-agent-01/inbox").contains { $0["type"] == "error" && $0["payload"]?["ref"] == "hb-bad" && $0["payload"]?["code"] == "invalid_field" }
                }
            }
        }
    }

    @Test func seed000sMQTTFlagTakesTheDefaultBroker() async throws {
        // Refused by the MQTT transport's own check: --mqtt alone chose it.
        let refused = try await runCLI(["agent", "--mqtt", "--swarm", "fleet/#"], within: 30)
        #expect(refused.status != 0)
        #expect(refused.output.contains("--swarm 'fleet/#' must be one topic level"), "\(refused.output)")
        let agent = try AgentProcess(["--mqtt", "--agent-id", "mqtt-flag", "--workdir", Paths.temporaryDirectory(), "--hub-key", String(repeating: "A", count: 43) + "="], hub: "http://127.0.0.1:1", token: "flt_unused_secret")
        defer { agent.stop() }
        try await eventually("the agent names the default broker") { agent.log.contains("→ mqtt://localhost:1883 (swarm flotilla)") }
    }
}
