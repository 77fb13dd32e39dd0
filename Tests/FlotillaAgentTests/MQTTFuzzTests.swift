import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import FuzzSupport
import MQTT
import Testing

/// Issue 20's fuzzing proof over MQTT: the hub in process with its bridge on a real mosquitto,
/// a real `flotilla agent --broker` running a task, and an attacker who publishes thousands of
/// mutated envelopes on every topic the hub or the agent reads (reports, registrations,
/// presence, submissions, requests, the agent's inbox, broadcast): unsigned, signed with another
/// agent's token, or carrying a made-up hub signature, then mutated. The hub stays up and
/// answers, nothing the attacker sent runs, the running task is untouched, no task appears, and
/// the agent finishes its task and a new one afterwards.
///
/// Seeded: a failure names its seed; `FLOTILLA_FUZZ_SEED=<seed>` replays it.
@Suite(.serialized) struct MQTTFuzzTests {
    /// What an attacker publishes, by topic leaf under `{swarm}/`.
    static func bases(taskID: String, attempt: Int64, marker: String, signedByMallory sign: (JSONValue) -> JSONValue) -> [(leaf: String, message: JSONValue)] {
        let run: JSONValue = ["command": .string("touch \(marker)")]
        let report = { (type: String, extra: [String: JSONValue]) -> JSONValue in
            var payload: [String: JSONValue] = ["task_id": .string(taskID), "attempt": .int(attempt)]
            payload.merge(extra) { _, new in new }
            return ["id": .string("r-\(type)"), "type": .string(type), "ts": "2026-12-04T15:00:00Z", "agent_id": "victim", "payload": .object(payload)]
        }
        let fakeHubProof: JSONValue = ["alg": "ed25519", "kid": "hub", "to": "victim", "ts": .int(MessageAuth.nowMilliseconds()), "nonce": "n-1",
                                       "sig": .string(Data(repeating: 7, count: 64).base64EncodedString())]
        let assignment: JSONValue = ["id": "a-1", "type": "assignment", "ts": "2026-12-04T15:00:00Z",
                                     "payload": ["attempt": 1, "lease_seconds": 30, "task_id": "forged", "task": ["id": "forged", "attempt": 1, "type": "code.generate", "payload": run]]]
        var bases: [(String, JSONValue)] = [
            ("tasks/complete", report("complete", ["result": ["output_tail": "forged"]])),
            ("tasks/progress", report("progress", ["percent": 50, "message": "forged"])),
            ("tasks/failed", report("fail", ["error": "forged", "retryable": false])),
            ("tasks/failed", report("release", ["reason": "forged"])),
            ("tasks/assigned", report("accept", [:])),
            ("agents/register", ["id": "g1", "type": "register", "agent_id": "victim", "payload": ["roles": ["general"], "concurrency": 4]]),
            ("agents/heartbeat", ["id": "g2", "type": "heartbeat", "agent_id": "victim", "payload": ["rss_mb": 1]]),
            ("agents/shutdown", ["id": "g3", "type": "drain", "agent_id": "victim"]),
            ("agents/victim/status", ["id": "g4", "type": "status", "agent_id": "victim", "payload": ["status": "offline"]]),
            ("tasks/new", ["id": "s1", "type": "code.generate", "payload": run]),
            ("tasks/new", ["tasks": [["type": "code.generate", "payload": run], ["task": "touch the marker"]]]),
            ("tests/run", ["id": "s2", "timestamp": "2026-12-04T15:00:00Z", "agent_id": "victim", "payload": run]),
            ("agents/victim/inbox", assignment),
            ("agents/victim/inbox", JSONMutation.replacing(["metadata"], in: assignment, with: ["auth": fakeHubProof])),
            ("agents/victim/inbox", ["id": "c-1", "type": "cancel", "ts": "t", "payload": ["task_id": .string(taskID), "attempt": .int(attempt)]]),
            ("broadcast", assignment),
        ]
        // The same, signed with a real agent token that is bound to another agent.
        bases += bases.filter { !$0.0.contains("inbox") && $0.0 != "broadcast" }.map { leaf, message in (leaf, sign(message)) }
        return bases
    }

