import FlotillaCore
import FlotillaStore
import MQTT

extension MQTTBridge {
    /// Publishes every event of the log, in order, as an `event` envelope: task events on their
    /// seeds topic (`task.succeeded` → `{swarm}/tasks/complete` with the result; progress,
    /// success, failure, death and expiry also on the seeds/001 domain topic of the task's type),
    /// agent events on the agent's status topic.
    ///
    /// A publisher that falls too far behind is cut off by the ``EventBus``; it then reads the gap
    /// from the store, so subscribers see every event once.
    func publishEvents(_ client: MQTTClient) async throws {
        var last = hub.events.lastSeq
        while !Task.isCancelled {
            let live = hub.events.subscribe()
            while true {
                let page = try await hub.store.events(after: last, limit: 1000)
                for event in page { try await publish(event, client: client) }
                if let newest = page.last { last = newest.seq }
                if page.count < 1000 { break }
            }
            for await event in live where event.seq > last {
                last = event.seq
                try await publish(event, client: client)
            }
        }
    }

    private func publish(_ event: EventRecord, client: MQTTClient) async throws {
        let envelope = Envelope(
            id: "event-\(event.seq)", type: .event, ts: Timestamp.iso8601(event.ts),
            agentID: event.agentID, role: event.data["role"]?.stringValue, payload: event.json
        )
        let text = envelope.text
        // Pipelined: the session keeps each until acknowledged, and the in-flight window paces us.
        try await client.publish(to: topics.topic(forEvent: event.type, agentID: event.agentID), payload: text, qos: .atLeastOnce, waitForAcknowledgement: false)
        if let type = event.data["type"]?.stringValue, let domain = topics.domainTopic(forEvent: event.type, taskType: type) {
            try await client.publish(to: domain, payload: text, qos: .atLeastOnce, waitForAcknowledgement: false)
        }
    }
}
