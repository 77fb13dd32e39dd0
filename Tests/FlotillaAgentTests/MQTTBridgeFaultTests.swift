import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Issue 20, item 9: a publish that fails degrades that one message, never an agent's
/// connection, the bridge or the hub. mosquitto's `max_packet_size` makes the failure real: the
/// broker announces it (MQTT 5 CONNACK) and our client refuses a larger message before sending.
/// Also the broker side of item 1: `flotilla mqtt setup`'s password file and ACL, loaded by a real
/// mosquitto.
@Suite(.serialized) struct MQTTBridgeFaultTests {
    @Test func anInboxMessageTooLargeForTheBrokerFailsOneAttemptAndTheAgentTakesTheNextTask() async throws {
        let broker = try await Broker(configuration: "max_packet_size 16384\n")
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            let agent = try await MQTTFleetTests.agent("small", broker: broker, swarm: swarm, client: client)
            defer { agent.stop() }
            try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["small"]) }

            let blob = String(repeating: "x", count: 40_000)
            let big = try await client.submit(["type": "code.generate", "max_attempts": 2, "payload": ["command": "echo big", "blob": .string(blob)]])
            let bigID = try #require(big["id"]?.stringValue)
            try await eventually("the undeliverable task failed its attempts", within: 30) { try await client.state(of: bigID) == "dead" }
            let attempts = try #require(try await client.task(bigID)["attempts"]?.arrayValue)
            #expect(attempts.count == 2)
            #expect(attempts.allSatisfy { $0["error"]?.stringValue?.contains("could not deliver the assignment") == true }, "\(attempts)")

            let next = try await client.submit(["type": "code.generate", "payload": ["command": "echo next"]])
            let nextID = try #require(next["id"]?.stringValue)
            do {
                try await eventually("the agent still takes the next task") { try await client.state(of: nextID) == "succeeded" }
            } catch {
                throw TestFailure("\(error)\nagent log:\n\(agent.log.suffix(3000))")
            }
            #expect(try await client.task(nextID)["agent_id"] == "small")
        }
    }

    @Test func anEventTooLargeForTheBrokerLeavesTheHubServingAndPublishesAStandIn() async throws {
        let broker = try await Broker(configuration: "max_packet_size 16384\n")
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            try await SwarmRecorder.run(broker, swarm: swarm) { recorder in
                let agent = try await MQTTFleetTests.agent("steady", broker: broker, swarm: swarm, client: client)
                defer { agent.stop() }
                try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["steady"]) }
                // No agent takes this type: it waits, and its cancellation event carries the reason.
                let parked = try await client.submit(["type": "database.backup", "payload": [:]])
                let parkedID = try #require(parked["id"]?.stringValue)
                _ = try await client.cancel(parkedID, reason: String(repeating: "r", count: 40_000))
                try await eventually("a stand-in for the oversized event published") {
                    recorder.messages(on: "tasks/cancelled").contains { $0["payload"]?["task_id"]?.stringValue == parkedID && $0["payload"]?["truncated"] == true }
                }
                // The hub still serves HTTP, and the bridge still serves agents and events.
                #expect(try await client.stats()["tasks"] != nil)
                let task = try await client.submit(["type": "code.generate", "payload": ["command": "echo after"]])
                let id = try #require(task["id"]?.stringValue)
                try await eventually("a task runs after the failed publish") { try await client.state(of: id) == "succeeded" }
                try await eventually("its completion published") {
                    recorder.events(on: "tasks/complete", type: "task.succeeded").contains { $0["payload"]?["task_id"]?.stringValue == id }
                }
            }
        }
    }

    @Test func mqttSetupWritesAPasswordFileAndACLThatMosquittoEnforces() async throws {
        let out = Paths.temporaryDirectory("mqtt-setup") + "/broker"
        let swarm = MQTTFleetTests.swarm()
        let setup = try await runCLI(["mqtt", "setup", "--swarm", swarm, "--agent", "alpha", "--agent", "beta", "--out", out], within: 30)
        #expect(setup.status == 0, "\(setup.output)")
        for file in ["passwords", "acl", "mosquitto.conf", "users/flotilla-hub", "users/alpha"] {
            let mode = try FileManager.default.attributesOfItem(atPath: out + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        // The files are 0600: a broker started as root must not drop to its own user to read them.
        let runAs = geteuid() == 0 ? "user root\n" : ""
        let broker = try await Broker(configuration: runAs + (try String(contentsOfFile: out + "/mosquitto.conf", encoding: .utf8)))
        @Sendable func credentials(_ user: String) throws -> [String] {
            let url = try String(contentsOfFile: out + "/users/" + user, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let userInfo = url.dropFirst("mqtt://".count).split(separator: "@")[0].split(separator: ":", maxSplits: 1)
            return ["-h", "127.0.0.1", "-p", "\(broker.port)", "-u", String(userInfo[0]), "-P", String(userInfo[1])]
        }
        // Anonymous clients are refused.
        let (hub, alphaUser) = (try credentials("flotilla-hub"), try credentials("alpha"))
        let anonymous = try await runProgram("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "\(swarm)/tasks/new", "-m", "{}"])
        #expect(anonymous.status != 0, "\(anonymous.output)")
        // alpha subscribes to beta's inbox and its own; the hub writes to beta's first. alpha's
        // first message is its own: the ACL kept beta's from it.
        let alpha = Process()
        alpha.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        alpha.arguments = try credentials("alpha") + ["-q", "1", "-C", "1", "-W", "20", "-t", "\(swarm)/agents/beta/inbox", "-t", "\(swarm)/agents/alpha/inbox", "-F", "%t"]
        let pipe = Pipe()
        alpha.standardOutput = pipe
        try alpha.run()
        defer { if alpha.isRunning { alpha.terminate() } }
        // Published until alpha has taken a message: its subscription may not be in place yet.
        try await eventually("alpha received its own inbox message, not beta's", within: 20) {
            _ = try await runProgram("/usr/bin/mosquitto_pub", hub + ["-q", "1", "-t", "\(swarm)/agents/beta/inbox", "-m", "for-beta"])
            _ = try await runProgram("/usr/bin/mosquitto_pub", hub + ["-q", "1", "-t", "\(swarm)/agents/alpha/inbox", "-m", "for-alpha"])
            return !alpha.isRunning
        }
        let topic = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(topic == "\(swarm)/agents/alpha/inbox")
        // An agent may not submit tasks; the hub may (mosquitto answers QoS 1 either way, so the
        // hub's subscriber counts what arrived).
        let submitted = Process()
        submitted.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        submitted.arguments = try credentials("flotilla-hub") + ["-q", "1", "-C", "1", "-W", "20", "-t", "\(swarm)/tasks/new"]
        let submittedPipe = Pipe()
        submitted.standardOutput = submittedPipe
        try submitted.run()
        defer { if submitted.isRunning { submitted.terminate() } }
        try await eventually("the hub's subscriber saw a submission", within: 20) {
            _ = try await runProgram("/usr/bin/mosquitto_pub", alphaUser + ["-q", "1", "-t", "\(swarm)/tasks/new", "-m", "from-alpha"])
            _ = try await runProgram("/usr/bin/mosquitto_pub", hub + ["-q", "1", "-t", "\(swarm)/tasks/new", "-m", "from-hub"])
            return !submitted.isRunning
        }
        #expect(String(decoding: submittedPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "from-hub")
    }
}
