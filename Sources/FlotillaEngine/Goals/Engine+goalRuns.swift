public import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Synchronization

extension Engine {
    /// Starts the workflow run of a goal's accepted plan (a `.plan.json` source, read by
    /// GoalPlanRun), once per `triggerKey`: a second call with the key, after a restart that
    /// came between the run's start and the goal's move, answers with the run the first made.
    public func startGoalRun(source: String, file: String, trigger: JSONValue, triggerKey: String) async throws -> (run: WorkflowRunInfo, created: Bool) {
        let prepared = try workflowRuntime.definitions.prepared(source: source, file: file)
        let inputs = try prepared.definition.resolveInputs([:])
        while !workflowRuntime.startingKeys.withLock({ $0.insert(triggerKey).inserted }) {
            try await _Concurrency.Task.sleep(for: .milliseconds(5))
        }
        defer { _ = workflowRuntime.startingKeys.withLock { $0.remove(triggerKey) } }
        if let existing = try await store.workflowRun(triggerKey: triggerKey) {
            return (try await workflowRun(id: existing.id, detail: .minimal), false)
        }
        return (try await createRun(prepared, source: source, inputs: inputs, trigger: trigger, triggerKey: triggerKey, rerunOf: nil, detail: .minimal), true)
    }
}
