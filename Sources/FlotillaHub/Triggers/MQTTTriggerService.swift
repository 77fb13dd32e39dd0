import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows
import Foundation
import Logging
import MQTT
import NIOCore
import ServiceLifecycle

/// Starts runs of the registered workflows whose `on.mqtt` matches a message on the broker the
/// hub bridges to (`flotilla hub --mqtt`).
///
/// It has a client of its own (id `<hub's client id>-triggers`, a clean session) beside the
/// bridge's, so the bridge's agent traffic and this stay apart, connected once some workflow
/// listens on a topic. It polls the registered
/// workflows every ``WorkflowTriggerConfiguration/refresh`` and subscribes to the union of
/// their topics (`{swarm}` replaced), unsubscribing what no workflow listens on any more.
/// Messages published while no subscription covered them (the hub down, the topic just
/// applied) start nothing, and so do retained messages (a subscription's replay of old
/// news). Anyone who may publish on the topic can start the workflow: guard
/// it with the broker's ACL (docs/mqtt.md) and the trigger's `if`.
final class MQTTTriggerService: Service {
    let hub: Hub
    let bridge: MQTTBridgeConfiguration
    let refresh: Duration
    let logger: Logger

    init(hub: Hub, bridge: MQTTBridgeConfiguration, configuration: WorkflowTriggerConfiguration, logger: Logger) {
        self.hub = hub
        self.bridge = bridge
        self.refresh = configuration.refresh
        self.logger = logger
    }

    func run() async throws {
        var configuration = try MQTTClient.Configuration(url: bridge.url)
        configuration.clientID = (bridge.clientID ?? "flotilla-hub-\(bridge.swarm)") + "-triggers"
        configuration.cleanStart = true
        configuration.keepAlive = .seconds(15)
        configuration.reconnect = .init(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))
        let clientConfiguration = configuration
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                // Connected once some workflow listens on a topic: a hub without MQTT triggers
                // keeps one connection to the broker, the bridge's.
                var client: MQTTClient?
                var subscriptions: [String: MQTTSubscription] = [:]
                while !Task.isCancelled {
                    let wanted = Set(hub.engine.registeredWorkflows().flatMap { TriggerMatcher.mqttFilters(of: $0, swarm: bridge.swarm) })
                        .filter(MQTTTopicFilter.isValid)
                    if client == nil, !wanted.isEmpty {
                        let started = MQTTClient(configuration: clientConfiguration, logger: logger)
                        group.addTask { try? await started.run() }
                        client = started
                    }
                    if let client {
                        await resubscribe(client, wanted: wanted, subscriptions: &subscriptions, group: &group)
                    }
                    try? await Task.sleep(for: refresh)
                }
                await client?.disconnect()
                group.cancelAll()
            }
        }
    }

    /// Unsubscribes the filters no workflow listens on any more and subscribes the new ones,
    /// each read by a task of its own.
    private func resubscribe(_ client: MQTTClient, wanted: Set<String>, subscriptions: inout [String: MQTTSubscription], group: inout TaskGroup<Void>) async {
        for (filter, subscription) in subscriptions where !wanted.contains(filter) {
            subscriptions[filter] = nil
            try? await client.unsubscribe(subscription)
        }
        for filter in wanted.sorted() where subscriptions[filter] == nil {
            do {
                let subscription = try await client.subscribe(to: filter)
                subscriptions[filter] = subscription
                group.addTask { for await message in subscription { await self.handle(message, filter: filter) } }
            } catch {
                logger.warning("workflow triggers cannot subscribe to '\(filter)': \(error)")
            }
        }
    }

    /// Starts the runs a message received through `filter`'s subscription triggers: those of
    /// the workflows listening on that filter (a message matching two filters arrives once per
    /// subscription, and each workflow is asked through its own filters only).
    func handle(_ message: MQTTMessage, filter: String) async {
        // A retained message comes with every new subscription (each hub start): old news,
        // it starts nothing.
        guard !message.retain else { return }
        let payload = TriggerMatcher.mqttPayload(Array(message.payload.readableBytesView))
        for workflow in hub.engine.registeredWorkflows() {
            let filters = TriggerMatcher.mqttFilters(of: workflow, swarm: bridge.swarm)
            // Each workflow answers to the first of its filters that covers the topic, so a
            // message delivered through two subscriptions starts it once.
            guard filters.first(where: { MQTTTopicFilter.matches(filter: $0, topic: message.topic) }) == filter else { continue }
            let decision = TriggerMatcher.mqtt(topic: message.topic, payload: payload, workflow: workflow, swarm: bridge.swarm)
            guard let trigger = decision.trigger else {
                logger.debug("mqtt message on \(message.topic): workflow \(workflow.name) not started, \(decision.reason ?? "")")
                continue
            }
            do {
                let (run, _) = try await hub.engine.startRun(workflow: workflow.name, inputs: [:], trigger: trigger)
                logger.info("mqtt message on \(message.topic) started run \(run.id) of workflow \(workflow.name)")
            } catch {
                logger.warning("mqtt message on \(message.topic) could not start workflow \(workflow.name): \(error)")
            }
        }
    }
}
