import FlotillaAgent
import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import MQTT
import Testing

/// The fleet over a real mosquitto: `flotilla hub --mqtt` in process, real `flotilla agent
/// --broker` processes, submissions from `mosquitto_pub`, and everything published observed by
/// a subscriber on `{swarm}/#`.
@Suite(.serialized) struct MQTTFleetTests {
    static func swarm() -> String { "swarm-" + UUID().uuidString.prefix(8).lowercased() }

    /// A real `flotilla agent --broker` with what an MQTT agent needs from the hub: a token bound
    /// to its id and the hub's key (both from `POST /api/tokens`, as `flotilla token create`).
    static func agent(_ id: String, broker: Broker, swarm: String, client: HubClient, extra: [String] = [], workdir: String = Paths.temporaryDirectory()) async throws -> AgentProcess {
        let created = try await client.createToken(name: "mqtt-\(id)", agentID: id)
        let token = try #require(created["token"]?.stringValue)
        let key = try #require(created["hub_key"]?.stringValue)
        return try AgentProcess(["--broker", broker.url, "--swarm", swarm, "--agent-id", id, "--workdir", workdir, "--hub-key", key] + extra, hub: "http://127.0.0.1:1", token: token)
    }

    static func agents(_ ids: [String], broker: Broker, swarm: String, client: HubClient, extra: [String] = []) async throws -> [AgentProcess] {
        var agents: [AgentProcess] = []
        for id in ids { agents.append(try await agent(id, broker: broker, swarm: swarm, client: client, extra: extra)) }
        return agents
    }

    static func online(_ client: HubClient, _ ids: Set<String>) async throws -> Bool {
        let agents = try await client.agents()
        return ids.allSatisfy { id in agents.contains { $0["id"]?.stringValue == id && $0["state"] != "offline" } }
    }

    @Test func aThousandTasksFromMosquittoPubRunOnTwoAgentsAndEveryOutcomeIsPublished() async throws {
        let broker = try await Broker()
        let swarm = Self.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm, allowUnsignedSubmissions: true)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agents = try await Self.agents(["one", "two"], broker: broker, swarm: swarm, client: client, extra: ["--role", "testing,review", "--concurrency", "4"])
                defer { agents.forEach { $0.stop() } }
                try await eventually("both agents registered over MQTT") { try await Self.online(client, ["one", "two"]) }

