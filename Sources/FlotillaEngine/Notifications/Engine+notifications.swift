public import FlotillaCore
public import FlotillaStore

/// The notification service's storage (FlotillaHub/Notifications): its deliveries and its
/// cursor in the event log, committed through the engine's one commit path.
extension Engine {
    /// Commits deliveries (inserted or updated by id) and the cursor; returns once durable.
    public func saveNotifications(_ writes: [StoreWrite]) async throws(FlotillaError) {
        guard !writes.isEmpty else { return }
        try await mutate { scheduler, _ in scheduler.record(writes) }
    }

    /// Deliveries, newest first (`GET /api/notifications`), once what was queued is durable.
    public func notificationDeliveries(_ query: NotificationQuery) async throws -> [NotificationDelivery] {
        _ = await settled()
        return try await store.notificationDeliveries(query)
    }

    /// Which of these dedupe keys already have a delivery.
    public func existingNotificationKeys(_ keys: [String]) async throws -> Set<String> {
        try await store.existingNotificationKeys(keys)
    }

    /// Where the notification service resumes after a start.
    public func notificationResume(since: Double) async throws -> NotificationResume {
        try await store.notificationResume(since: since)
    }
}
