import FlotillaCore
import FlotillaStore
import Foundation
import Testing

/// The `notification_deliveries` table and the notification cursor on a real SQLite file: what
/// the notification service relies on to notify each event once across restarts.
@Suite struct NotificationStoreTests {
    static func delivery(seq: Int64, subscription: String = "ops#0", createdAt: Double) -> NotificationDelivery {
        let event = EventRecord(seq: seq, type: EventKind.taskDead.rawValue, ts: createdAt, taskID: "t\(seq)", data: ["role": "tester"])
        return NotificationDelivery(
            subscription: NotificationSubscription(name: subscription, target: "ops", events: ["task.dead"]),
            target: NotificationTarget(name: "ops", kind: .command), event: event, now: createdAt
        )
    }

    @Test func rowsAreUpsertedByIdTheCursorOnlyMovesOnAndRetentionKeepsWhatIsDue() async throws {
        let directory = NSTemporaryDirectory() + "flotilla-notify-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        let now = Timestamp.now()
        var old = Self.delivery(seq: 1, createdAt: now - 90 * 86_400)
        old.delivered(now: old.createdAt)
        let stuck = Self.delivery(seq: 2, createdAt: now - 90 * 86_400)
        var recent = Self.delivery(seq: 3, createdAt: now - 60)
        try await store.commit([.saveNotificationDelivery(old), .saveNotificationDelivery(stuck), .saveNotificationDelivery(recent), .saveNotificationCursor(3)])
        // The same delivery written again (the event read twice) is the same row; a later state replaces it.
        recent.failed("HTTP 502", now: now, backoff: .standard)
        try await store.commit([.saveNotificationDelivery(recent), .saveNotificationCursor(2)])

        let all = try await store.notificationDeliveries(NotificationQuery())
        #expect(all.map(\.eventSeq) == [3, 2, 1], "newest first")
        #expect(all.first?.attempts == 1 && all.first?.lastError == "HTTP 502")
        #expect(all.first?.event["data"]?["role"] == "tester", "each row keeps its event")
        #expect(try await store.notificationDeliveries(NotificationQuery(status: .delivered)).map(\.eventSeq) == [1])
        #expect(try await store.existingNotificationKeys(["ops#0/1", "ops#0/9", "ops#1/3"]) == ["ops#0/1"])

        let resume = try await store.notificationResume(since: now - 600)
        #expect(resume.cursor == 3, "the cursor never goes back")
        #expect(resume.pending.map(\.eventSeq) == [2, 3])
        #expect(resume.recent.map(\.eventSeq) == [3])

        _ = try await store.prune(RetentionPolicy().cutoffs(now: now), batch: 100)
        let kept = try await store.notificationDeliveries(NotificationQuery())
        #expect(kept.map(\.eventSeq) == [3, 2], "an old delivered row goes; a pending one stays until it ends")
    }
}
