public import FlotillaCore
import FlotillaStore

extension Engine {
    /// Commits goal events that change no goal row (a goal's directory removed: the goal may be
    /// final for long, or gone from the store); returns once durable.
    public func recordGoalEvents(_ events: [WorkflowEvent]) async throws(FlotillaError) {
        guard !events.isEmpty else { return }
        try await mutate { scheduler, now in scheduler.recordWorkflow([], events: events, now: now) }
    }
}

extension Engine {
    /// Committed events about one goal (`data.goal_id`) with `seq > after`, oldest first, read
    /// through the store's index of them: a goal's page replays its own events, not everyone's.
    public func storedEvents(after seq: Int64, limit: Int, goal: String) async throws -> [EventRecord] {
        try await store.events(after: seq, limit: limit, goal: goal)
    }
}