    @Test func thousandsOfMutatedEnvelopesOnEveryTopicChangeNothing() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        let markers = Paths.temporaryDirectory("fuzz-markers")
        let marker = markers + "/ran"
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("victim", broker: broker, swarm: swarm, client: client)
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["victim"]) }
                let gate = Paths.temporaryDirectory("gate") + "/go"
                let held = try await client.submit(["type": "code.generate", "payload": ["command": .string("while [ ! -e \(gate) ]; do sleep 0.05; done; echo real")]])
                let id = try #require(held["id"]?.stringValue)
                try await eventually("the task runs on the agent") { try await client.state(of: id) == "running" }
                let before = try await client.task(id)
                let attempt = try #require(before["attempt"]?.intValue)
                let mallory = try #require(try await client.createToken(name: "mallory", agentID: "mallory")["token"]?.stringValue)
                let (malloryID, malloryKey) = try #require(MessageAuth.agentKey(token: mallory))
                let bases = Self.bases(taskID: id, attempt: attempt, marker: marker) { MessageAuth.signedByAgent($0, tokenID: malloryID, key: malloryKey) }

                var random = FuzzRandom(fallback: 0x4D51_F022)
                let seed = random.seed
                let rounds = 8
                let perRound = 250
                let configuration = try MQTTClient.Configuration(url: broker.url)
                let started = ContinuousClock.now
                try await MQTTClient.withConnection(configuration) { attacker in
                    for round in 1...rounds {
                        for _ in 0..<perRound {
                            let (leaf, message) = random.element(bases)
                            let bytes = JSONMutation.mutatedText(of: message, using: &random)
                            try await attacker.publish(to: "\(swarm)/\(leaf)", payload: String(decoding: bytes, as: UTF8.self), qos: .atLeastOnce)
                        }
                        // Sentinels: answered (or ignored) only once the hub's submission loop, its
                        // main loop and the agent's inbox have read everything before them.
                        let newRef = "sentinel-new-\(round)", reportRef = "sentinel-report-\(round)"
                        try await attacker.publish(to: "\(swarm)/tasks/new", payload: #"{"id":"\#(newRef)","type":"code.generate"}"#, qos: .atLeastOnce)
                        try await attacker.publish(to: "\(swarm)/tasks/complete", payload: #"{"id":"\#(reportRef)","type":"complete","agent_id":"victim","payload":{"task_id":"x","attempt":1}}"#, qos: .atLeastOnce)
                        try await attacker.publish(to: "\(swarm)/agents/victim/inbox", payload: #"{"id":"sentinel-\#(round)","type":"registered","payload":{}}"#, qos: .atLeastOnce)
                        try await eventually("round \(round): the hub refused both sentinels and the agent ignored its own (seed \(seed))", within: 30) {
                            let refs = Set(recorder.messages(on: "tasks/rejected").compactMap { $0["payload"]?["ref"]?.stringValue })
                            return refs.contains(newRef) && refs.contains(reportRef)
                                && agent.log.components(separatedBy: "ignored a 'registered'").count - 1 >= round
                        }
                    }
                }
                // A bound on a broken bridge that falls behind, not a benchmark: alone the rounds
                // take seconds, on a loaded machine 76 s (each round has its own 30 s as well).
                #expect(ContinuousClock.now - started < .seconds(180))

                // Every refusal carries a code the API defines.
                let rejections = recorder.messages(on: "tasks/rejected")
                let known = Set(FlotillaError.Code.allCases.map(\.rawValue))
                let codes = rejections.compactMap { $0["payload"]?["code"]?.stringValue }
                #expect(rejections.count > rounds * perRound / 4, "only \(rejections.count) refusals for \(rounds * perRound) messages")
                #expect(codes.count == rejections.count && codes.allSatisfy(known.contains), "refusals without a known code: \(Set(codes).subtracting(known))")

                // The hub is up; nothing ran, nothing changed, nothing was created.
                #expect(try await client.send(.GET, "/health").status == 200)
                #expect(!FileManager.default.fileExists(atPath: marker), "a forged command ran (seed \(seed))")
                let after = try await client.task(id)
                for field in ["state", "attempt", "agent_id", "result", "progress", "progress_message", "error", "reason", "attempts"] {
                    #expect(after[field] == before[field], "'\(field)' of the running task changed: \(String(describing: before[field])) → \(String(describing: after[field])) (seed \(seed))")
                }
                #expect(try await client.allTasks().count == 1, "a forged submission made a task (seed \(seed))")
                #expect(try await MQTTFleetTests.online(client, ["victim"]), "a forged goodbye ended the agent's session")

                // The agent finishes its task, and a new one runs as usual.
                FileManager.default.createFile(atPath: gate, contents: nil)
                try await eventually("the running task succeeded") { try await client.state(of: id) == "succeeded" }
                #expect(try await client.task(id)["result"]?["output_tail"]?.stringValue?.hasPrefix("real") == true)
                let fresh = try #require(try await client.submit(["type": "code.generate", "payload": ["command": "echo fresh"]])["id"]?.stringValue)
                try await eventually("a new task succeeded") { try await client.state(of: fresh) == "succeeded" }
                #expect(!FileManager.default.fileExists(atPath: marker))
            }
        }
    }
}
