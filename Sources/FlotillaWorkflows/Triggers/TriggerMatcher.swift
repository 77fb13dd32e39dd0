import FlotillaCore

/// Decides whether an incoming hub event, MQTT message, webhook delivery or schedule slot starts
/// a run of a workflow, and builds the run's `trigger` object (docs/workflows.md, "Triggers").
/// Pure: the hub's services feed it what they receive and start the runs it asks for.
///
/// A trigger fires when its own filters match, its own `if` holds and the workflow's `on.if`
/// holds, both evaluated over `trigger` alone. A condition that fails to evaluate does not fire
/// (its error is the reason): a trigger never starts a run it cannot vouch for.
public enum TriggerMatcher {
    /// Evaluates the trigger's own condition, then `on.if`, over `trigger`.
    static func decide(_ trigger: JSONValue, own: Expression?, workflow: WorkflowDefinition, what: String) -> TriggerDecision {
        let context = ExpressionContext(["trigger": trigger])
        for (condition, name) in [(own, "the \(what)'s 'if'"), (workflow.triggers.condition, "'on.if'")] {
            guard let condition else { continue }
            do {
                guard try condition.isTrue(in: context) else {
                    return .ignore(reason: "\(name) is false: \(condition.source)")
                }
            } catch {
                return .ignore(reason: "\(name) could not be evaluated (\(error.message)): \(condition.source)")
            }
        }
        return .fire(trigger: trigger)
    }

    /// The first of several candidate decisions that fires, else the first reason (or `none`
    /// when there was no candidate).
    static func first(_ decisions: some Sequence<TriggerDecision>, none: String) -> TriggerDecision {
        var firstReason: String?
        for decision in decisions {
            if decision.fires { return decision }
            if firstReason == nil { firstReason = decision.reason }
        }
        return .ignore(reason: firstReason ?? none)
    }
}
