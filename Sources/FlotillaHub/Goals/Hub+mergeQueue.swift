public import FlotillaGoals
public import Logging
import ServiceLifecycle
import Synchronization

extension Hub {
    /// The hub's one merge queue (docs/goals.md, "Goal branch and merge queue"), with the goal
    /// configuration's root, fix attempts and verify timeout: made on first
    /// ask, which installs the engine's step gate, so it must be asked before the services run
    /// (buildApplication does). Goal stages that need it (publication's corrective steps) ask
    /// for the same one.
    public func mergeQueue(logger: Logger) -> MergeQueue {
        goalParts.mergeQueue.withLock { queue in
            if let queue { return queue }
            let goals = goalConfiguration
            let made = MergeQueue(engine: engine, workspaces: GoalWorkspaces(root: goals.root), fixAttempts: goals.fixAttempts, verifyTimeout: goals.verifyTimeout, logger: logger)
            queue = made
            return made
        }
    }

    func mergeQueueServices(logger: Logger) -> [any Service] {
        [mergeQueue(logger: logger)]
    }
}

/// The goal layer's parts a hub makes once.
final class HubGoalParts: Sendable {
    let mergeQueue = Mutex<MergeQueue?>(nil)
}
