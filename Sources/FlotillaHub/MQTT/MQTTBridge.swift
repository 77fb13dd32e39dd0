import FlotillaCore
import Foundation
import Logging
import MQTT
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves agents on an MQTT broker with the seeds' topics (``SwarmTopics``), beside `/ws`.
///
/// Each agent that registers on `{swarm}/agents/register` gets an ``AgentSession`` of its own,
/// exactly as a WebSocket would: the same envelope, the same fenced assignments, the same acks.
/// What the hub sends an agent goes to its inbox topic. The agent's will message on its status
/// topic (`offline`) ends its session. Tasks published to `{swarm}/tasks/new` by any client are
/// submitted, and every event of the log is published for subscribers.
///
/// The hub's own presence is retained on `{swarm}/hub/status` with a fresh instance id each run:
/// agents re-register when it changes, so a restarted hub learns its fleet again.
final class MQTTBridge: Service {
    let hub: Hub
    let configuration: MQTTBridgeConfiguration
    let topics: SwarmTopics
    let logger: Logger
    let instance = UUID().uuidString.lowercased()
    /// Registered agents by id.
    let agents = Mutex<[String: BridgedAgent]>([:])

    struct BridgedAgent: Sendable {
        var connection: Int
        var session: AgentSession
    }

    init(hub: Hub, configuration: MQTTBridgeConfiguration, logger: Logger) {
        self.hub = hub
        self.configuration = configuration
        self.topics = SwarmTopics(swarm: configuration.swarm)
        var logger = logger
        logger[metadataKey: "swarm"] = .string(configuration.swarm)
        self.logger = logger
    }

