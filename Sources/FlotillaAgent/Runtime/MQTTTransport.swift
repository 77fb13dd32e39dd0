public import FlotillaCore
import Foundation
import Logging
import MQTT
import NIOCore

/// An MQTT broker between the agent and the hub (`flotilla agent --broker mqtt://… --swarm NAME`).
///
/// The agent publishes each envelope on its seeds topic (``SwarmTopics/agentTopic(for:agentID:)``)
/// and reads the hub's on its inbox. Its will message (`offline`, retained, on its status topic)
/// tells the hub when it dies. A session lasts while the hub instance it registered with is
/// online: when `{swarm}/hub/status` shows another instance, or the hub says it does not know
/// this agent, the session ends and the runtime registers again (re-sending unacknowledged reports).
public struct MQTTTransport: AgentTransport {
    public let broker: String
    public let topics: SwarmTopics
    public let agentID: String
    let logger: Logger

    public init(broker: String, swarm: String, agentID: String, logger: Logger = Logger(label: "flotilla.agent.mqtt")) {
        self.broker = broker
        self.topics = SwarmTopics(swarm: swarm)
        self.agentID = agentID
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
        configuration.will = .init(topic: topics.status(agentID: agentID), payload: ByteBuffer(string: status("offline").text), qos: .atLeastOnce, retain: true)
        let topics = self.topics
        let agentID = self.agentID
        let logger = self.logger
        try await MQTTClient.withConnection(configuration, logger: logger) { client in
            let hubStatus = try await client.subscribe(to: topics.hubStatus, qos: .atLeastOnce)
            let inbound = try await client.subscribe(to: [
                MQTTSubscribeInfo(topics.inbox(agentID: agentID), qos: .atLeastOnce),
                MQTTSubscribeInfo(topics.broadcast, qos: .atLeastOnce, noLocal: true),
            ])
            try await client.publish(to: topics.status(agentID: agentID), payload: status("online").text, qos: .atLeastOnce, retain: true)
            let (messages, deliver) = AsyncStream.makeStream(of: Envelope.self)
            let (online, announce) = AsyncStream.makeStream(of: String.self)
            let channel = MQTTAgentChannel(client: client, topics: topics, agentID: agentID, messages: messages)
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
                    for await message in inbound {
                        guard let envelope = try? Envelope(text: message.payloadString) else { continue }
                        if envelope.type == .message, envelope.agentID == agentID { continue }
                        if envelope.type == .error, envelope.payload["code"]?.stringValue == FlotillaError.Code.notRegistered.rawValue {
                            logger.info("the hub does not know this agent; registering again")
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
            try? await client.publish(to: topics.status(agentID: agentID), payload: status("offline").text, qos: .atLeastOnce, retain: true)
        }
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
    let messages: AsyncStream<Envelope>

    func send(_ envelope: Envelope) async throws {
        var envelope = envelope
        if envelope.agentID == nil { envelope.agentID = agentID }
        var topic = topics.agentTopic(for: envelope.type, agentID: agentID)
        // Over a broker, agents talk to each other directly; the hub does not relay.
        if envelope.type == .message, let to = envelope.payload["to"]?.stringValue, to != "broadcast" {
            topic = topics.inbox(agentID: to)
        }
        // Pipelined: the session re-sends until the broker acknowledges, and unacknowledged final
        // reports are re-sent by the runtime anyway.
        try await client.publish(to: topic, payload: envelope.text, qos: .atLeastOnce, waitForAcknowledgement: false)
    }
}
