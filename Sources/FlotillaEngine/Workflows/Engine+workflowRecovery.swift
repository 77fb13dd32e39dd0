import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Logging
import Synchronization

extension Engine {
    /// For every run in progress, each instance recorded as running is looked up by its task's
    /// idempotency key: in flight, it carries on; ended (while the hub was down, or before its
    /// end was recorded), its end goes to the inbox like any other. Then every run is planned:
    /// re-planning submits the same keys, so no step runs twice.
    func reconcileWorkflowRuns() async {
        let live = workflowRuntime.runs.withLock { Array($0.values) }
        var ends: [InstanceEnd] = []
        for run in live {
            for step in run.definition.steps {
                guard case .started(let instances) = run.state.record(step.id) else { continue }
                for (index, instance) in instances.enumerated() where instance.status == .running {
                    let id = InstanceID(step: step.id, matrixIndex: step.matrix == nil ? nil : index)
                    let key = id.key(run: run.row.id)
                    let inFlight = inspect { scheduler -> Bool in
                        guard let taskID = scheduler.taskID(forIdempotencyKey: key) else { return false }
                        return scheduler.task(taskID) != nil
                    }
                    if inFlight { continue }
                    do {
                        let stored = try await store.task(idempotencyKey: key)
                        if let task = stored, task.state.isFinal, let end = InstanceEnd(task) {
                            // A held end is asked again: its holder re-derives what to do with it.
                            if !workflowRuntime.holds(task) { ends.append(end) }
                        } else if stored == nil {
                            // Gone (retention pruned it): its result is lost, so the step fails.
                            var task = TaskRecord(id: "-", spec: TaskSpec(type: "workflow.missing"), state: .dead, now: Timestamp.now())
                            task.spec.idempotencyKey = key
                            task.error = "the step's task (\(key)) is no longer in the store"
                            if let end = InstanceEnd(task) { ends.append(end) }
                        }
                    } catch {
                        logger.error("workflow run \(run.row.id): cannot look up \(key): \(error)")
                    }
                }
            }
        }
        workflowRuntime.inbox.withLock { inbox in
            for end in ends { inbox.ends[end.runID, default: []].append(end) }
            inbox.dirty.formUnion(live.map(\.row.id))
        }
        workflowRuntime.wake.continuation.yield()
    }
}
