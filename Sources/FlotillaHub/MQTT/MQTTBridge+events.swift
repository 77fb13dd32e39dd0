import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Logging
import MQTT
import Synchronization

extension MQTTBridge {
    /// Publishes every event of the log, in order, as an `event` envelope: task events on their
    /// own topic (`task.succeeded` → `{swarm}/tasks/complete` with the result; progress,
    /// success, failure, death and expiry also on the domain topic of the task's type),
    /// agent events on the agent's status topic.
    ///
    /// A publisher that falls too far behind is cut off by the ``EventBus``; it then reads the gap
    /// from the store, so subscribers see every event once.
    ///
    /// Nothing here ends the bridge or the hub (item 9): a failed publish or store read is
    /// logged, counted and retried with backoff; an event the broker can never take (over its
    /// packet size) is published as a stand-in naming it.
    func publishEvents(_ client: MQTTClient) async {
        var last = hub.events.lastSeq
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let live = hub.events.subscribe()
                while true {
                    let page = try await hub.engine.storedEvents(after: last, limit: 1000)
                    for event in page {
                        try await publishRetrying(event, client: client)
                        last = event.seq
                    }
                    if page.count < 1000 { break }
                }
                for await event in live where event.seq > last {
                    try await publishRetrying(event, client: client)
                    last = event.seq
                }
                backoff = .milliseconds(100)
            } catch is CancellationError {
                return
            } catch {
                failedPublishes.add(1, ordering: .relaxed)
                logger.warning("event publisher: \(error); going on after \(backoff)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Publishes one event, retrying a transient failure with backoff; an event too large for
    /// the broker degrades to a stand-in (its seq, type, task and agent) instead.
    private func publishRetrying(_ event: EventRecord, client: MQTTClient) async throws {
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                try await publish(event, client: client)
                return
            } catch let error as MQTTError where error.code == .packetTooLarge {
                failedPublishes.add(1, ordering: .relaxed)
                logger.warning("event \(event.seq) (\(event.type)) is too large for the broker, publishing a stand-in: \(error)")
                var standIn: [String: JSONValue] = [
                    "seq": .int(event.seq), "type": .string(event.type), "truncated": true,
                    "reason": .string("too large for the broker; read it with GET /api/events?since=\(event.seq - 1)"),
                ]
                if let task = event.taskID { standIn["task_id"] = .string(task) }
                if let agent = event.agentID { standIn["agent_id"] = .string(agent) }
                let envelope = Envelope(id: "event-\(event.seq)", type: .event, ts: Timestamp.iso8601(event.ts), agentID: event.agentID, payload: .object(standIn))
                try? await client.publish(to: topics.topic(forEvent: event.type, agentID: event.agentID), payload: envelope.text, qos: .atLeastOnce, waitForAcknowledgement: false)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failedPublishes.add(1, ordering: .relaxed)
                logger.warning("cannot publish event \(event.seq), retrying in \(backoff): \(error)")
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func publish(_ event: EventRecord, client: MQTTClient) async throws {
        let envelope = Envelope(
            id: "event-\(event.seq)", type: .event, ts: Timestamp.iso8601(event.ts),
            agentID: event.agentID, role: event.data[EventRecord.TaskFields.Field.role.rawValue]?.stringValue, payload: event.json
        )
        let text = envelope.text
        // Pipelined: the session keeps each until acknowledged, and the in-flight window paces us.
        try await client.publish(to: topics.topic(forEvent: event.type, agentID: event.agentID), payload: text, qos: .atLeastOnce, waitForAcknowledgement: false)
        if let type = event.data[EventRecord.TaskFields.Field.type.rawValue]?.stringValue, let domain = topics.domainTopic(forEvent: event.type, taskType: type) {
            try await client.publish(to: domain, payload: text, qos: .atLeastOnce, waitForAcknowledgement: false)
        }
    }
}