                let tasks = (0..<1000).map { index -> JSONValue in
                    ["type": index % 2 == 0 ? "testing.run" : "code.review", "payload": ["command": .string("echo task-\(index)")]]
                }
                let file = Paths.temporaryDirectory("batch") + "/batch.json"
                let envelope: JSONValue = ["id": "batch-1", "payload": ["tasks": .array(tasks)]]
                try envelope.jsonString.write(toFile: file, atomically: true, encoding: .utf8)
                let published = try await runProgram("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "\(swarm)/tasks/new", "-f", file])
                #expect(published.status == 0, "\(published.output)")

                do {
                    try await eventually("1000 tasks succeeded", within: 240) {
                        try await client.stats()["tasks"]?["by_state"]?["succeeded"] == 1000
                    }
                } catch {
                    throw TestFailure("\(error)\nstats: \(try await client.stats().jsonString)\nagent one:\n\(agents[0].log.suffix(3000))")
                }
                let stored = try await client.allTasks()
                #expect(stored.count == 1000)
                let retried = stored.filter { $0["state"] != "succeeded" || $0["attempt"] != 1 }
                for task in retried.prefix(3) {
                    Issue.record("not succeeded at the first attempt: \(try await client.task(try #require(task["id"]?.stringValue)).jsonString)")
                }
                for id in ["one", "two"] {
                    #expect(stored.contains { $0["agent_id"]?.stringValue == id }, "agent \(id) ran nothing")
                }

                let accepted = try #require(recorder.messages(on: "tasks/accepted").first)
                #expect(accepted["payload"]?["ref"] == "batch-1")
                #expect(accepted["payload"]?["tasks"]?.arrayValue?.count == 1000)
                try await eventually("every completion published with its result") {
                    recorder.events(on: "tasks/complete", type: "task.succeeded").count == 1000
                }
                let completions = recorder.events(on: "tasks/complete", type: "task.succeeded")
                #expect(Set(completions.compactMap { $0["payload"]?["task_id"]?.stringValue }).count == 1000)
                #expect(completions.allSatisfy { $0["payload"]?["data"]?["result"]?["output_tail"]?.stringValue?.hasPrefix("task-") == true })
                try await eventually("the seeds/001 domain topics carry each type's completions") {
                    recorder.events(on: "tests/results", type: "task.succeeded").count == 500
                        && recorder.events(on: "code/review", type: "task.succeeded").count == 500
                }
                #expect(recorder.events(on: "tasks/assigned", type: "task.assigned").count == 1000)
            }
        }
    }

    @Test func anAgentKilledMidTaskGoesOfflineByItsWillAndTheTaskIsRetriedOnceElsewhere() async throws {
        let broker = try await Broker()
        let swarm = Self.swarm()
        try await LiveHub.run(leaseSeconds: 1.5, mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let left = try await Self.agent("left", broker: broker, swarm: swarm, client: client)
                defer { left.stop() }
                try await eventually("left registered") { try await Self.online(client, ["left"]) }
                let task = try await client.submit(["type": "code.generate", "payload": ["command": "sleep 2; echo finished"]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("the task runs on left") { try await client.state(of: id) == "running" }
                let right = try await Self.agent("right", broker: broker, swarm: swarm, client: client)
                defer { right.stop() }
                try await eventually("right registered") { try await Self.online(client, ["right"]) }

                left.signal(SIGKILL)
                try await eventually("left's will marks it offline") {
                    let state = try await client.agent("left")["state"]
                    return state == "offline" && recorder.messages(on: "agents/left/status").contains { $0["type"] == "status" && $0["payload"]?["status"] == "offline" }
                }
                do {
                    try await eventually("the task succeeded on right", within: 30) { try await client.state(of: id) == "succeeded" }
                } catch {
                    throw TestFailure("\(error)\ntask: \(try await client.task(id).jsonString)\nright log:\n\(right.log.suffix(3000))")
                }
                let final = try await client.task(id)
                #expect(final["agent_id"] == "right")
                let attempts = try #require(final["attempts"]?.arrayValue)
                #expect(attempts.map { $0["agent_id"] } == ["left", "right"])
                #expect(attempts.map { $0["outcome"] } == ["lease_expired", "succeeded"])
                try await eventually("one completion published") {
                    recorder.events(on: "tasks/complete", type: "task.succeeded").filter { $0["payload"]?["task_id"]?.stringValue == id }.count == 1
                }
            }
        }
    }

    @Test func aBrokerKilledAndRestartedMidRunLosesNothing() async throws {
        let broker = try await Broker()
        let swarm = Self.swarm()
        try await LiveHub.run(leaseSeconds: 3, mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            let agents = try await Self.agents(["east", "west"], broker: broker, swarm: swarm, client: client, extra: ["--concurrency", "2"])
            defer { agents.forEach { $0.stop() } }
            try await eventually("both agents registered") { try await Self.online(client, ["east", "west"]) }
            let batch = (0..<300).map { index -> JSONValue in ["type": "code.generate", "payload": ["command": .string("sleep 0.02; echo run-\(index)")]] }
            _ = try await client.submit(batch: batch)
            try await eventually("a fifth done before the broker dies") {
                (try await client.stats()["tasks"]?["by_state"]?["succeeded"]?.intValue ?? 0) >= 60
            }
            try await broker.kill()
            try await broker.start()
            do {
                try await eventually("all 300 succeeded after the broker came back", within: 120) {
                    try await client.stats()["tasks"]?["by_state"]?["succeeded"] == 300
                }
            } catch {
                throw TestFailure("\(error)\nstats: \(try await client.stats().jsonString)\neast log:\n\(agents[0].log.suffix(4000))")
            }
            try await eventually("both agents online again") { try await Self.online(client, ["east", "west"]) }
            for task in try await client.allTasks() {
                let detail = try await client.task(try #require(task["id"]?.stringValue))
                let succeeded = detail["attempts"]?.arrayValue?.filter { $0["outcome"] == "succeeded" }.count
                #expect(succeeded == 1, "\(detail.jsonString)")
            }
        }
    }

    @Test func badSubmissionsAreRejectedWithACodeAndChangeNothing() async throws {
        let broker = try await Broker()
        let swarm = Self.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm, allowUnsignedSubmissions: true)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let bad: [(ref: String, body: String, code: String)] = [
                    ("", "{not json", "malformed_json"),
                    ("missing-type", #"{"id":"missing-type","payload":{"payload":{"command":"true"}}}"#, "missing_field"),
                    ("bad-priority", #"{"id":"bad-priority","payload":{"type":"code.generate","priority":"urgent"}}"#, "invalid_field"),
                    ("unknown-dependency", #"{"id":"unknown-dependency","payload":{"type":"code.generate","depends_on":["nope"]}}"#, "unknown_dependency"),
                ]
                try await MQTTClient.withConnection(try MQTTClient.Configuration(url: broker.url)) { publisher in
                    for item in bad {
                        try await publisher.publish(to: "\(swarm)/tasks/new", payload: item.body, qos: .atLeastOnce)
                    }
                    try await eventually("every bad submission answered on tasks/rejected") {
                        recorder.messages(on: "tasks/rejected").count == bad.count
                    }
                    // A QoS 1 duplicate of one envelope makes one task.
                    let good = #"{"id":"dup-1","payload":{"type":"code.generate","payload":{"command":"true"}}}"#
                    try await publisher.publish(to: "\(swarm)/tasks/new", payload: good, qos: .atLeastOnce)
                    try await publisher.publish(to: "\(swarm)/tasks/new", payload: good, qos: .atLeastOnce)
                    try await eventually("both copies answered") { recorder.messages(on: "tasks/accepted").count == 2 }
                    // An unsigned report is refused on tasks/rejected, never answered in the inbox
                    // of the agent it claims to come from.
                    try await publisher.publish(to: "\(swarm)/agents/heartbeat", payload: #"{"id":"hb-1","type":"heartbeat","agent_id":"ghost","payload":{}}"#, qos: .atLeastOnce)
                    try await eventually("the ghost's unsigned heartbeat refused") {
                        recorder.messages(on: "tasks/rejected").contains { $0["payload"]?["code"] == "unauthorized" && $0["payload"]?["ref"] == "hb-1" }
                    }
                    #expect(recorder.messages(on: "agents/ghost/inbox").isEmpty)
                }
                let rejected = recorder.messages(on: "tasks/rejected")
                for item in bad {
                    let answer = rejected.first { $0["payload"]?["code"]?.stringValue == item.code }
                    #expect(answer != nil, "no \(item.code) among \(rejected)")
                    if !item.ref.isEmpty { #expect(answer?["payload"]?["ref"]?.stringValue == item.ref) }
                    #expect(answer?["payload"]?["message"]?.stringValue?.isEmpty == false)
                }
                let accepted = recorder.messages(on: "tasks/accepted").compactMap { $0["payload"]?["tasks"]?.arrayValue?.first?["task_id"]?.stringValue }
                #expect(Set(accepted).count == 1)
                #expect(try await client.allTasks().count == 1)
                #expect(try await client.agents().isEmpty)
            }
        }
    }

    @Test func badBrokerURLsAndSwarmNamesAreRefusedBeforeAnythingStarts() async throws {
        let data = Paths.temporaryDirectory("hub")
        let cases: [(arguments: [String], message: String)] = [
            (["hub", "--data-dir", data, "--mqtt", "http://127.0.0.1:1883"], "--mqtt: 'http://127.0.0.1:1883' is not an mqtt:// or mqtts:// URL"),
            (["hub", "--data-dir", data, "--mqtt", "mqtt://127.0.0.1:1883", "--swarm", "a/b"], "--swarm 'a/b' must be one topic level"),
            (["agent", "--broker", "tcp://127.0.0.1:1883"], "--broker: 'tcp://127.0.0.1:1883' is not an mqtt:// or mqtts:// URL"),
            (["agent", "--broker", "mqtt://127.0.0.1:1883", "--swarm", "fleet/#"], "--swarm 'fleet/#' must be one topic level"),
            // An MQTT agent proves itself with its token and checks the hub with the pinned key.
            (["agent", "--broker", "mqtt://127.0.0.1:1883", "--agent-id", "x", "--token", "flt_a_b"], "no hub key given"),
            (["agent", "--broker", "mqtt://127.0.0.1:1883", "--agent-id", "x", "--token", "flt_a_b", "--hub-key", "not-a-key"], "the token or the key is malformed"),
        ]
        for item in cases {
            let run = try await runCLI(item.arguments, within: 30)
            #expect(run.status != 0, "\(item.arguments)")
            #expect(run.output.contains(item.message), "\(run.output)")
        }
        // Refused before the hub opened its data directory.
        #expect(!FileManager.default.fileExists(atPath: data + "/flotilla.sqlite"))
    }

    @Test func anAgentRegistersAgainWithARestartedHubAndCarriesOn() async throws {
        let broker = try await Broker()
        let swarm = Self.swarm()
        let data = Paths.temporaryDirectory("hub")
        let mqtt = MQTTBridgeConfiguration(url: broker.url, swarm: swarm)
        // Started by the first hub (which mints its token), it outlives it.
        let started = OneShot<AgentProcess>()
        defer { started.reason?.stop() }
        try await LiveHub.run(dataDirectory: data, mqtt: mqtt) { _, client in
            let agent = try await Self.agent("steady", broker: broker, swarm: swarm, client: client)
            started.fire(agent)
            try await eventually("registered with the first hub") { try await Self.online(client, ["steady"]) }
            let task = try await client.submit(["type": "code.generate", "payload": ["command": "echo first"]])
            try await eventually("first task done") { try await client.state(of: try #require(task["id"]?.stringValue)) == "succeeded" }
        }
        try await LiveHub.run(dataDirectory: data, mqtt: mqtt) { _, client in
            try await eventually("registered with the restarted hub") { try await Self.online(client, ["steady"]) }
            let task = try await client.submit(["type": "code.generate", "payload": ["command": "echo second"]])
            try await eventually("second task done") { try await client.state(of: try #require(task["id"]?.stringValue)) == "succeeded" }
        }
        #expect(started.reason?.process.isRunning == true)
    }
}
