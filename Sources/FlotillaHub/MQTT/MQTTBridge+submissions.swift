import FlotillaCore
import FlotillaEngine
import Logging
import MQTT
import NIOCore

extension MQTTBridge {
    /// Takes in a submission published to `{swarm}/tasks/new` by any client, or a request on
    /// one of the request topics (`requestType` is then the topic's task type, for a
    /// message that names none; see ``TaskSpec/init(request:defaultType:)``).
    ///
    /// The message is a task (or array of tasks, as `POST /api/tasks` takes: a spec, the message
    /// envelope or a task in words), or the message envelope without `type` with the task as its
    /// `payload`. Such a wrapping envelope's `id` becomes the idempotency key (`mqtt:<id>`) and
    /// its `agent_id` the submitter, unless the task names its own, so a QoS 1 message delivered
    /// twice makes one task. The answer goes to `{swarm}/tasks/accepted` (an `ack` naming the
    /// tasks) or `{swarm}/tasks/rejected` (an `error` with a stable code); `ref` is the message's
    /// `id` whenever it had one. Unless the hub takes unsigned submissions, the message must
    /// carry an admin token's proof (``authorizeSubmission(_:)``).
    func submit(_ message: MQTTMessage, requestType: String? = nil, client: MQTTClient) async {
        var ref: String?
        let answer: (topic: String, envelope: Envelope)
        do {
            guard message.payload.readableBytes <= hub.configuration.maxBodySize else {
                throw FlotillaError(.bodyTooLarge, "A submission may be at most \(hub.configuration.maxBodySize) bytes, got \(message.payload.readableBytes).")
            }
            var body = try JSONValue.parse(message.payloadString)
            ref = body.objectValue?["id"]?.stringValue
            if let refusal = authorizeSubmission(body) { throw refusal }
            body = MessageAuth.stripped(body)
            let specs: [TaskSpec]
            if let requestType {
                // Two request topics are domain topics too: the hub's own events come back
                // there on 3.1.1 (no No Local); they are announcements, not requests.
                if body["type"]?.stringValue == MessageType.event.rawValue { return }
                specs = [try TaskSpec(request: body, defaultType: requestType)]
            } else {
                var wrapper: [String: JSONValue]?
                if case .object(let object) = body, object["type"] == nil, object["task"] == nil, let payload = object["payload"], payload.objectValue != nil {
                    wrapper = object
                    body = payload
                }
                var submission = try Submission(body, maxBatchSize: hub.configuration.maxBatchSize)
                if let wrapper { try Self.applyWrapper(wrapper, ref: ref, to: &submission) }
                specs = submission.specs
            }
            let submitted = try await hub.engine.submit(specs)
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
            try await client.publish(to: answer.topic, payload: signed(answer.envelope, for: nil), qos: .atLeastOnce)
        } catch {
            logger.warning("cannot publish to \(answer.topic): \(error)")
        }
    }

    /// What a wrapping envelope (`{id,timestamp,agent_id,role,payload:<task>}`) adds to the tasks
    /// inside it: the idempotency key from its id, the submitter from its agent_id.
    private static func applyWrapper(_ wrapper: [String: JSONValue], ref: String?, to submission: inout Submission) throws(FlotillaError) {
        let submitter = wrapper["agent_id"]?.stringValue
        if let submitter, !AgentRegistration.isValidID(submitter) {
            throw FlotillaError(.invalidField, "'agent_id' must be 1 to 128 characters of letters, digits and . _ - : /, got '\(submitter.prefix(80))'.", field: "agent_id")
        }
        for index in submission.specs.indices {
            if let ref, submission.specs[index].idempotencyKey == nil {
                submission.specs[index].idempotencyKey = submission.single ? "mqtt:\(ref)" : "mqtt:\(ref):\(index)"
            }
            if submission.specs[index].submitter == nil { submission.specs[index].submitter = submitter }
        }
    }
}
