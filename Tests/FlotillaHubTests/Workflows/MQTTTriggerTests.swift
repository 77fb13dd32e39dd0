import FlotillaClient
import FlotillaCore
import FlotillaEngine
@testable import FlotillaHub
import Foundation
import Testing

/// `on.mqtt` on a real hub bridged to a real mosquitto: a message on a matching topic starts a
/// run; one whose `if` is false, or on another topic, does not.
@Suite struct MQTTTriggerTests {
    @Test("a message on a matching topic starts a run; a false if or another topic does not")
    func mqttTrigger() async throws {
        let broker = try await TestBroker()
        try await TestHub.run(configure: { configuration in
            configuration.mqtt = MQTTBridgeConfiguration(url: broker.url, swarm: "fleet")
            configuration.triggers.refresh = .milliseconds(50)
        }) { hub in
            _ = try await hub.hub.engine.applyWorkflow(source: """
            name: watch
            on:
              mqtt: {topic: "{swarm}/deployment/+/status", if: "trigger.payload.status == 'failed'"}
            steps:
              triage: {type: testing.triage, prompt: "${{ trigger.topic }}: ${{ trigger.payload.reason }}"}
            """, file: "watch.yaml")
            try await broker.waitForSubscription("fleet/deployment/+/status")
            // In order on one topic: once the third has started its run, the first two were read.
            try broker.publish("fleet/deployment/eu/status", #"{"status":"ok"}"#)
            try broker.publish("fleet/other/eu/status", #"{"status":"failed"}"#)
            try broker.publish("fleet/deployment/eu/status", #"{"status":"failed","reason":"health check"}"#)
            try await eventually("a run of watch") {
                try await !hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "watch")).isEmpty
            }
            let runs = try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "watch")).map(\.json)
            #expect(runs.count == 1)
            let trigger = try #require(runs.first?["trigger"])
            #expect(trigger["kind"] == "mqtt" && trigger["topic"] == "fleet/deployment/eu/status")
            #expect(trigger["payload"]?["reason"] == "health check")
            // A plain-text message reaches `trigger.payload` as text.
            _ = try await hub.hub.engine.applyWorkflow(source: """
            name: words
            on:
              mqtt: "{swarm}/notes"
            steps:
              a: {type: notes.read}
            """, file: "words.yaml")
            try await broker.waitForSubscription("fleet/notes")
            try broker.publish("fleet/notes", "deploy done")
            try await eventually("a run of words") {
                try await !hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "words")).isEmpty
            }
            let words = try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "words")).map(\.json)
            #expect(words.first?["trigger"]?["payload"] == "deploy done")
            #expect(try await hub.hub.engine.workflowRuns(WorkflowRunQuery(workflow: "watch")).count == 1)
        }
    }
}
