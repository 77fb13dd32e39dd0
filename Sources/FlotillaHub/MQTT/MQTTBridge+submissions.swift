import FlotillaCore
import Logging
import MQTT
import NIOCore

extension MQTTBridge {
    /// Takes in a submission published to `{swarm}/tasks/new` by any client.
    ///
    /// The message is either a task (or array of tasks, as `POST /api/tasks` takes) or the seeds'
    /// envelope with the task as its `payload`. An envelope's `id` becomes the idempotency key
    /// (`mqtt:<id>`) unless the task names one, so a QoS 1 message delivered twice makes one task.
    /// The answer goes to `{swarm}/tasks/accepted` (an `ack` naming the tasks) or
    /// `{swarm}/tasks/rejected` (an `error` with a stable code); `ref` is the envelope id.
    func submit(_ message: MQTTMessage, client: MQTTClient) async {
        var ref: String?
        let answer: (topic: String, envelope: Envelope)
        do {
            guard message.payload.readableBytes <= hub.configuration.maxBodySize else {
                throw FlotillaError(.bodyTooLarge, "A submission may be at most \(hub.configuration.maxBodySize) bytes, got \(message.payload.readableBytes).")
            }
            var body = try JSONValue.parse(message.payloadString)
            if case .object(let object) = body, object["type"] == nil, let payload = object["payload"], payload.objectValue != nil {
                ref = object["id"]?.stringValue
                body = payload
            }
            var submission = try Submission(body, maxBatchSize: hub.configuration.maxBatchSize)
            if let ref {
                for index in submission.specs.indices where submission.specs[index].idempotencyKey == nil {
                    submission.specs[index].idempotencyKey = submission.single ? "mqtt:\(ref)" : "mqtt:\(ref):\(index)"
                }
            }
            let submitted = try await hub.submit(submission.specs)
            answer = (topics.tasks("accepted"), Envelope(id: "re-\(ref ?? "submission")", type: .ack, payload: [
                "ref": ref.map(JSONValue.string) ?? .null,
                "tasks": .array(submitted.map { ["task_id": .string($0.task.id), "state": .string($0.task.state.rawValue), "created": .bool($0.created)] }),
            ]))
        } catch {
            let flotillaError = error as? FlotillaError ?? FlotillaError(.internalError, "\(error)")
            logger.info("refused a submission on \(message.topic): \(flotillaError.code.rawValue): \(flotillaError.message)")
            answer = (topics.rejected, Envelope(id: "re-\(ref ?? "submission")", type: .error, payload: flotillaError.replyPayload(ref: ref, of: nil)))
        }
        do {
            try await client.publish(to: answer.topic, payload: answer.envelope.text, qos: .atLeastOnce)
        } catch {
            logger.warning("cannot publish to \(answer.topic): \(error)")
        }
    }
}
