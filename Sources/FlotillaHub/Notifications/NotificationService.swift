import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Notifies people of the events they subscribed to (docs/notifications.md).
///
/// It follows the event log as the event triggers do: the store for a gap (at start, from the
/// cursor it saved; after falling behind), then the live stream. For each event a subscription
/// matches it first commits a delivery row, unique per (subscription, event), and only then
/// sends it: an event read twice (a restart between the row and the cursor) finds its row and
/// is not notified again. Deliveries are sent concurrently, each within its target's timeout,
/// and a failed one is due again per the retry schedule, from the stored row after a restart
/// too. A crash between a successful send and its row's update sends it once more: receivers
/// deduplicate by `X-Flotilla-Delivery` (the row's id).
final class NotificationService: Service, Sendable {
    let hub: Hub
    let setup: NotificationSetup
    let logger: Logger
    let sender = NotificationSender()
    /// Deliveries sent at once, at most: a slow receiver holds one of them, not the rest.
    static let concurrency = 16

    struct State {
        /// Pending deliveries by id, each due at its `nextAttemptAt`.
        var due: [String: NotificationDelivery] = [:]
        var inFlight: Set<String> = []
        var suppressor: NotificationSuppressor
        /// The last event read, and the last one durably recorded as read.
        var cursor: Int64 = 0
        var savedCursor: Int64 = 0
    }

    let state: Mutex<State>
    /// Where a first start begins (no saved cursor): the newest event when the hub was built.
    let firstStart: Int64

    init(hub: Hub, setup: NotificationSetup, logger: Logger) {
        self.hub = hub
        self.setup = setup
        self.logger = logger
        self.state = Mutex(State(suppressor: NotificationSuppressor(window: setup.configuration.suppressWindow)))
        // Taken as the hub is built, before it serves anything: read once the service got to
        // run, an event of the hub's first moments (an approval asked at once) counted as
        // history and was never notified.
        self.firstStart = hub.events.lastSeq
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            guard let start = await resume() else { return }
            await withDiscardingTaskGroup { group in
                group.addTask { await self.follow(from: start) }
                group.addTask { await self.deliver() }
            }
        }
    }

    /// Reads where it stopped: the cursor (or, on the first start, the newest event when the hub
    /// was built: history is not notified), the deliveries still due, and what was sent within the suppression
    /// window. Waits out a store that does not answer; nil once cancelled.
    private func resume() async -> Int64? {
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let now = Timestamp.now()
                let resume = try await hub.engine.notificationResume(since: now - setup.configuration.suppressWindow)
                let cursor = resume.cursor ?? firstStart
                if resume.cursor == nil { try await hub.engine.saveNotifications([.saveNotificationCursor(cursor)]) }
                state.withLock { state in
                    for delivery in resume.pending { state.due[delivery.id] = delivery }
                    for delivery in resume.recent { state.suppressor.remember(delivery.repeatKey, at: delivery.createdAt) }
                    state.cursor = cursor
                    state.savedCursor = cursor
                }
                if !resume.pending.isEmpty { logger.info("notifications: \(resume.pending.count) deliveries still due from before the start") }
                return cursor
            } catch {
                logger.warning("notifications: cannot read where they stopped: \(error); trying again in \(backoff)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        return nil
    }

    /// Follows the event log from `start`: the store first, then the live stream of the
    /// subscribed kinds; back to the store whenever the stream ends (it fell behind).
    private func follow(from start: Int64) async {
        let kinds = setup.configuration.subscribedKinds
        let startedAt = Timestamp.now()
        var last = start
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let live = hub.events.subscribe(where: { kinds.contains($0.type) })
                while true {
                    let page = try await hub.engine.storedEvents(after: last, limit: 500)
                    for event in page {
                        if kinds.contains(event.type), event.ts >= startedAt - setup.catchUp {
                            try await handle(event)
                        }
                        last = event.seq
                        read(through: last)
                    }
                    if page.count < 500 { break }
                }
                for await event in live where event.seq > last {
                    try await handle(event)
                    last = event.seq
                    read(through: last)
                }
                backoff = .milliseconds(100)
                try? await Task.sleep(for: .milliseconds(10))
            } catch {
                if Task.isCancelled { return }
                logger.warning("notifications: \(error); reading the events again from \(last) after \(backoff)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func read(through seq: Int64) {
        state.withLock { $0.cursor = max($0.cursor, seq) }
    }

    /// Records a delivery for each subscription `event` matches (unless one exists already),
    /// collapsing repeats within the suppression window, in one commit with the cursor.
    func handle(_ event: EventRecord) async throws {
        let configuration = setup.configuration
        let candidates = configuration.subscriptions.filter { $0.events.contains(event.type) }
        guard !candidates.isEmpty else { return }
        if try await isDecidedAtOnce(event) { return }
        let facts = await self.facts(for: event, needs: candidates.map(\.filter))
        let now = Timestamp.now()
        var deliveries = candidates.filter { $0.matches(event, facts: facts) }.compactMap { subscription in
            configuration.targets[subscription.target].map { NotificationDelivery(subscription: subscription, target: $0, event: event, now: now) }
        }
        guard !deliveries.isEmpty else { return }
        let existing = try await hub.engine.existingNotificationKeys(deliveries.map(\.dedupeKey))
        deliveries.removeAll { existing.contains($0.dedupeKey) }
        guard !deliveries.isEmpty else { return }
        state.withLock { state in
            for index in deliveries.indices where !state.suppressor.admit(deliveries[index].repeatKey, at: event.ts) {
                deliveries[index].status = .suppressed
                deliveries[index].nextAttemptAt = nil
            }
        }
        try await hub.engine.saveNotifications(deliveries.map { .saveNotificationDelivery($0) } + [.saveNotificationCursor(event.seq)])
        state.withLock { state in
            for delivery in deliveries where delivery.status == .pending { state.due[delivery.id] = delivery }
            state.savedCursor = max(state.savedCursor, event.seq)
        }
    }

    /// Whether `event` is an approval request a rule decided as it was recorded: it waits for
    /// nobody. Its `approval.decided` commits with it, so it is among the next stored events.
    private func isDecidedAtOnce(_ event: EventRecord) async throws -> Bool {
        guard event.type == "approval.requested", let id = event.data["id"]?.stringValue else { return false }
        let next = try await hub.engine.storedEvents(after: event.seq, limit: 20)
        return next.contains { $0.type == "approval.decided" && $0.data["id"]?.stringValue == id }
    }

    /// What the filters need beyond the event: the task's tags and type (an approval or a
    /// task budget names only the task), the agent's roles for an agent event.
    private func facts(for event: EventRecord, needs filters: [NotificationFilter]) async -> NotificationFacts {
        var facts = NotificationFacts(event: event)
        let taskID = event.taskID ?? event.data["task_id"]?.stringValue
        if let taskID, filters.contains(where: { $0.needsTask || (!$0.types.isEmpty && facts.type == nil) || (!$0.roles.isEmpty && facts.roles.isEmpty) }) {
            if let task = try? await hub.engine.task(id: taskID).0 {
                facts.tags = NotificationFacts.tags(ofMetadata: task.spec.metadata)
                facts.type = facts.type ?? task.spec.type
                if facts.roles.isEmpty { facts.roles = [task.spec.role] }
            }
        }
        if facts.roles.isEmpty, event.type.hasPrefix("agent."), let agent = event.agentID, filters.contains(where: \.needsAgent) {
            facts.roles = (try? hub.engine.agent(id: agent))?.registration.roles ?? []
        }
        return facts
    }
}
