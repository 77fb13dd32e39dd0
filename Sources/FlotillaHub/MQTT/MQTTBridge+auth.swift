import Crypto
import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Logging
import MQTT
import NIOCore
import Synchronization

/// End-to-end authentication over the broker (issue 20, item 1; docs/mqtt.md): whatever the
/// broker lets anyone publish, the hub acts only on agent messages with a valid MAC of a live
/// token bound to the sender's id, seen once, and signs everything it sends agents.
extension MQTTBridge {
    /// The token behind an agent message, when its `metadata.auth` proves the sender `agentID`
    /// holds it; else why not. `checkFreshness` is off only for an agent's will (`offline`),
    /// which is signed when it connects and bound to its session instead.
    func authenticate(_ raw: JSONValue, agentID: String, checkFreshness: Bool = true) -> Result<TokenRow, FlotillaError> {
        guard let auth = MessageAuth.of(raw) else {
            return .failure(FlotillaError(.unauthorized, "Unsigned message from '\(agentID)': agents sign each MQTT message with their token in 'metadata.auth' (flotilla agent --broker does; see docs/mqtt.md)."))
        }
        guard auth.algorithm == .hmacSHA256, let row = hub.tokens.row(id: auth.keyID), row.scope == .agent,
              auth.isValid(agentMACOn: raw, key: MessageAuth.agentKey(secretHash: row.secretHash)) else {
            return .failure(FlotillaError(.unauthorized, "The proof in 'metadata.auth' does not verify: not made with a token the hub issued to an agent."))
        }
        guard row.revokedAt == nil else { return .failure(FlotillaError(.unauthorized, "The token \(row.id) was revoked.")) }
        guard row.agentID == agentID else {
            return .failure(FlotillaError(.unauthorized, "The token \(row.id) is bound to \(row.agentID.map { "agent '\($0)'" } ?? "no agent id"), not '\(agentID)': over MQTT an agent needs a token made for its id (flotilla token create --agent-id \(agentID))."))
        }
        if checkFreshness {
            switch replays.withLock({ $0.admit(auth, now: MessageAuth.nowMilliseconds()) }) {
            case .fresh: break
            case .replayed: return .failure(FlotillaError(.unauthorized, "Replayed message: nonce \(auth.nonce) was already used with token \(row.id)."))
            case .outsideWindow: return .failure(FlotillaError(.unauthorized, "Stale or future message: signed at \(auth.timestamp) ms, outside the hub's window of \(replays.withLock { $0.window }) ms (check the clocks)."))
            }
        }
        return .success(row)
    }

    /// Says why a message was refused on `{swarm}/tasks/rejected` (never in the inbox of the
    /// agent it claims to come from: the sender is unproven). Changes nothing else.
    func refuse(_ error: FlotillaError, ref: String?, of type: String?, on topic: String, client: MQTTClient) async {
        refusedMessages.add(1, ordering: .relaxed)
        logger.warning("refused an unauthenticated \(type ?? "message") on \(topic): \(error.message)")
        let reply = Envelope(id: "re-\(ref ?? "message")", type: .error, payload: error.replyPayload(ref: ref, of: type))
        do {
            try await client.publish(to: topics.rejected, payload: signed(reply, for: nil), qos: .atLeastOnce)
        } catch {
            logger.warning("cannot publish to \(topics.rejected): \(error)")
        }
    }

    /// `envelope` as text with the hub's signature for agent `recipient`.
    func signed(_ envelope: Envelope, for recipient: String?) -> String {
        let json = (try? JSONValue.parse(envelope.text)) ?? envelope.json
        return MessageAuth.signedByHub(json, for: recipient, key: signingKey).jsonString
    }

    /// The session an agent named when it registered (`metadata.session`): its will and its
    /// goodbye carry it as their nonce, so an `offline` of another session ends nothing.
    static func session(of raw: JSONValue) -> String? {
        raw["metadata"]?["session"]?.stringValue
    }

    /// Ends, within a poll, the session of every agent whose token was revoked, and tells it
    /// (signed `unauthorized`), so its process stops instead of reconnecting.
    func endRevokedSessions(_ client: MQTTClient) async throws {
        while !Task.isCancelled {
            let revoked = agents.withLock { agents in
                agents.filter { $0.value.tokenID.flatMap { hub.tokens.row(id: $0)?.revokedAt } != nil }.map(\.key)
            }
            for id in revoked {
                guard let agent = agents.withLock({ $0.removeValue(forKey: id) }) else { continue }
                agent.session.closed()
                let tokenID = agent.tokenID ?? "-"
                logger.notice("ended the MQTT session of \(id): its token \(tokenID) was revoked")
                let error = FlotillaError(.unauthorized, "The token \(tokenID) was revoked.")
                let notice = Envelope(id: "revoked-\(tokenID)", type: .error, agentID: id, payload: error.replyPayload(ref: nil, of: nil))
                try? await client.publish(to: topics.inbox(agentID: id), payload: signed(notice, for: id), qos: .atLeastOnce)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Whether a submission may be taken: it carries a proof made with a live admin token, or
    /// the hub takes unsigned submissions (`--mqtt-open-submissions`).
    func authorizeSubmission(_ raw: JSONValue) -> FlotillaError? {
        guard let auth = MessageAuth.of(raw) else {
            if configuration.allowUnsignedSubmissions { return nil }
            return FlotillaError(.unauthorized, "Unsigned submission: this hub takes MQTT submissions with an admin token's proof in 'metadata.auth' only (or run it with --mqtt-open-submissions; see docs/mqtt.md).")
        }
        guard let row = hub.tokens.row(id: auth.keyID), row.scope == .admin, row.revokedAt == nil,
              auth.isValid(agentMACOn: raw, key: MessageAuth.agentKey(secretHash: row.secretHash)) else {
            return FlotillaError(.unauthorized, "The proof in 'metadata.auth' does not verify with a live admin token.")
        }
        switch replays.withLock({ $0.admit(auth, now: MessageAuth.nowMilliseconds()) }) {
        case .fresh: return nil
        case .replayed: return FlotillaError(.unauthorized, "Replayed submission: nonce \(auth.nonce) was already used.")
        case .outsideWindow: return FlotillaError(.unauthorized, "Stale submission: signed outside the hub's time window.")
        }
    }
}

extension MQTTBridge {
    /// Whether an agent message without a valid proof may still be taken: only when the hub
    /// takes unsigned agents, the message carries no proof at all (a bad one is an attack, not
    /// an old agent), no live token is bound to the id, and the id is not registered signed.
    func mayGoUnsigned(_ raw: JSONValue, agentID: String) -> Bool {
        guard configuration.allowUnsignedAgents, MessageAuth.of(raw) == nil else { return false }
        if hub.tokens.list().contains(where: { $0.agentID == agentID && $0.revokedAt == nil }) { return false }
        return agents.withLock { $0[agentID]?.tokenID == nil }
    }
}
