import FlotillaCore

/// The pure state machine of a run: given the definition and the run's state, what to do next
/// (``RunPlan``). Deterministic: the same state gives the same plan. One call decides every step
/// that can be decided, in dependency order, as if its skips and failures were already applied.
///
/// Rules (docs/workflows.md, "How a run proceeds"):
/// - A step is decided once every step it `needs` has ended. Its condition is its `if:`; an
///   `if:` without a status function means `success() && (…)`, and no `if:` means `success()`.
///   `success()` is true when every step it comes after (transitively) succeeded, `failure()`
///   when one failed, `cancelled()` when the run was cancelled, `always()` always.
/// - An `on_failure` step is decided once every step that names it has ended: it runs if one of
///   them failed or was cancelled (a rollback), whatever its needs did, then its own `if:`.
/// - `continue_on_error`: the step's failure counts as success for later steps and for the run
///   (its `outcome` is still `failure`; its `conclusion` is `success`).
/// - The run ends when every step has: cancelled if it was cancelled, failed if a step failed
///   or was cancelled, else succeeded.
public struct RunPlanner: Sendable {
    public let definition: WorkflowDefinition
    /// Steps in an order where each comes after all it depends on.
    let order: [Int]
    /// For each step, the steps it comes after (needs, and for a handler the steps naming it).
    let before: [[Int]]
    /// For a handler, the steps naming it in `on_failure`.
    let handledBy: [[Int]]
    let needs: [[Int]]
    /// Step positions by id.
    let index: [String: Int]

    public init(_ definition: WorkflowDefinition) {
        let graph = StepGraph(definition)
        self.definition = definition
        self.order = graph.topologicalOrder()
        self.before = graph.before
        self.needs = definition.steps.map { $0.needs.compactMap { graph.index[$0] } }
        self.index = graph.index
        var handledBy = [[Int]](repeating: [], count: definition.steps.count)
        for (position, step) in definition.steps.enumerated() {
            for handler in step.onFailure { if let h = graph.index[handler] { handledBy[h].append(position) } }
        }
        self.handledBy = handledBy
    }

    /// The next actions for `state`.
    public func plan(_ state: WorkflowRunState) -> RunPlan {
        var plan = RunPlan()
        var records = definition.steps.map { state.record($0.id) }
        if state.cancelRequested {
            for (position, record) in records.enumerated() {
                guard case .started(let instances) = record else { continue }
                let matrix = definition.steps[position].matrix != nil
                for (index, instance) in instances.enumerated() where instance.status == .running {
                    plan.cancels.append(InstanceID(step: definition.steps[position].id, matrixIndex: matrix ? index : nil))
                }
            }
        }
        var decided: [Int: Decision] = [:]
        var memo = StatusMemo(count: records.count)
        for position in order where records[position] == .pending {
            guard let decision = decide(position, records: records, state: state, memo: &memo) else { continue }
            decided[position] = decision
            switch decision {
            case .skip(let reason): records[position] = .skipped(reason)
            case .fail(let error): records[position] = .failedToStart(error)
            case .start(let starts): records[position] = .started(starts.map { _ in InstanceState(.running) })
            }
        }
        // Listed in file order, as people read the workflow.
        for position in definition.steps.indices {
            switch decided[position] {
            case .skip(let reason): plan.skips.append(StepSkip(step: definition.steps[position].id, reason: reason))
            case .fail(let error): plan.failures.append(StepFailure(step: definition.steps[position].id, error: error))
            case .start(let starts): plan.starts.append(contentsOf: starts)
            case nil: break
            }
        }
        plan.outcome = outcome(records, cancelled: state.cancelRequested)
        return plan
    }

    enum Decision {
        case skip(SkipReason)
        case fail(WorkflowError)
        case start([StepStart])
    }

    /// The run's outcome once every step has ended, else nil.
    func outcome(_ records: [StepRecord], cancelled: Bool) -> RunOutcome? {
        guard records.allSatisfy(\.isFinished) else { return nil }
        if cancelled { return .cancelled }
        for (position, record) in records.enumerated() where conclusion(position, record) == .failure || record.outcome == .cancelled {
            return .failed
        }
        return .succeeded
    }

