import Crypto
import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import MQTT
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves agents on an MQTT broker on the swarm's topics (``SwarmTopics``), beside `/ws`.
///
/// Each agent that registers on `{swarm}/agents/register` gets an ``AgentSession`` of its own,
/// exactly as a WebSocket would: the same envelope, the same fenced assignments, the same acks.
/// What the hub sends an agent goes to its inbox topic. The agent's will message on its status
/// topic (`offline`) ends its session. Tasks published to `{swarm}/tasks/new` by any client are
/// submitted, and every event of the log is published for subscribers.
///
/// Every agent message must prove its sender (``authenticate(_:agentID:checkFreshness:)``) and
/// everything sent to an agent is signed with the hub's key, so publishing on the broker is not
/// enough to make an agent act or to act for one (docs/mqtt.md).
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
    /// Signs what the hub sends agents (``HubSigningKey``), kept as its raw bytes (the key
    /// type is not Sendable).
    let signingKeyBytes: Data
    var signingKey: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: signingKeyBytes)) ?? Curve25519.Signing.PrivateKey()
    }
    /// Nonces of agent messages and submissions seen within the window.
    let replays = Mutex(ReplayGuard())
    /// Messages refused for want of a valid proof, and publishes that failed (logged each).
    let refusedMessages = Atomic<Int>(0)
    let failedPublishes = Atomic<Int>(0)

    struct BridgedAgent: Sendable {
        var connection: Int
        var session: AgentSession
        /// The token that proved the registration; every later message must be made with it.
        /// nil for an unsigned agent (``MQTTBridgeConfiguration/allowUnsignedAgents``).
        var tokenID: String?
        /// The agent's MQTT session (`metadata.session` of its register): its will names it.
        var mqttSession: String?
    }

    init(hub: Hub, configuration: MQTTBridgeConfiguration, logger: Logger) {
        self.hub = hub
        self.configuration = configuration
        self.topics = SwarmTopics(swarm: configuration.swarm)
        var logger = logger
        logger[metadataKey: "swarm"] = .string(configuration.swarm)
        self.logger = logger
        do {
            signingKeyBytes = try HubSigningKey.load(dataDirectory: hub.configuration.dataDirectory).rawRepresentation
        } catch {
            // Agents will refuse everything this key signs: loud, and nothing is forged.
            logger.error("cannot load the hub's signing key, MQTT agents will ignore this hub: \(error)")
            signingKeyBytes = Curve25519.Signing.PrivateKey().rawRepresentation
        }
    }

    func run() async throws {
        let client = MQTTClient(configuration: try clientConfiguration(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            group.addTask { await self.publishEvents(client) }
            group.addTask { try await self.endRevokedSessions(client) }
            group.addTask {
                try? await gracefulShutdown()
                await self.goOffline(client)
            }
            // Subscribed before the hub says it is online, so no agent's answer to that is missed.
            let inbound = try await client.subscribe(to: inboundFilters())
            group.addTask { try await self.announcePresence(client) }
            logger.info("serving agents on \(SecretRedactor.redactURL(configuration.url)) as swarm '\(configuration.swarm)'")
            // Submissions go to workers of their own, one per topic (in order there, since a task
            // may depend on one submitted just before): a slow commit of a big batch does not
            // hold up agents' reports on this loop, nor the other topics' submissions.
            var workers: [String: AsyncStream<MQTTMessage>.Continuation] = [:]
            for await message in inbound {
                if message.topic == topics.newTasks || topics.requestTopics[message.topic] != nil {
                    if workers[message.topic] == nil {
                        let (submissions, continuation) = AsyncStream.makeStream(of: MQTTMessage.self)
                        workers[message.topic] = continuation
                        group.addTask {
                            for await message in submissions { await self.submit(message, requestType: self.topics.requestTopics[message.topic], client: client) }
                        }
                    }
                    workers[message.topic]?.yield(message)
                } else if let writer = await handle(message, client: client) {
                    group.addTask { await writer() }
                }
            }
            workers.values.forEach { $0.finish() }
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
          topics.assigned, topics.progress, topics.complete, topics.failed, topics.output, topics.usage, topics.approvalRequests] + topics.requestTopics.keys.sorted())
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
        for agent in sessions { agent.session.disconnect() }
    }

    /// Applies one inbound message. Returns the writer of a newly registered agent's inbox, for
    /// the caller to run.
    private func handle(_ message: MQTTMessage, client: MQTTClient) async -> (@Sendable () async -> Void)? {
        guard let read = await readEnvelope(message, client: client) else { return nil }
        let (envelope, raw) = read
        let statusOf = topics.agentID(inStatusTopic: message.topic)
        switch envelope.type {
        case .event, .registered, .assignment, .cancel, .ack, .error, .approvalDecision:
            return nil
        case .status:
            if let statusOf, envelope.payload["status"]?.stringValue == "offline" {
                await endSession(of: statusOf, goodbye: raw, ref: envelope.id, on: message.topic, client: client)
            }
            return nil
        default:
            break
        }
        guard let id = statusOf ?? envelope.agentID, !id.isEmpty else {
            let error = FlotillaError(.missingField, "A '\(envelope.type.rawValue)' must name its sender in 'agent_id'.", field: "agent_id")
            await answer(error, ref: envelope.id.isEmpty ? nil : envelope.id, of: envelope.type.rawValue, sender: nil, on: message.topic, client: client)
            return nil
        }
        let token: TokenRow?
        switch authenticate(raw, agentID: id) {
        case .success(let row): token = row
        case .failure(let error):
            guard mayGoUnsigned(raw, agentID: id) else {
                await refuse(error, ref: envelope.id.isEmpty ? nil : envelope.id, of: envelope.type.rawValue, on: message.topic, client: client)
                return nil
            }
            token = nil
        }
        if envelope.type == .register { return await register(envelope, agentID: id, token: token, session: Self.session(of: raw), client: client) }
        guard let agent = agents.withLock({ $0[id] }), agent.tokenID == token?.id else {
            // Likely registered with a previous hub: say so, and the agent registers again.
            try? await client.publish(to: topics.inbox(agentID: id), payload: signed(notRegistered(envelope), for: id), qos: .atLeastOnce)
            return nil
        }
        agent.session.handle(envelope)
        // Too many of this agent's changes await commit: read on once one commits (the
        // broker holds what comes meanwhile), so a flooding agent cannot grow the queue.
        if agent.session.isSaturated { await agent.session.waitForRoom() }
        return nil
    }

    /// `token` proved the registration; its agent id is the agent's, its role bounds the agent's.
    private func register(_ envelope: Envelope, agentID id: String, token: TokenRow?, session mqttSession: String?, client: MQTTClient) async -> (@Sendable () async -> Void)? {
        let (outbox, messages) = StreamOutbox.make()
        let identity = Identity.agent(tokenID: token?.id ?? "mqtt-unsigned", role: token?.role, agentID: id)
        let session = hub.engine.openSession(identity: identity, outbox: outbox, logger: logger)
        let connection = session.connection
        // A registration that supersedes an earlier one closes the old outbox (the scheduler
        // reports it superseded), which ends its writer.
        agents.withLock { $0[id] = BridgedAgent(connection: connection, session: session, tokenID: token?.id, mqttSession: mqttSession) }
        session.handle(envelope)
        return { await self.write(messages, to: id, session: session, client: client) }
    }

    /// Publishes what the hub sends agent `id`, signed, in order. A message that cannot be
    /// published degrades alone (item 9): an assignment is failed back to the scheduler with the
    /// reason (retried as any failure is), and the writer goes on with the next message.
    private func write(_ outbox: AsyncStream<Envelope>, to id: String, session: AgentSession, client: MQTTClient) async {
        let inbox = topics.inbox(agentID: id)
        for await outgoing in outbox {
            do {
                try await client.publish(to: inbox, payload: signed(outgoing, for: id), qos: .atLeastOnce, waitForAcknowledgement: false)
            } catch {
                failedPublishes.add(1, ordering: .relaxed)
                logger.warning("cannot publish a '\(outgoing.type.rawValue)' to \(inbox): \(error)")
                guard outgoing.type == .assignment, let taskID = outgoing.payload["task_id"]?.stringValue, let attempt = outgoing.payload["attempt"]?.intValue else { continue }
                session.handle(Envelope(id: "undeliverable-\(outgoing.id)", type: .fail, agentID: id, payload: [
                    "task_id": .string(taskID), "attempt": .int(attempt), "retryable": true,
                    "error": .string("The hub could not deliver the assignment over MQTT: \(error)"),
                ]))
            }
        }
    }

    /// The agent is gone (its will, or it said so): it no longer takes work; its leases run on.
    /// Only the agent's own goodbye counts: made with its token and naming the session it
    /// registered (a retained `offline` from anyone else, or from its earlier life, ends nothing).
    private func endSession(of id: String, goodbye raw: JSONValue, ref: String, on topic: String, client: MQTTClient) async {
        guard let agent = agents.withLock({ $0[id] }) else { return }
        let proven = authenticate(raw, agentID: id, checkFreshness: false)
        let ownGoodbye: Bool
        if let tokenID = agent.tokenID {
            guard case .success(let row) = proven else { return await refusedOffline(id, ref: ref, on: topic, client: client) }
            ownGoodbye = row.id == tokenID && agent.mqttSession != nil && MessageAuth.of(raw)?.nonce == agent.mqttSession
        } else {
            ownGoodbye = mayGoUnsigned(raw, agentID: id)
        }
        guard ownGoodbye else { return await refusedOffline(id, ref: ref, on: topic, client: client) }
        guard agents.withLock({ agents in
            guard agents[id]?.connection == agent.connection else { return false }
            agents[id] = nil
            return true
        }) else { return }
        agent.session.closed()
    }

    private func refusedOffline(_ id: String, ref: String, on topic: String, client: MQTTClient) async {
        let error = FlotillaError(.unauthorized, "An 'offline' for '\(id)' that does not come from its current session (made with its token, naming the session it registered) ends nothing.")
        await refuse(error, ref: ref.isEmpty ? nil : ref, of: MessageType.status.rawValue, on: topic, client: client)
    }

    private func notRegistered(_ envelope: Envelope) -> Envelope {
        let error = FlotillaError(.notRegistered, "Send 'register' before '\(envelope.type.rawValue)': this hub (instance \(instance)) does not know the agent.")
        return Envelope(id: "re-\(envelope.id)", type: .error, agentID: envelope.agentID, payload: error.replyPayload(ref: envelope.id, of: envelope.type.rawValue))
    }
}
