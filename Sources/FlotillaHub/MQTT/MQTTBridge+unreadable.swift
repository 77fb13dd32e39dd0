import FlotillaCore
import Logging
import MQTT
import NIOCore

extension MQTTBridge {
    /// Reads an agent-topic message as an envelope. seeds/000's agents leave `type` out and let
    /// the topic say it (a register on `agents/register`, a heartbeat on `agents/heartbeat`).
    ///
    /// A message that cannot be read is answered, never dropped in silence: an `error` with a
    /// stable code and `ref` = its id (when it had one) goes to the sender's inbox when it named
    /// itself, else to `{swarm}/tasks/rejected`. Returns nil then.
    func readEnvelope(_ message: MQTTMessage, client: MQTTClient) async -> Envelope? {
        // An empty message is how MQTT clears a retained one (an old status): nothing was said.
        guard message.payload.readableBytes > 0 else { return nil }
        var json: JSONValue?
        do {
            var parsed = try JSONValue.parse(message.payloadString)
            json = parsed
            if case .object(var object) = parsed, object["type"] == nil, let implied = topics.impliedType(ofAgentTopic: message.topic) {
                object["type"] = .string(implied.rawValue)
                parsed = .object(object)
            }
            return try Envelope(json: parsed)
        } catch {
            let ref = json?["id"]?.stringValue
            let sender = topics.agentID(inStatusTopic: message.topic) ?? json?["agent_id"]?.stringValue
            let topic = sender.flatMap { AgentRegistration.isValidID($0) ? topics.inbox(agentID: $0) : nil } ?? topics.rejected
            logger.info("unreadable message on \(message.topic), answered on \(topic): \(error.code.rawValue): \(error.message)")
            let reply = Envelope(id: "re-\(ref ?? "message")", type: .error, agentID: sender, payload: error.replyPayload(ref: ref, of: json?["type"]?.stringValue))
            do {
                try await client.publish(to: topic, payload: reply.text, qos: .atLeastOnce)
            } catch {
                logger.warning("cannot publish to \(topic): \(error)")
            }
            return nil
        }
    }
}
