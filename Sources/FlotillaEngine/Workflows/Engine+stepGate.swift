public import FlotillaCore
import Synchronization

/// The step gate: a holder (the goals' merge queue) sees a workflow step's task end before the
/// run does and may keep it back, then hand it over later, possibly changed (a result with
/// `merged_commit`, or failed with a reason). Held ends live only in the holder's memory: at a
/// restart, recovery finds the step still running, its task ended, and asks the gate again.
extension Engine {
    /// Installs the gate: `gate` is asked for every step's task end (as it happens, and those
    /// found at recovery); `true` holds it (the run does not see it until
    /// ``releaseStepEnd(_:)``). Called on the delivery path: it must be quick and not block.
    /// Install it before the hub's services run, so recovery asks it too.
    public func holdStepEnds(_ gate: @escaping @Sendable (TaskRecord) -> Bool) {
        workflowRuntime.stepGate.withLock { $0 = gate }
    }

    /// Hands a held end to its run, as `task` says (its state, result and error): a succeeded
    /// step's result given here is kept in the run's state, so `steps.<id>.result` reads it
    /// after a restart too. A task that is not a workflow step's is ignored; so is one whose
    /// step already ended.
    public func releaseStepEnd(_ task: TaskRecord) {
        guard var end = InstanceEnd(task) else { return }
        end.released = true
        workflowRuntime.inbox.withLock { $0.ends[end.runID, default: []].append(end) }
        workflowRuntime.wake.continuation.yield()
    }
}

extension WorkflowRuntime {
    /// Whether the gate holds this step end.
    func holds(_ task: TaskRecord) -> Bool {
        guard let gate = stepGate.withLock({ $0 }) else { return false }
        return gate(task)
    }
}
