import FlotillaCore
import FlotillaWorkflows

extension LiveRun {
    /// Records a task's end in its instance; false when it changes nothing (an instance already
    /// ended, a task retried by hand after its step ended, a step the run does not have).
    mutating func record(_ end: InstanceEnd, now: Double) -> Bool {
        guard case .started(var instances) = state.record(end.instance.step) else { return false }
        let index = end.instance.matrixIndex ?? 0
        guard instances.indices.contains(index), instances[index].status == .running else { return false }
        instances[index] = end.state
        state.steps[end.instance.step] = .started(instances)
        var step = book.steps[end.instance.step] ?? RunBook.Step()
        while step.tasks.count <= index { step.tasks.append(RunBook.Instance()) }
        step.tasks[index].taskID = end.task.id
        step.tasks[index].taskState = end.task.state.rawValue
        if end.released { step.tasks[index].resultInState = true }
        if state.record(end.instance.step).isFinished { step.endedAt = now }
        book.steps[end.instance.step] = step
        changedSteps.insert(end.instance.step)
        return true
    }

    /// `run_id`, `workflow` and `step`, plus `extra`.
    func event(_ kind: EventKind, step: String, taskID: String? = nil, extra: [String: JSONValue] = [:]) -> WorkflowEvent {
        var data = extra
        data["run_id"] = .string(row.id)
        data["workflow"] = .string(row.workflow)
        data["step"] = .string(step)
        return WorkflowEvent(kind, taskID: taskID, data: data)
    }

    /// `step.succeeded`, `step.failed` or `step.cancelled` for a step that ended.
    func stepEndEvent(_ step: WorkflowStep) -> WorkflowEvent {
        let record = state.record(step.id)
        let outcome = record.outcome ?? .failure
        let conclusion: StepOutcome = outcome == .failure && step.continueOnError ? .success : outcome
        let kind: EventKind = switch outcome {
        case .success: .stepSucceeded
        case .cancelled: .stepCancelled
        case .failure, .skipped: .stepFailed
        }
        let ids = (book.steps[step.id]?.tasks ?? []).compactMap(\.taskID)
        return event(kind, step: step.id, taskID: ids.count == 1 ? ids[0] : nil, extra: [
            "task_ids": .array(ids.map { .string($0) }), "outcome": .string(outcome.rawValue), "conclusion": .string(conclusion.rawValue),
        ])
    }

    /// `workflow.started`: `run_id`, `workflow`, `trigger_kind`, `status`.
    var startEvent: WorkflowEvent {
        WorkflowEvent(.workflowStarted, data: runData(status: .running))
    }

    /// `workflow.succeeded|failed|cancelled`, with `failed_steps` or `reason`.
    func endEvent(_ outcome: RunOutcome) -> WorkflowEvent {
        switch outcome {
        case .succeeded:
            return WorkflowEvent(.workflowSucceeded, data: runData(status: .succeeded))
        case .failed:
            var data = runData(status: .failed)
            let failed = definition.steps.filter { step in
                let outcome = state.record(step.id).outcome
                return outcome == .cancelled || (outcome == .failure && !step.continueOnError)
            }
            data["failed_steps"] = .array(failed.map { .string($0.id) })
            return WorkflowEvent(.workflowFailed, data: data)
        case .cancelled:
            var data = runData(status: .cancelled)
            data["reason"] = .string(row.cancelReason ?? "cancelled")
            return WorkflowEvent(.workflowCancelled, data: data)
        }
    }

    private func runData(status: WorkflowRunStatus) -> [String: JSONValue] {
        ["run_id": .string(row.id), "workflow": .string(row.workflow), "trigger_kind": .string(row.triggerKind), "status": .string(status.rawValue)]
    }
}
