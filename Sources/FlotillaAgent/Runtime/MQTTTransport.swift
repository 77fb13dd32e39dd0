public import Crypto
public import FlotillaCore
import Foundation
import Logging
import MQTT
import NIOCore

/// An MQTT broker between the agent and the hub (`flotilla agent --broker mqtt://… --swarm NAME`).
///
/// The agent publishes each envelope on its topic (``SwarmTopics/agentTopic(for:agentID:)``)
/// and reads the hub's on its inbox. Its will message (`offline`, retained, on its status topic)
/// tells the hub when it dies. A session lasts while the hub instance it registered with is
/// online: when `{swarm}/hub/status` shows another instance, or the hub says it does not know
/// this agent, the session ends and the runtime registers again (re-sending unacknowledged reports).
///
/// Anyone who may publish on the broker could write to the inbox, so the agent acts only on
/// hub messages signed with the hub key it pinned, addressed to it and not seen before; and it
/// proves each of its own messages with its token (docs/mqtt.md).
public struct MQTTTransport: AgentTransport {
    public let broker: String
    public let topics: SwarmTopics
    public let agentID: String
    public let credentials: MQTTCredentials
    let logger: Logger

    public init(broker: String, swarm: String, agentID: String, credentials: MQTTCredentials, logger: Logger = Logger(label: "flotilla.agent.mqtt")) {
        self.broker = broker
        self.topics = SwarmTopics(swarm: swarm)
        self.agentID = agentID
        self.credentials = credentials
        self.logger = logger
    }

    public var endpoint: String { "\(SecretRedactor.redactURL(broker)) (swarm \(topics.swarm))" }

    /// Checks the URL and swarm before anything connects.
    public func validate() throws(AgentError) {
        do { _ = try MQTTClient.Configuration(url: broker) } catch { throw AgentError(.badConfiguration, "--broker: \(error.message)") }
        guard SwarmTopics.isValidSwarm(topics.swarm) else {
            throw AgentError(.badConfiguration, "--swarm '\(topics.swarm)' must be one topic level: not empty, without '/', '+' or '#'.")
        }
    }

    public func session(_ body: @escaping @Sendable (any AgentChannel) async throws -> Void) async throws {
        var configuration = try MQTTClient.Configuration(url: broker)
        configuration.clientID = "flotilla-agent-\(agentID)"
        // A fresh session per registration (nothing stale from a previous life), kept across
        // reconnects within it so a broker blip loses nothing.
        configuration.cleanStart = true
        configuration.sessionExpiry = .seconds(600)
        configuration.keepAlive = .seconds(10)
        configuration.reconnect = .init(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))
        // The will is signed now and names this session, so the hub takes it (and only it) as
        // this session's end whenever the broker publishes it.
        let session = MessageAuth.newNonce()
        let goodbye = credentials.sign(status("offline"), nonce: session)
        configuration.will = .init(topic: topics.status(agentID: agentID), payload: ByteBuffer(string: goodbye), qos: .atLeastOnce, retain: true)
        let topics = self.topics
        let agentID = self.agentID
        let logger = self.logger
        let credentials = self.credentials
        let refusal = OneShot<AgentError>()
        try await MQTTClient.withConnection(configuration, logger: logger) { client in
            let hubStatus = try await client.subscribe(to: topics.hubStatus, qos: .atLeastOnce)
            let inbound = try await client.subscribe(to: [
                MQTTSubscribeInfo(topics.inbox(agentID: agentID), qos: .atLeastOnce),
                MQTTSubscribeInfo(topics.broadcast, qos: .atLeastOnce, noLocal: true),
            ])
            try await client.publish(to: topics.status(agentID: agentID), payload: credentials.sign(status("online")), qos: .atLeastOnce, retain: true)
            let (messages, deliver) = AsyncStream.makeStream(of: Envelope.self)
            let (online, announce) = AsyncStream.makeStream(of: String.self)
            let channel = MQTTAgentChannel(client: client, topics: topics, agentID: agentID, credentials: credentials, session: session, messages: messages)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The retained status says at once whether a hub is up; the session is bound
                    // to that instance and ends when it goes away or is replaced.
                    var instance: String?
                    for await message in hubStatus {
                        guard let envelope = try? Envelope(text: message.payloadString) else { continue }
                        let seen = envelope.payload["status"]?.stringValue == "online" ? envelope.payload["instance"]?.stringValue : nil
                        if instance == nil, let seen {
                            instance = seen
                            announce.yield(seen)
                        } else if instance != nil, seen != instance {
                            logger.info("hub instance changed (\(seen ?? "offline")); registering again")
                            break
                        }
                    }
                    announce.finish()
                    deliver.finish()
                }
                var waiting = online.makeAsyncIterator()
                guard let instance = await waiting.next() else { return }
                logger.debug("hub \(instance) is online")
                group.addTask {
                    var replays = ReplayGuard()
                    for await message in inbound {
                        guard let raw = try? JSONValue.parse(message.payloadString), let envelope = try? Envelope(json: raw) else { continue }
                        if envelope.type == .message {
                            // Agents' own chat is not a command: it needs no hub signature.
                            if envelope.agentID != agentID { deliver.yield(envelope) }
                            continue
                        }
                        // Everything else is the hub's word: assignments, cancels, acks, errors.
                        guard let auth = MessageAuth.of(raw), auth.recipient == agentID,
                              auth.isValid(hubSignatureOn: raw, publicKey: credentials.hubKey) else {
                            logger.warning("ignored a '\(envelope.type.rawValue)' on \(message.topic) that the hub did not sign for this agent (forged, or the hub key pinned with --hub-key is not this hub's)")
                            continue
                        }
                        guard replays.admit(auth, now: MessageAuth.nowMilliseconds()) == .fresh else {
                            logger.warning("ignored a replayed or stale '\(envelope.type.rawValue)' on \(message.topic) (signed at \(auth.timestamp) ms)")
                            continue
                        }
                        if envelope.type == .error, envelope.payload["code"]?.stringValue == FlotillaError.Code.notRegistered.rawValue {
                            logger.info("the hub does not know this agent; registering again")
                            break
                        }
                        if envelope.type == .error, envelope.payload["ref"] == .null, envelope.payload["code"]?.stringValue == FlotillaError.Code.unauthorized.rawValue {
                            // The hub ended this agent's session (its token was revoked): stop.
                            refusal.fire(AgentError(.unauthorized, envelope.payload["message"]?.stringValue ?? "unauthorized"))
                            break
                        }
                        deliver.yield(envelope)
                    }
                    deliver.finish()
                }
                try await body(channel)
                group.cancelAll()
            }
            // Leaving on purpose: say so, since a clean disconnect sends no will.
            try? await client.publish(to: topics.status(agentID: agentID), payload: goodbye, qos: .atLeastOnce, retain: true)
        }
        if let refused = refusal.reason { throw refused }
    }

    private func status(_ value: String) -> Envelope {
        Envelope(id: UUID().uuidString.lowercased(), type: .status, agentID: agentID, payload: ["status": .string(value)])
    }
}

