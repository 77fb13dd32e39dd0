import FlotillaCore
import Testing
@testable import FlotillaWorkflows

/// Drives a run through the planner as the runtime will: applies each plan, and lets a test
/// end tasks as it chooses. Pure: no hub, no store (the planner has none).
struct RunDriver {
    let planner: RunPlanner
    /// The workflow's text, to drive another run of it.
    let yaml: String
    var state: WorkflowRunState
    /// Every plan so far, in order.
    var plans: [RunPlan] = []
    /// Every task started so far (by instance), to check none starts twice.
    var started: [InstanceID] = []

    init(_ yaml: String, inputs: [String: JSONValue] = [:], trigger: JSONValue = [:], runID: String = "r1") throws {
        self.yaml = yaml
        let definition = try parse(yaml)
        planner = RunPlanner(definition)
        state = WorkflowRunState(runID: runID, inputs: try definition.resolveInputs(inputs), trigger: trigger)
    }

    /// Plans and applies the plan; returns it.
    @discardableResult
    mutating func step() -> RunPlan {
        let plan = planner.plan(state)
        plans.append(plan)
        started += plan.starts.map(\.instance)
        state = state.applying(plan)
        return plan
    }

    /// Ends the running task of `step`.
    mutating func finish(_ step: String, _ status: InstanceState.Status, result: JSONValue? = nil) {
        finish(step, 0, status, result: result)
    }

    /// Ends a running task of `step` (instance `index` of a matrix step).
    mutating func finish(_ step: String, _ index: Int, _ status: InstanceState.Status, result: JSONValue? = nil) {
        guard case .started(var instances) = state.record(step), instances.indices.contains(index) else {
            Issue.record("\(step)[\(index)] is not started: \(state.record(step))")
            return
        }
        let error: JSONValue? = status == .failed ? ["code": "boom"] : nil
        instances[index] = InstanceState(status, result: result, error: error)
        state.steps[step] = .started(instances)
    }

    /// Ends every running task with `status`, plans again; until the run ends or nothing moves.
    mutating func runToEnd(_ status: (InstanceID) -> InstanceState.Status = { _ in .succeeded }) -> RunOutcome? {
        for _ in 0..<100 {
            let plan = step()
            if let outcome = plan.outcome { return outcome }
            var running: [(String, Int)] = []
            for (id, record) in state.steps {
                if case .started(let instances) = record {
                    for (index, instance) in instances.enumerated() where instance.status == .running { running.append((id, index)) }
                }
            }
            if running.isEmpty, plan.isEmpty { return nil }
            for (id, index) in running.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                let isMatrix = planner.definition.step(id)?.matrix != nil
                finish(id, index, status(InstanceID(step: id, matrixIndex: isMatrix ? index : nil)), result: ["by": .string(id)])
            }
        }
        return nil
    }

    func status(_ step: String) -> String { state.record(step).status }

    func skipReason(_ step: String) -> SkipReason? {
        if case .skipped(let reason) = state.record(step) { return reason }
        return nil
    }
}
