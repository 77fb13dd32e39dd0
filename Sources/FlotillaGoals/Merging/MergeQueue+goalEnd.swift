import FlotillaCore
import FlotillaEngine
import Logging

/// A goal cancelled (or otherwise ended) while one of its merges runs: the merge stops at once
/// (its git or verify command is killed, GoalEndWatch), its result is dropped and the goal
/// branch stays where it was. `goal cancel` waits for the goal's run to end, which waits for
/// the held step end: stopping the merge at once is what lets the cancel answer at once.
extension MergeQueue {
    typealias GoalEnded = GoalEndWatch.GoalEnded

    func whileGoalLasts<Value: Sendable>(_ goalID: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await GoalEndWatch.whileGoalLasts(engine, goalID, body)
    }

    /// The goal's state when it has ended, else nil.
    func endedState(_ goalID: String) async -> GoalState? {
        await GoalEndWatch.endedState(engine, goalID)
    }

    /// What the step's entry says after its goal ended mid-merge.
    func recordAbandoned(_ goalID: String, step: String, _ ended: GoalEnded) async {
        let reason = "the goal was \(ended.state.rawValue) while step \(step) was merging: nothing was merged"
        logger.info("merge abandoned", metadata: ["goal": "\(goalID)", "step": "\(step)", "state": "\(ended.state.rawValue)"])
        await record(goalID, step: step) { $0["state"] = "abandoned"; $0["reason"] = .string(reason) }
    }
}
