import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows
import Foundation
import Logging
import ServiceLifecycle

/// Starts runs of the registered workflows whose `on.event` matches a hub event.
///
/// It follows the event log as the MQTT bridge does: the live stream, and the store for a gap
/// (falling behind, or at start: the latest ``WorkflowTriggerConfiguration/eventReplay`` events,
/// so an event committed just before a crash still starts its runs). Each run's `trigger_key`
/// is `event:<workflow>:<seq>`: an event read twice starts one run. An event a run of workflow
/// W produced (a `workflow.*`/`step.*` event naming W, or an event of a task one of W's steps
/// submitted) never fires W's own triggers, so a workflow cannot re-trigger itself endlessly;
/// nor does an event older than the workflow's registration.
final class EventTriggerService: Service {
    let hub: Hub
    let replay: Int
    let refresh: Duration
    let logger: Logger

    init(hub: Hub, configuration: WorkflowTriggerConfiguration, logger: Logger) {
        self.hub = hub
        self.replay = max(0, configuration.eventReplay)
        self.refresh = configuration.refresh
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            var last = max(0, hub.events.lastSeq - Int64(replay))
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                // Nothing waits for events: no subscription (it would cost every published
                // event a filter call). What happens meanwhile is read from the store once a
                // workflow that waits is applied, from where this left off.
                guard hub.engine.registeredWorkflows().contains(where: { !$0.triggers.events.isEmpty }) else {
                    last = max(last, hub.events.lastSeq)
                    try? await Task.sleep(for: refresh)
                    continue
                }
                do {
                    let live = hub.events.subscribe(where: { [hub] event in
                        hub.engine.registeredWorkflows().contains { TriggerMatcher.waitsForEvents(of: event.type, workflow: $0) }
                    })
                    while true {
                        let page = try await hub.engine.storedEvents(after: last, limit: 500)
                        for event in page {
                            await handle(event)
                            last = event.seq
                        }
                        if page.count < 500 { break }
                    }
                    for await event in live where event.seq > last {
                        await handle(event)
                        last = event.seq
                    }
                    // The stream ended: the hub is stopping, or we fell behind and read the gap
                    // from the store on the next turn.
                    backoff = .milliseconds(100)
                    try? await Task.sleep(for: .milliseconds(10))
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("event triggers: \(error); going on after \(backoff)")
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }

    /// Starts the runs `event` triggers.
    func handle(_ event: EventRecord) async {
        let waiting = hub.engine.registeredWorkflows().filter { TriggerMatcher.waitsForEvents(of: event.type, workflow: $0) }
        guard !waiting.isEmpty else { return }
        let producer = await producingWorkflow(of: event)
        for workflow in waiting {
            let decision = TriggerMatcher.event(event, workflow: workflow, producedBy: producer)
            guard let trigger = decision.trigger else { continue }
            do {
                guard try await isRegistered(workflow.name, before: event.ts) else { continue }
                let (run, created) = try await hub.engine.startRun(
                    workflow: workflow.name, inputs: [:], trigger: trigger,
                    triggerKey: TriggerMatcher.eventKey(workflow: workflow.name, seq: event.seq)
                )
                if created { logger.info("event \(event.seq) (\(event.type)) started run \(run.id) of workflow \(workflow.name)") }
            } catch {
                logger.warning("event \(event.seq) (\(event.type)) could not start workflow \(workflow.name): \(error)")
            }
        }
    }

    /// Whether `workflow` was registered when the event happened (an event replayed from the
    /// store may be older than it).
    func isRegistered(_ workflow: String, before ts: Double) async throws -> Bool {
        try await hub.engine.workflow(name: workflow).appliedAt <= ts
    }

    /// The workflow whose run produced `event`, if one did: named in a workflow or step event's
    /// data, or in the metadata of the task a task event is about (a step's task carries
    /// `metadata.workflow`).
    func producingWorkflow(of event: EventRecord) async -> String? {
        if event.type.hasPrefix("workflow.") || event.type.hasPrefix("step.") {
            return event.data["workflow"]?.stringValue
        }
        guard let taskID = event.taskID, event.type.hasPrefix(EventKind.taskPrefix) else { return nil }
        guard let (task, _) = try? await hub.engine.task(id: taskID) else { return nil }
        if let workflow = task.spec.metadata?["workflow"]?.stringValue { return workflow }
        // A step's task's idempotency key is `wf:<run>:<step>[:<index>]`.
        guard let key = task.spec.idempotencyKey, key.hasPrefix("wf:") else { return nil }
        let run = key.dropFirst(3).prefix { $0 != ":" }
        return try? await hub.engine.workflowRun(id: String(run), detail: .minimal).workflow
    }
}