    func run() async throws {
        let client = MQTTClient(configuration: try clientConfiguration(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { try await self.publishEvents(client) }
            group.addTask {
                try? await gracefulShutdown()
                await self.goOffline(client)
            }
            // Subscribed before the hub says it is online, so no agent's answer to that is missed.
            let inbound = try await client.subscribe(to: inboundFilters())
            group.addTask { try await self.announcePresence(client) }
            logger.info("serving agents on \(SecretRedactor.redactURL(configuration.url)) as swarm '\(configuration.swarm)'")
            for await message in inbound {
                if let writer = await handle(message, client: client) {
                    group.addTask { await writer() }
                }
            }
            group.cancelAll()
        }
    }

    private func clientConfiguration() throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: self.configuration.url)
        configuration.clientID = self.configuration.clientID ?? "flotilla-hub-\(self.configuration.swarm)"
        configuration.cleanStart = false
        configuration.sessionExpiry = .seconds(self.configuration.sessionExpirySeconds)
        configuration.keepAlive = .seconds(15)
        configuration.reconnect = .init(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))
        configuration.will = .init(topic: topics.hubStatus, payload: ByteBuffer(string: statusEnvelope("offline").text), qos: .atLeastOnce, retain: true)
        return configuration
    }

    /// No Local keeps our own event publications on shared topics from coming back (5.0); with
    /// 3.1.1 they do come back and are skipped by their `event` type.
    private func inboundFilters() -> [MQTTSubscribeInfo] {
        ([topics.register, topics.heartbeat, topics.shutdown, topics.anyStatus, topics.newTasks,
          topics.assigned, topics.progress, topics.complete, topics.failed] + topics.requestTopics.keys.sorted())
            .map { MQTTSubscribeInfo($0, qos: .atLeastOnce, noLocal: true) }
    }

    func statusEnvelope(_ status: String) -> Envelope {
        Envelope(id: UUID().uuidString.lowercased(), type: .status, payload: [
            "status": .string(status), "instance": .string(instance), "version": .string(FlotillaVersion.current),
        ])
    }

    /// Publishes `online` (retained) now and after every reconnect: a broker restarted without
    /// persistence has forgotten it, and agents wait for it before they register.
    private func announcePresence(_ client: MQTTClient) async throws {
        var announced: Int?
        while !Task.isCancelled {
            if let generation = client.connectionGeneration, generation != announced {
                try await client.publish(to: topics.hubStatus, payload: statusEnvelope("online").text, qos: .atLeastOnce, retain: true)
                announced = generation
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Says offline and disconnects, so agents stop sending to a hub that is going away.
    private func goOffline(_ client: MQTTClient) async {
        try? await client.publish(to: topics.hubStatus, payload: statusEnvelope("offline").text, qos: .atLeastOnce, retain: true)
        await client.disconnect()
        let sessions = agents.withLock { agents in
            defer { agents = [:] }
            return Array(agents.values)
        }
        for agent in sessions { hub.connections.close(agent.connection) }
    }

    /// Applies one inbound message. Returns the writer of a newly registered agent's inbox, for
    /// the caller to run.
    private func handle(_ message: MQTTMessage, client: MQTTClient) async -> (@Sendable () async -> Void)? {
        if message.topic == topics.newTasks {
            await submit(message, client: client)
            return nil
        }
        if let type = topics.requestTopics[message.topic] {
            await submit(message, requestType: type, client: client)
            return nil
        }
        guard let envelope = await readEnvelope(message, client: client) else { return nil }
        let statusOf = topics.agentID(inStatusTopic: message.topic)
        switch envelope.type {
        case .event, .registered, .assignment, .cancel, .ack, .error:
            return nil
        case .status:
            if let statusOf, envelope.payload["status"]?.stringValue == "offline" { endSession(of: statusOf) }
            return nil
        default:
            break
        }
        guard let id = statusOf ?? envelope.agentID, !id.isEmpty else {
            let error = FlotillaError(.missingField, "A '\(envelope.type.rawValue)' must name its sender in 'agent_id'.", field: "agent_id")
            await answer(error, ref: envelope.id.isEmpty ? nil : envelope.id, of: envelope.type.rawValue, sender: nil, on: message.topic, client: client)
            return nil
        }
        if envelope.type == .register { return await register(envelope, agentID: id, client: client) }
        guard let agent = agents.withLock({ $0[id] }) else {
            // Likely registered with a previous hub: say so, and the agent registers again.
            try? await client.publish(to: topics.inbox(agentID: id), payload: notRegistered(envelope).text, qos: .atLeastOnce)
            return nil
        }
        agent.session.handle(envelope)
        return nil
    }

    private func register(_ envelope: Envelope, agentID id: String, client: MQTTClient) async -> (@Sendable () async -> Void)? {
        let connection = hub.inspect { $0.openConnection() }
        let outbox = hub.connections.open(connection)
        let session = AgentSession(hub: hub, identity: .agent(tokenID: "mqtt", role: nil, agentID: id), connection: connection, logger: logger)
        // A registration that supersedes an earlier one closes the old outbox (the scheduler
        // reports it superseded), which ends its writer.
        agents.withLock { $0[id] = BridgedAgent(connection: connection, session: session) }
        session.handle(envelope)
        let inbox = topics.inbox(agentID: id)
        let logger = self.logger
        return {
            for await outgoing in outbox {
                do {
                    try await client.publish(to: inbox, payload: outgoing.text, qos: .atLeastOnce, waitForAcknowledgement: false)
                } catch {
                    logger.warning("cannot publish to \(inbox): \(error)")
                    break
                }
            }
        }
    }

    /// The agent is gone (its will, or it said so): it no longer takes work; its leases run on.
    private func endSession(of id: String) {
        guard let agent = agents.withLock({ $0.removeValue(forKey: id) }) else { return }
        agent.session.closed()
    }

    private func notRegistered(_ envelope: Envelope) -> Envelope {
        let error = FlotillaError(.notRegistered, "Send 'register' before '\(envelope.type.rawValue)': this hub (instance \(instance)) does not know the agent.")
        return Envelope(id: "re-\(envelope.id)", type: .error, agentID: envelope.agentID, payload: error.replyPayload(ref: envelope.id, of: envelope.type.rawValue))
    }
}
