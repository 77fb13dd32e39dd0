import FlotillaCore
import Foundation
import Testing

/// `flotilla bench workflow` end to end: the real binary plans both DAGs through a whole run, then
/// runs them by hand and as workflow runs on its embedded hub with its own agents.
@Suite struct BenchWorkflowCommandTests {
    static func bench(_ arguments: [String]) async throws -> (status: Int32, report: JSONValue?) {
        let (status, data) = try await ChildOutput.run(HubProcess.binary, ["bench", "workflow", "--json"] + arguments, timeout: 180)
        return (status, try? JSONValue.parse(data))
    }

    /// Small, so it proves the pieces fit rather than measuring: each DAG's run is planned to its
    /// end, one re-plan per task, and every run by hand and as a workflow completes.
    @Test func aSmallRunPlansBothDAGsAndRunsThemByHandAndAsWorkflows() async throws {
        let (status, report) = try await Self.bench(["--steps", "60", "--agents", "2", "--concurrency", "16", "--repeats", "2"])
        #expect(status == 0)
        let plans = report?["planning"]?.arrayValue ?? []
        #expect(plans.compactMap { $0["shape"]?.stringValue } == ["wide", "layers"])
        for plan in plans {
            #expect(plan["steps"] == 60)
            #expect(plan["replans"] == 60, "one re-plan per task ended: \(plan)")
            #expect(plan["outcome"] == "succeeded")
            #expect((plan["first_plan_ms"]?.doubleValue ?? 0) > 0)
        }
        let runs = report?["overhead"]?.arrayValue ?? []
        #expect(runs.count == 2)
        for run in runs {
            #expect(run["by_hand_ms"]?.arrayValue?.count == 2)
            #expect(run["workflow_ms"]?.arrayValue?.count == 2)
            #expect((run["workflow_p50_ms"]?.doubleValue ?? 0) > 0)
            #expect(run["overhead_percent"]?.doubleValue != nil)
            #expect((run["workflow_cpu_p50_ms"]?.doubleValue ?? 0) > 0 && (run["by_hand_cpu_p50_ms"]?.doubleValue ?? 0) > 0)
        }
    }

    @Test func refusesAStepCountOutOfRange() async throws {
        let (status, report) = try await Self.bench(["--steps", "6000", "--plan-only"])
        #expect(status != 0)
        #expect(report == nil)
    }
}
