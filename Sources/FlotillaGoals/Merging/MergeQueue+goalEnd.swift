import FlotillaCore
import FlotillaEngine
import Logging

/// A goal cancelled (or otherwise ended) while one of its merges runs: the merge stops at once
/// (its git or verify command is killed), its result is dropped and the goal branch stays where
/// it was. `goal cancel` itself never waits for the queue; this keeps the queue from moving a
/// branch nobody wants any more.
extension MergeQueue {
    /// Thrown out of a merge whose goal ended meanwhile.
    struct GoalEnded: Error {
        var state: GoalState
    }

    /// Runs `body` until it returns or the goal reaches a final state; then `body` is cancelled
    /// and ``GoalEnded`` thrown. Cancellation (the hub stopping) is rethrown as such.
    func whileGoalLasts<Value: Sendable>(_ goalID: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                let state = try await self.finalState(of: goalID)
                throw GoalEnded(state: state)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw CancellationError() }
            return value
        }
    }

    /// Waits until the goal is in a final state (or gone: counted as cancelled); throws
    /// CancellationError when cancelled first.
    private func finalState(of goalID: String) async throws -> GoalState {
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
    func endedState(_ goalID: String) async -> GoalState? {
        guard let goal = try? await engine.goal(id: goalID) else { return nil }
        return goal.state.isFinal ? goal.state : nil
    }

    /// What the step's entry says after its goal ended mid-merge.
    func recordAbandoned(_ goalID: String, step: String, _ ended: GoalEnded) async {
        let reason = "the goal was \(ended.state.rawValue) while step \(step) was merging: nothing was merged"
        logger.info("merge abandoned", metadata: ["goal": "\(goalID)", "step": "\(step)", "state": "\(ended.state.rawValue)"])
        await record(goalID, step: step) { $0["state"] = "abandoned"; $0["reason"] = .string(reason) }
    }
}
