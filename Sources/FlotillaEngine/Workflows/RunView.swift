import FlotillaCore
import FlotillaWorkflows

/// A run as the API shows it (``WorkflowRunInfo``), from its row, its state and its book.
enum RunView {
    /// The run without steps: its progress is counted from the state alone.
    static func summary(row: WorkflowRunRow, stored: StoredRunState) -> WorkflowRunInfo {
        var progress = WorkflowRunProgress()
        var counted = 0
        for record in stored.run.steps.values {
            progress.count(record.status)
            counted += 1
        }
        for _ in counted..<max(counted, stored.book.stepCount) { progress.count("pending") }
        return info(row: row, stored: stored, progress: progress, steps: nil)
    }

    /// The run with every step in file order. `live` finds a running task (id and state) by its
    /// idempotency key in the scheduler's memory.
    static func detail(row: WorkflowRunRow, stored: StoredRunState, definition: WorkflowDefinition, live: (String) -> (id: String, state: String)?) -> WorkflowRunInfo {
        var progress = WorkflowRunProgress()
        var steps: [WorkflowStepInfo] = []
        steps.reserveCapacity(definition.steps.count)
        for step in definition.steps {
            let record = stored.run.record(step.id)
            let book = stored.book.steps[step.id]
            progress.count(record.status)
            let outcome = record.outcome
            let conclusion: StepOutcome? = outcome == .failure && step.continueOnError ? .success : outcome
            var skipReason: String?
            var error: JSONValue?
            var tasks: [WorkflowTaskInfo] = []
            switch record {
            case .pending: break
            case .skipped(let reason): skipReason = reason.description
            case .failedToStart(let failure):
                error = ["code": .string(failure.code.rawValue), "message": .string(failure.message), "field": failure.field.map { .string($0) } ?? .null]
            case .started(let instances):
                let matrix = step.matrix != nil
                for (index, instance) in instances.enumerated() {
                    let booked = book?.tasks.indices.contains(index) == true ? book!.tasks[index] : nil
                    let key = InstanceID(step: step.id, matrixIndex: matrix ? index : nil).key(run: row.id)
                    let found = booked?.taskID == nil || booked?.taskState == nil ? live(key) : nil
                    guard let id = booked?.taskID ?? found?.id else { continue }
                    let state = booked?.taskState ?? found?.state ?? instance.status.rawValue
                    tasks.append(WorkflowTaskInfo(
                        id: id, matrixIndex: matrix ? index : nil, matrix: booked?.matrix, state: state,
                        result: instance.result, error: instance.error
                    ))
                    if error == nil, instance.status == .failed || instance.status == .cancelled { error = instance.error }
                }
            }
            steps.append(WorkflowStepInfo(
                id: step.id, status: record.status, outcome: outcome?.rawValue, conclusion: conclusion?.rawValue,
                needs: step.needs, onFailure: step.onFailure, condition: step.condition?.source, skipReason: skipReason,
                error: error, startedAt: book?.startedAt, endedAt: book?.endedAt, tasks: tasks
            ))
        }
        return info(row: row, stored: stored, progress: progress, steps: steps)
    }

    private static func info(row: WorkflowRunRow, stored: StoredRunState, progress: WorkflowRunProgress, steps: [WorkflowStepInfo]?) -> WorkflowRunInfo {
        WorkflowRunInfo(
            id: row.id, workflow: row.workflow, file: row.file, status: WorkflowRunStatus(rawValue: row.status) ?? .running,
            inputs: stored.run.inputs, trigger: stored.run.trigger, rerunOf: row.rerunOf, cancelReason: row.cancelReason,
            createdAt: row.createdAt, updatedAt: row.updatedAt, endedAt: row.endedAt, progress: progress, steps: steps
        )
    }
}
