import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Live output over a real mosquitto: a `flotilla agent --broker` streams its task's output on
/// `{swarm}/tasks/output`, signed like every agent message, and the hub's bridge takes it.
@Suite(.serialized) struct LiveOutputMQTTTests {
    @Test func anMQTTAgentsOutputReachesTheHub() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        try await LiveHub.run(mqtt: MQTTBridgeConfiguration(url: broker.url, swarm: swarm)) { _, client in
            let agent = try await MQTTFleetTests.agent("mqtt-out", broker: broker, swarm: swarm, client: client)
            defer { agent.stop() }
            try await eventually("the agent registered over MQTT") { try await MQTTFleetTests.online(client, ["mqtt-out"]) }
            let task = try await client.submit(["type": "code.generate", "payload": ["command": "echo over-mqtt; sleep 1; echo done-mqtt"]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the output arrived over MQTT", within: 30) {
                try await client.taskOutput(id)["text"] == "over-mqtt\ndone-mqtt\n"
            }
            try await eventually("the task succeeded") { try await client.state(of: id) == "succeeded" }
            let output = try await client.taskOutput(id)
            #expect(output["attempt"] == 1 && output["done"] == true)
        }
    }
}
