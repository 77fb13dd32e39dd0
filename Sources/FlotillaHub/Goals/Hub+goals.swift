import FlotillaCore
import FlotillaGoals
import Logging
import ServiceLifecycle

extension Hub {
    /// The goal service (docs/goals.md): carries goals from the backlog through planning and
    /// execution. Its clones live in the data directory's `goals` folder.
    func goalServices(logger: Logger) -> [any Service] {
        let service = GoalService(engine: engine, configuration: goalConfiguration, logger: logger)
        let cleanup = goalCleanup(logger: logger)
        service.setFinisher(cleanup.tracking(goalPublisher(logger: logger).finish))
        // The hub's own initiative decides when its own goals may start (docs/goals.md).
        if let autonomy { service.setStartGate { await autonomy.startGate($0) } }
        return [service, cleanup]
    }

    /// Removes ended goals' directories (docs/goals.md, "Cleaning up"), failed ones after the
    /// hub's retention age, never while the merge queue works on the goal. A hub that carries
    /// no goal on (`--goal-concurrency 0`) holds no event subscription for it: its sweeps find
    /// the goals cancelled meanwhile.
    func goalCleanup(logger: Logger) -> GoalCleanup {
        let goals = goalConfiguration
        let cleanup = GoalCleanup(
            engine: engine, workspaces: GoalWorkspaces(root: goals.root), maxAge: configuration.retention?.maxAge, policy: goals.cleanup,
            followsEndings: goals.concurrency > 0, logger: logger
        )
        let queue = mergeQueue(logger: logger)
        cleanup.addBusyCheck { queue.isWorking(onGoal: $0) }
        return cleanup
    }

    /// The hub's goal configuration with its root in the data directory unless one was given.
    var goalConfiguration: GoalConfiguration {
        var goals = configuration.goals
        if goals.root.isEmpty { goals.root = configuration.dataDirectory + "/goals" }
        return goals
    }
}
