import FlotillaCore
import FlotillaEngine
import Logging
import Synchronization

/// Each goal's work beside the passes: a pass hands a goal over (``hand(_:)``) and goes on; the
/// work (``advance(_:)``: a first clone, a planning task, an approval, the plan's run) runs in
/// one long-lived task group, at most one piece per goal at a time. A goal whose work is still
/// running is skipped by the passes until it ends; then a pass looks at it again.
///
/// A goal that ends while its piece runs (`goal cancel`) stops the piece at once (GoalEndWatch):
/// a clone under way is killed, no planning task is submitted after the cancel.
///
/// Nothing here is the truth about a goal: the claim only keeps two pieces of work for one goal
/// apart. The work reads the goal afresh when it begins, so it never acts on a pass's older copy,
/// and a hub that stops mid-way finds the goal's state and `details` where the work left them.
extension GoalService {
    /// The goals whose piece of work is running, and those a pass skipped meanwhile (looked at
    /// again as soon as their piece ends, not at the next tick).
    struct WorkClaims: Sendable {
        var running: Set<String> = []
        var skipped: Set<String> = []
    }

    /// Whether the goal's previous piece of work is still running.
    func isWorking(_ goalID: String) -> Bool {
        working.withLock { $0.running.contains(goalID) }
    }

    /// Hands the goal to its work unless its previous piece is still running; whether it did.
    @discardableResult
    func hand(_ goal: GoalRecord) -> Bool {
        let claimed = working.withLock { claims in
            guard claims.running.insert(goal.id).inserted else {
                claims.skipped.insert(goal.id)
                return false
            }
            return true
        }
        if claimed { workQueue.yield(goal) }
        return claimed
    }

    /// The goal's piece ended: a pass that skipped it meanwhile comes again.
    private func release(_ goalID: String) {
        let skipped = working.withLock { claims in
            claims.running.remove(goalID)
            return claims.skipped.remove(goalID) != nil
        }
        if skipped { wake() }
    }

    /// The work's task group: one child per piece handed over; graceful shutdown cancels them
    /// (a running git or verify command is killed, GoalCommand), and the next start picks up.
    func runWork() async {
        await withDiscardingTaskGroup { group in
            for await goal in works {
                group.addTask {
                    await self.work(on: goal)
                    self.release(goal.id)
                }
            }
        }
    }

    /// One piece of a goal's work, on the goal as it is now (cancelled meanwhile: nothing).
    private func work(on handed: GoalRecord) async {
        do {
            let goal = try await engine.goal(id: handed.id)
            guard !goal.state.isFinal, goal.state != .queued else { return }
            // Cancelled meanwhile: its clone is killed and nothing more is submitted for it.
            try await GoalEndWatch.whileGoalLasts(engine, goal.id) { try await self.advance(goal) }
        } catch is CancellationError, is GoalEndWatch.GoalEnded {
            return
        } catch {
            logger.warning("goals: goal \(handed.id) (\(handed.state.rawValue)): \(error)")
        }
    }
}
