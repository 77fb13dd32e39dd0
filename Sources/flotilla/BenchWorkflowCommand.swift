import ArgumentParser
import FlotillaBench
import Foundation

/// `flotilla bench workflow`: how long the workflow planner takes on a wide DAG, and what running
/// the DAG as a workflow costs over submitting the same tasks by hand (the FlotillaBench
/// library's `WorkflowPlanBench` and `WorkflowRunBench`).
struct BenchWorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Measure workflow planning on a wide DAG and a workflow run's overhead over the same tasks by hand.",
        discussion: "Planning: parses two DAGs of --steps steps (1 root → parallel steps → 1 sink; 10 layers each needing the whole layer before) and times the first plan and every re-plan of a run, one task ending at a time. Overhead: starts its own hub in this process on a fresh data directory, connects --agents WebSocket agents that complete each task at once, and runs each DAG --repeats times by hand (one batch with depends_on) and as a workflow run, alternately. Build with -c release for meaningful figures."
    )

    @Option(help: "Steps in each DAG.") var steps = 1_000
    @Option(help: "WebSocket agents running the tasks.") var agents = 4
    @Option(help: "Concurrency of each agent (tasks held at once).") var concurrency = 256
    @Option(help: "Runs of each DAG by hand and as a workflow.") var repeats = 3
    @Flag(name: .customLong("plan-only"), help: "Only time the planner (no hub).") var planOnly = false
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard (20...5_000).contains(steps) else { throw ValidationError("--steps must be between 20 and 5000 (a workflow has at most 5000 steps).") }
        guard agents >= 1, concurrency >= 1, repeats >= 1 else { throw ValidationError("--agents, --concurrency and --repeats must be at least 1.") }
    }

    func run() async throws {
        let plans = try WorkflowPlanBench(steps: steps).run()
        var runs: [WorkflowRunBench.Figures]?
        var hub = "no hub"
        if !planOnly {
            (runs, hub) = try await WorkflowRunBench(steps: steps, agents: agents, concurrency: concurrency, repeats: repeats).runEmbedded()
        }
        let report = WorkflowBenchReport(plans: plans, runs: runs)
        if json {
            print(report.json.jsonString)
        } else {
            print("flotilla bench workflow — DAGs of \(steps) steps; \(agents) agents × concurrency \(concurrency); \(hub)")
            print(report.text)
        }
    }
}
