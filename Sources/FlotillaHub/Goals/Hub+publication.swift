import FlotillaCore
import FlotillaGoals
import Logging

extension Hub {
    /// Publication (docs/goals.md, "Review and publication"): what the goal service hands a
    /// goal to once its plan's run succeeded. Corrective steps go through the hub's one merge
    /// queue; `gh` runs with the hub's GitHub variables and is found on the hub's PATH.
    func goalPublisher(logger: Logger) -> GoalPublisher {
        let goals = goalConfiguration
        return GoalPublisher(engine: engine, workspaces: GoalWorkspaces(root: goals.root), mergeQueue: mergeQueue(logger: logger), configuration: goals, logger: logger)
    }
}
