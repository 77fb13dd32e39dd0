import FlotillaCore
import FlotillaWorkflows
import Foundation

/// `flotilla bench workflow`'s figures, as text or JSON (seconds inside, milliseconds shown).
public struct WorkflowBenchReport: Sendable {
    public var plans: [WorkflowPlanBench.Figures]
    /// Nil when the runs were not measured (`--plan-only`).
    public var runs: [WorkflowRunBench.Figures]?

    public init(plans: [WorkflowPlanBench.Figures], runs: [WorkflowRunBench.Figures]?) {
        self.plans = plans
        self.runs = runs
    }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        DashboardBenchReport.percentile(values, q)
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    static func describe(_ shape: WorkflowDAG) -> String {
        switch shape {
        case .wide: "wide (1 root → parallel steps → 1 sink)"
        case .layers: "layers (10 layers, each step needs the whole layer before)"
        }
    }

    /// The overhead of the workflow run over the same tasks by hand, in percent of the medians.
    static func overhead(_ figures: WorkflowRunBench.Figures) -> Double {
        overhead(hand: figures.handSeconds, workflow: figures.workflowSeconds)
    }

    static func overhead(hand: [Double], workflow: [Double]) -> Double {
        let hand = percentile(hand, 0.5), workflow = percentile(workflow, 0.5)
        return (workflow - hand) / hand * 100
    }

    public var text: String {
        var lines = ["planning (the planner alone; goal ≤ 100 ms a plan):"]
        for plan in plans {
            lines.append("  \(Self.describe(plan.shape)), \(plan.steps) steps: parse \(Self.ms(plan.parseSeconds)), first plan \(Self.ms(plan.firstPlanSeconds)), "
                + "re-plan after one task ended p50 \(Self.ms(Self.percentile(plan.replanSeconds, 0.5))), p99 \(Self.ms(Self.percentile(plan.replanSeconds, 0.99))), "
                + "slowest \(Self.ms(plan.slowestPlan.seconds)) (starting \(plan.slowestPlan.starts) tasks); \(plan.replanSeconds.count) re-plans, run \(plan.outcome?.rawValue ?? "not ended")")
        }
        if let runs {
            lines.append("overhead (the same tasks by the benchmark's agents; median wall time; goal ≤ 10 %):")
            for run in runs {
                lines.append("  \(Self.describe(run.shape)): by hand with depends_on \(Self.ms(Self.percentile(run.handSeconds, 0.5))), "
                    + "as a workflow run \(Self.ms(Self.percentile(run.workflowSeconds, 0.5))), overhead \(String(format: "%.1f", Self.overhead(run))) % (n=\(run.handSeconds.count) each); "
                    + "CPU \(Self.ms(Self.percentile(run.handCPU, 0.5))) by hand, \(Self.ms(Self.percentile(run.workflowCPU, 0.5))) as a workflow, "
                    + "\(String(format: "%+.1f", Self.overhead(hand: run.handCPU, workflow: run.workflowCPU))) %")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "planning": .array(plans.map { plan in
                [
                    "shape": .string(plan.shape.rawValue), "steps": .int(Int64(plan.steps)),
                    "parse_ms": .double(plan.parseSeconds * 1000), "first_plan_ms": .double(plan.firstPlanSeconds * 1000),
                    "replan_p50_ms": .double(Self.percentile(plan.replanSeconds, 0.5) * 1000),
                    "replan_p99_ms": .double(Self.percentile(plan.replanSeconds, 0.99) * 1000),
                    "slowest_plan_ms": .double(plan.slowestPlan.seconds * 1000), "slowest_plan_starts": .int(Int64(plan.slowestPlan.starts)),
                    "replans": .int(Int64(plan.replanSeconds.count)), "outcome": plan.outcome.map { .string($0.rawValue) } ?? .null,
                ]
            }),
        ]
        if let runs {
            object["overhead"] = .array(runs.map { run in
                [
                    "shape": .string(run.shape.rawValue),
                    "by_hand_ms": .array(run.handSeconds.map { .double($0 * 1000) }),
                    "workflow_ms": .array(run.workflowSeconds.map { .double($0 * 1000) }),
                    "by_hand_p50_ms": .double(Self.percentile(run.handSeconds, 0.5) * 1000),
                    "workflow_p50_ms": .double(Self.percentile(run.workflowSeconds, 0.5) * 1000),
                    "overhead_percent": .double(Self.overhead(run)),
                    "by_hand_cpu_p50_ms": .double(Self.percentile(run.handCPU, 0.5) * 1000),
                    "workflow_cpu_p50_ms": .double(Self.percentile(run.workflowCPU, 0.5) * 1000),
                    "cpu_overhead_percent": .double(Self.overhead(hand: run.handCPU, workflow: run.workflowCPU)),
                ]
            })
        }
        return .object(object)
    }
}
