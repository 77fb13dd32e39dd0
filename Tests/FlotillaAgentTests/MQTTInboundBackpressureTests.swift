import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import FlotillaStore
import Foundation
import MQTT
import Synchronization
import Testing

/// Issue 20 item 7's last gap, over MQTT: the bridge's inbound loop reads no further while an
/// agent has `limits.pendingCommits` changes awaiting commit, so an agent that floods reports
/// through the broker cannot make the hub's commit queue grow without bound.
@Suite(.serialized, .timeLimit(.minutes(2))) struct MQTTInboundBackpressureTests {
    @Test func aFloodingMQTTAgentCannotGrowTheCommitQueue() async throws {
        let broker = try await Broker()
        let swarm = MQTTFleetTests.swarm()
        let topics = SwarmTopics(swarm: swarm)
        let bound = 16
        let reports = 5_000
        let mqtt = MQTTBridgeConfiguration(url: broker.url, swarm: swarm, allowUnsignedAgents: true)
        try await LiveHub.run(mqtt: mqtt, configure: { configuration in
            configuration.limits.pendingCommits = bound
            // Every progress report is stored and each commit is fsynced: a flood outpaces commits.
            configuration.policy.progressWriteInterval = 0
            configuration.store = .init(dataDirectory: configuration.dataDirectory, synchronousFull: true)
        }) { served, client in
            let engine = served.hub.engine
            try await MQTTClient.withConnection(try MQTTClient.Configuration(url: broker.url)) { agent in
                func send(_ type: MessageType, _ id: String, _ payload: JSONValue) async throws {
                    let envelope = Envelope(id: id, type: type, agentID: "flood", payload: payload)
                    try await agent.publish(to: topics.agentTopic(for: type, agentID: "flood"), payload: envelope.text, qos: .atLeastOnce, waitForAcknowledgement: false)
                }
                // As an agent does: register once the hub says it is online (its bridge listens).
                let status = try await agent.subscribe(to: topics.hubStatus, qos: .atLeastOnce)
                for await message in status where message.payloadString.contains("online") { break }
                try await send(.register, "r1", ["roles": ["flood"], "concurrency": 1, "executor": "test", "version": "test"])
                try await eventually("the flooding agent registered over MQTT") { try await MQTTFleetTests.online(client, ["flood"]) }
                try await send(.ready, "r2", [:])
                _ = try await client.submit(["id": "flood-task", "type": "testing.run", "role": "flood"])
                try await eventually("the task was assigned") { try await client.state(of: "flood-task") == "assigned" }
                try await send(.accept, "a1", ["task_id": "flood-task", "attempt": 1])

                let last = served.hub.events.subscribe(where: { $0.type == "task.progress" && $0.details["message"]?.stringValue == "step \(reports - 1)" })
                let watch = CommitWatch()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for index in 0..<reports {
                            try await send(.progress, "p\(index)", ["task_id": "flood-task", "attempt": 1, "percent": .double(Double(index % 100)), "message": .string("step \(index)")])
                        }
                    }
                    group.addTask {
                        var events = last.makeAsyncIterator()
                        _ = await events.next()
                        watch.done.store(true, ordering: .releasing)
                    }
                    // Samples the commit queue until the last report is applied (committed).
                    group.addTask {
                        while !watch.done.load(ordering: .acquiring) {
                            watch.highest.max(engine.commitsPending, ordering: .relaxed)
                            try await _Concurrency.Task.sleep(for: .microseconds(100))
                        }
                    }
                    try await group.waitForAll()
                }
                // The agent's changes never pushed the queue past its bound (the hub's ticks and
                // this test's requests add at most a few). Without the bound, the bridge queued
                // as fast as the broker delivered.
                let highest = watch.highest.load(ordering: .relaxed)
                #expect(highest <= bound + 4, "up to \(highest) changes awaited commit")
                #expect(highest >= bound / 2, "the flood never pressed on the bound (\(highest))")
                let task = try await client.task("flood-task")
                #expect(task["progress_message"]?.stringValue == "step \(reports - 1)")
            }
        }
    }
}

/// What the test watches from several tasks: the most changes seen awaiting commit, and
/// whether the flood's last report is applied.
private final class CommitWatch: Sendable {
    let highest = Atomic<Int>(0)
    let done = Atomic<Bool>(false)
}
