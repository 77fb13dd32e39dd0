import FlotillaCore
import FlotillaEngine
import Foundation
import Logging
import Synchronization

extension NotificationService {
    /// Sends what is due, at most ``concurrency`` at once, each in a task of its own; every
    /// second also records how far the events were read.
    func deliver() async {
        var lastCursorSave = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = Timestamp.now()
                let due = state.withLock { state -> [NotificationDelivery] in
                    let room = Self.concurrency - state.inFlight.count
                    guard room > 0 else { return [] }
                    let ready = state.due.values
                        .filter { !state.inFlight.contains($0.id) && ($0.nextAttemptAt ?? 0) <= now }
                        .sorted { ($0.nextAttemptAt ?? 0, $0.eventSeq) < ($1.nextAttemptAt ?? 0, $1.eventSeq) }
                        .prefix(room)
                    for delivery in ready { state.inFlight.insert(delivery.id) }
                    return Array(ready)
                }
                for delivery in due {
                    group.addTask { await self.attempt(delivery) }
                }
                if ContinuousClock.now - lastCursorSave >= .seconds(1) {
                    lastCursorSave = ContinuousClock.now
                    await saveCursor()
                }
                try? await Task.sleep(for: setup.pollInterval)
            }
        }
    }

    /// One attempt: build the request now (a webhook's timestamp is the send time), send it,
    /// and record the outcome: delivered, due again later, or failed for good.
    func attempt(_ delivery: NotificationDelivery) async {
        var delivery = delivery
        let configuration = setup.configuration
        let target = configuration.targets[delivery.target]
        let request = target.flatMap { NotificationRequest.make(delivery, target: $0, secrets: setup.secrets, now: Timestamp.now()) }
        if let target, let request {
            let error = await sender.send(request, timeout: target.timeout)
            // The hub is stopping: the row stays as it was and is tried again after the start.
            if Task.isCancelled {
                state.withLock { _ = $0.inFlight.remove(delivery.id) }
                return
            }
            if let error {
                delivery.failed(error, now: Timestamp.now(), backoff: configuration.retry)
                let next = delivery.status == .failed ? "no attempt left" : "next attempt at \(Timestamp.iso8601(delivery.nextAttemptAt ?? 0))"
                logger.warning("notification \(delivery.id) (\(delivery.eventType)) to \(delivery.target) failed on attempt \(delivery.attempts): \(error); \(next)")
            } else {
                delivery.delivered(now: Timestamp.now())
            }
        } else {
            // A delivery recorded before a restart whose target is gone from the configuration.
            delivery.failed("target '\(delivery.target)' is not configured (any more)", now: Timestamp.now(), backoff: NotificationBackoff(delays: []))
        }
        do {
            try await hub.engine.saveNotifications([.saveNotificationDelivery(delivery)])
        } catch {
            logger.warning("notification \(delivery.id): its outcome could not be stored: \(error)")
        }
        state.withLock { state in
            state.inFlight.remove(delivery.id)
            if delivery.status == .pending { state.due[delivery.id] = delivery } else { state.due.removeValue(forKey: delivery.id) }
        }
    }

    /// Records how far the events were read, when that moved since the last time.
    func saveCursor() async {
        let (cursor, saved) = state.withLock { ($0.cursor, $0.savedCursor) }
        guard cursor > saved else { return }
        do {
            try await hub.engine.saveNotifications([.saveNotificationCursor(cursor)])
            state.withLock { $0.savedCursor = max($0.savedCursor, cursor) }
        } catch {
            logger.warning("notifications: the event cursor could not be stored: \(error)")
        }
    }
}