    /// The outcome after `continue_on_error`.
    func conclusion(_ position: Int, _ record: StepRecord) -> StepOutcome? {
        let outcome = record.outcome
        if outcome == .failure, definition.steps[position].continueOnError { return .success }
        return outcome
    }

    /// Decides a pending step whose predecessors have all ended; nil while one has not.
    private func decide(_ position: Int, records: [StepRecord], state: WorkflowRunState, memo: inout StatusMemo) -> Decision? {
        let step = definition.steps[position]
        guard before[position].allSatisfy({ records[$0].isFinished }) else { return nil }
        let status = ExpressionContext.Status(
            success: memo.allSucceeded(before[position], planner: self, records: records) && !state.cancelRequested,
            failure: memo.anyFailed(before[position], planner: self, records: records),
            cancelled: state.cancelRequested
        )
        let isHandler = !handledBy[position].isEmpty
        if isHandler {
            let failed = handledBy[position].contains { [.failure, .cancelled].contains(records[$0].outcome) }
            guard failed else { return .skip(.nothingFailed) }
        } else if step.condition?.callsStatusFunction != true, !status.success {
            if state.cancelRequested { return .skip(.runCancelled) }
            return .skip(.needNotSucceeded(step: firstUnsuccessful(position, records: records), outcome: unsuccessfulOutcome(position, records: records)))
        }
        let context = expressionContext(for: step, records: records, state: state, status: status, matrix: nil)
        if let condition = step.condition {
            do {
                guard try condition.isTrue(in: context) else { return .skip(.conditionFalse(String(condition.source.trimmingWhitespace()))) }
            } catch {
                return .fail(WorkflowError(error.code, "step '\(step.id)': its condition failed: \(error.description)", at: step.location))
            }
        }
        do {
            return .start(try starts(for: step, context: context, runID: state.runID))
        } catch {
            return .fail(error)
        }
    }

    /// The step (a direct need first, else any earlier one) that did not succeed.
    private func firstUnsuccessful(_ position: Int, records: [StepRecord]) -> String {
        let candidates = needs[position] + before[position]
        if let direct = candidates.first(where: { conclusion($0, records[$0]) != .success }) { return definition.steps[direct].id }
        var seen = Set<Int>()
        var queue = before[position]
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            if conclusion(next, records[next]) != .success { return definition.steps[next].id }
            queue.append(contentsOf: before[next])
        }
        return definition.steps[position].id
    }

    private func unsuccessfulOutcome(_ position: Int, records: [StepRecord]) -> StepOutcome {
        let id = firstUnsuccessful(position, records: records)
        guard let position = index[id] else { return .skipped }
        return conclusion(position, records[position]) ?? .skipped
    }
}

/// `success()` and `failure()` over a step's predecessors, transitively, memoised per plan.
struct StatusMemo {
    private var succeeded: [Bool?]
    private var failed: [Bool?]

    init(count: Int) {
        succeeded = Array(repeating: nil, count: count)
        failed = Array(repeating: nil, count: count)
    }

    mutating func allSucceeded(_ steps: [Int], planner: RunPlanner, records: [StepRecord]) -> Bool {
        steps.allSatisfy { succeededThrough($0, planner: planner, records: records) }
    }

    mutating func anyFailed(_ steps: [Int], planner: RunPlanner, records: [StepRecord]) -> Bool {
        steps.contains { failedThrough($0, planner: planner, records: records) }
    }

    /// The step and everything before it succeeded. Steps are visited in dependency order,
    /// so a predecessor's answer is already known and this does not recurse deeply.
    private mutating func succeededThrough(_ step: Int, planner: RunPlanner, records: [StepRecord]) -> Bool {
        if let known = succeeded[step] { return known }
        let value = planner.conclusion(step, records[step]) == .success && allSucceeded(planner.before[step], planner: planner, records: records)
        succeeded[step] = value
        return value
    }

    private mutating func failedThrough(_ step: Int, planner: RunPlanner, records: [StepRecord]) -> Bool {
        if let known = failed[step] { return known }
        let value = planner.conclusion(step, records[step]) == .failure || anyFailed(planner.before[step], planner: planner, records: records)
        failed[step] = value
        return value
    }
}
