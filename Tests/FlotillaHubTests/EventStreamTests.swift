import FlotillaClient
import FlotillaCore
import Testing

/// The SSE event log: live, ordered, resumable after a disconnect without gaps or repeats.
@Suite struct EventStreamTests {
    @Test func resumesAfterADisconnectWithoutGapsOrRepeats() async throws {
        try await TestHub.run { hub in
            let client = hub.client
            let firstBatch = try await client.submit(batch: (0..<3).map { _ in ["type": "testing.run"] }).compactMap { $0["id"]?.stringValue }
            let firstSeen = try await withDeadline(10, "first three task.queued events") {
                var seen: [StreamedEvent] = []
                for try await event in client.events(since: 0, types: ["task."]) {
                    seen.append(event)
                    if seen.count == 3 { break }
                }
                return seen
            }
            #expect(firstSeen.map(\.type) == ["task.queued", "task.queued", "task.queued"])
            #expect(firstSeen.compactMap { $0.json["task_id"]?.stringValue } == firstBatch)
            let last = firstSeen.last!.seq

            // While disconnected, more happens.
            let secondBatch = try await client.submit(batch: (0..<2).map { _ in ["type": "code.review"] }).compactMap { $0["id"]?.stringValue }
            let resumed = try await withDeadline(10, "the two events after \(last)") {
                var seen: [StreamedEvent] = []
                for try await event in client.events(since: last) {
                    seen.append(event)
                    if seen.count == 2 { break }
                }
                return seen
            }
            #expect(resumed.map(\.seq) == [last + 1, last + 2])
            #expect(resumed.compactMap { $0.json["task_id"]?.stringValue } == secondBatch)

            // Live: a stream opened now sees a new change as it happens. It starts from the
            // sequence read before the change, so the change is seen however the race goes.
            let before = try await client.stats()["events"]?["last_seq"]?.intValue ?? 0
            let liveTask = try await withDeadline(10, "a live event") {
                try await withThrowingTaskGroup(of: String?.self) { group in
                    group.addTask {
                        for try await event in client.events(since: before, types: ["task.cancelled"]) { return event.json["task_id"]?.stringValue }
                        return nil
                    }
                    try await eventually("cancel applied") {
                        _ = try? await client.cancel(secondBatch[0])
                        return try await client.task(secondBatch[0])["state"] == "cancelled"
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
            }
            #expect(liveTask == secondBatch[0])
        }
    }

    @Test func resumeWithLastEventIDHeader() async throws {
        try await TestHub.run { hub in
            let ids = try await hub.client.submit(batch: (0..<4).map { _ in ["type": "testing.run"] }).compactMap { $0["id"]?.stringValue }
            let client = hub.client
            let seen = try await withDeadline(10, "events after 2") {
                var seen: [StreamedEvent] = []
                for try await event in client.events(lastEventID: 2) {
                    seen.append(event)
                    if seen.count == 2 { break }
                }
                return seen
            }
            #expect(seen.map(\.seq) == [3, 4])
            #expect(seen.compactMap { $0.json["task_id"]?.stringValue } == Array(ids[2...]))
        }
    }
}