/// The agent's side of one MQTT session.
struct MQTTAgentChannel: AgentChannel {
    let client: MQTTClient
    let topics: SwarmTopics
    let agentID: String
    let credentials: MQTTCredentials
    /// Named in the register, so the hub knows this session's will.
    let session: String
    let messages: AsyncStream<Envelope>

    func send(_ envelope: Envelope) async throws {
        var envelope = envelope
        if envelope.agentID == nil { envelope.agentID = agentID }
        if envelope.type == .register {
            var metadata = envelope.metadata?.objectValue ?? [:]
            metadata["session"] = .string(session)
            envelope.metadata = .object(metadata)
        }
        var topic = topics.agentTopic(for: envelope.type, agentID: agentID)
        // Over a broker, agents talk to each other directly; the hub does not relay.
        if envelope.type == .message, let to = envelope.payload["to"]?.stringValue, to != "broadcast" {
            topic = topics.inbox(agentID: to)
        }
        // Pipelined: the session re-sends until the broker acknowledges, and unacknowledged final
        // reports are re-sent by the runtime anyway.
        try await client.publish(to: topic, payload: credentials.sign(envelope), qos: .atLeastOnce, waitForAcknowledgement: false)
    }
}

/// What an MQTT agent proves itself and checks the hub with: its token (bound to its agent id)
/// and the hub's public key, pinned when it got the token (`--hub-key`).
public struct MQTTCredentials: Sendable {
    public let tokenID: String
    // Raw bytes: the key types are not Sendable.
    let keyBytes: Data
    let hubKeyBytes: Data
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// The pinned key (the bytes came from a valid one).
    public var hubKey: Curve25519.Signing.PublicKey {
        (try? Curve25519.Signing.PublicKey(rawRepresentation: hubKeyBytes)) ?? Curve25519.Signing.PrivateKey().publicKey
    }

    /// nil when the token is not a Flotilla token (`flt_<id>_<secret>`) or the key is not an
    /// Ed25519 public key in base64.
    public init?(token: String, hubKey: String) {
        guard let (tokenID, key) = MessageAuth.agentKey(token: token), let hubKey = MessageAuth.hubPublicKey(base64: hubKey) else { return nil }
        self.init(tokenID: tokenID, key: key, hubKey: hubKey)
    }

    /// Credentials that verify nothing, for checking a configuration before the real ones are read.
    public static var placeholder: MQTTCredentials {
        MQTTCredentials(tokenID: "-", key: SymmetricKey(size: .bits256), hubKey: Curve25519.Signing.PrivateKey().publicKey)
    }

    init(tokenID: String, key: SymmetricKey, hubKey: Curve25519.Signing.PublicKey) {
        self.tokenID = tokenID
        self.keyBytes = key.withUnsafeBytes { Data($0) }
        self.hubKeyBytes = hubKey.rawRepresentation
    }

    /// `envelope` as text, with this agent's proof (a fresh nonce unless one is given).
    func sign(_ envelope: Envelope, nonce: String = MessageAuth.newNonce()) -> String {
        let json = (try? JSONValue.parse(envelope.text)) ?? envelope.json
        return MessageAuth.signedByAgent(json, tokenID: tokenID, key: key, nonce: nonce).jsonString
    }
}
