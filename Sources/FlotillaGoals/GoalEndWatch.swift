import FlotillaCore
import FlotillaEngine

/// Work that stops when its goal ends: a goal cancelled (or failed) while a piece of its work
/// runs (a clone, a merge with its verify commands) must not wait for that work, nor let it go
/// on changing things (a planning task submitted, the goal branch moved) after the cancel.
enum GoalEndWatch {
    /// Thrown out of work whose goal ended meanwhile.
    struct GoalEnded: Error {
        var state: GoalState
    }

    /// Runs `body` until it returns or the goal reaches a final state; then `body` is cancelled
    /// (a running GoalCommand is killed) and ``GoalEnded`` thrown once it has stopped.
    /// Cancellation (the hub stopping) is rethrown as such.
    static func whileGoalLasts<Value: Sendable>(_ engine: Engine, _ goalID: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask { throw GoalEnded(state: try await finalState(engine, goalID)) }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw CancellationError() }
            return value
        }
    }

    /// Waits until the goal is in a final state (or gone: counted as cancelled); throws
    /// CancellationError when cancelled first.
    static func finalState(_ engine: Engine, _ goalID: String) async throws -> GoalState {
        let changed = EventKind.goalStateChanged.rawValue
        while true {
            try _Concurrency.Task.checkCancellation()
            // Subscribed before reading, so a change between the two is not missed.
            let events = engine.events.subscribe(where: { $0.type == changed && $0.details["goal_id"]?.stringValue == goalID })
            do {
                let goal = try await engine.goal(id: goalID)
                if goal.state.isFinal { return goal.state }
            } catch let error as FlotillaError where error.code == .goalNotFound {
                return .cancelled
            } catch {}
            for await event in events {
                if let to = event.details["to"]?.stringValue.flatMap(GoalState.init(rawValue:)), to.isFinal { return to }
            }
            // The stream ended: cancelled, or cut off for falling behind (subscribe again).
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
    }

    /// The goal's state when it has ended, else nil.
    static func endedState(_ engine: Engine, _ goalID: String) async -> GoalState? {
        guard let goal = try? await engine.goal(id: goalID) else { return nil }
        return goal.state.isFinal ? goal.state : nil
    }
}
