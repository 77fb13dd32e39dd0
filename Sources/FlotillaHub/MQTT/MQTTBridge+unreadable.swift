import FlotillaCore
import Logging
import MQTT
import NIOCore

extension MQTTBridge {
    /// Reads an agent-topic message as an envelope. Plain MQTT agents may leave `type` out and let
    /// the topic say it (a register on `agents/register`, a heartbeat on `agents/heartbeat`).
    ///
    /// A message that cannot be read is answered, never dropped in silence: an `error` with a
    /// stable code and `ref` = its id (when it had one) goes to the sender's inbox when it named
    /// itself, else to `{swarm}/tasks/rejected`. Returns nil then; else the envelope and the JSON
    /// as sent (what its proof covers).
    func readEnvelope(_ message: MQTTMessage, client: MQTTClient) async -> (Envelope, JSONValue)? {
        // An empty message is how MQTT clears a retained one (an old status): nothing was said.
        guard message.payload.readableBytes > 0 else { return nil }
        var json: JSONValue?
        do {
            let raw = try JSONValue.parse(message.payloadString)
            var parsed = raw
            json = parsed
            if case .object(var object) = parsed, object["type"] == nil, let implied = topics.impliedType(ofAgentTopic: message.topic) {
                object["type"] = .string(implied.rawValue)
                parsed = .object(object)
            }
            return (try Envelope(json: parsed), raw)
        } catch {
            let sender = topics.agentID(inStatusTopic: message.topic) ?? json?["agent_id"]?.stringValue
            await answer(error, ref: json?["id"]?.stringValue, of: json?["type"]?.stringValue, sender: sender, on: message.topic, client: client)
            return nil
        }
    }

    /// Answers a message the hub cannot act on with an `error` (`ref` = its id): in the sender's
    /// inbox when it is known, else on `{swarm}/tasks/rejected`.
    func answer(_ error: FlotillaError, ref: String?, of type: String?, sender: String?, on topic: String, client: MQTTClient) async {
        let inbox = sender.flatMap { AgentRegistration.isValidID($0) ? topics.inbox(agentID: $0) : nil }
        let replyTopic = inbox ?? topics.rejected
        logger.info("unreadable message on \(topic), answered on \(replyTopic): \(error.code.rawValue): \(error.message)")
        let reply = Envelope(id: "re-\(ref ?? "message")", type: .error, agentID: inbox == nil ? nil : sender, payload: error.replyPayload(ref: ref, of: type))
        do {
            // Addressed to no one: the sender is unproven, so no agent may act on this answer
            // (else anyone could have the hub sign an error naming another agent's report).
            try await client.publish(to: replyTopic, payload: signed(reply, for: nil), qos: .atLeastOnce)
        } catch {
            logger.warning("cannot publish to \(replyTopic): \(error)")
        }
    }
}
