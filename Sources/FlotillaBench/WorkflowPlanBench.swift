import FlotillaCore
import FlotillaWorkflows

/// Part one of `flotilla bench workflow`: the planner alone (pure, no hub). For each wide DAG it
/// times parsing the file, the first plan, and every re-plan of a whole run driven the way the
/// runtime drives it: one task ends, the run is planned again, until it ends.
public struct WorkflowPlanBench: Sendable {
    public var steps: Int

    public init(steps: Int) {
        self.steps = steps
    }

    public struct Figures: Sendable {
        public var shape: WorkflowDAG
        public var steps: Int
        public var parseSeconds: Double
        public var firstPlanSeconds: Double
        /// Seconds of each re-plan after one task ended, in run order.
        public var replanSeconds: [Double]
        /// The slowest plan's seconds and how many tasks it started (a layer's fan-out).
        public var slowestPlan: (seconds: Double, starts: Int)
        public var outcome: RunOutcome?
    }

    public func run() throws -> [Figures] {
        try WorkflowDAG.allCases.map(measure)
    }

    func measure(_ shape: WorkflowDAG) throws -> Figures {
        let text = shape.yaml(steps)
        let clock = ContinuousClock()
        var definition: WorkflowDefinition?
        let parse = try clock.measure { definition = try WorkflowParser.parse(yaml: text, file: "bench-\(shape.rawValue).yaml") }
        let planner = RunPlanner(definition!)
        var state = WorkflowRunState(runID: "bench", inputs: try definition!.resolveInputs([:]), trigger: ["kind": "manual"])

        var plan = RunPlan()
        let first = clock.measure { plan = planner.plan(state) }
        state = state.applying(plan)
        var slowest = (seconds: first.seconds, starts: plan.starts.count)
        var running = plan.starts.map(\.instance.step)
        var replans: [Double] = []
        while plan.outcome == nil, !running.isEmpty {
            let step = running.removeFirst()
            state.steps[step] = .started([InstanceState(.succeeded, result: ["summary": "ok"])])
            let took = clock.measure { plan = planner.plan(state) }
            state = state.applying(plan)
            running += plan.starts.map(\.instance.step)
            replans.append(took.seconds)
            if took.seconds > slowest.seconds { slowest = (took.seconds, plan.starts.count) }
        }
        return Figures(shape: shape, steps: definition!.steps.count, parseSeconds: parse.seconds, firstPlanSeconds: first.seconds,
                       replanSeconds: replans, slowestPlan: slowest, outcome: plan.outcome)
    }
}
