import FlotillaCore
import Foundation
import Testing

/// `flotilla bench workflow` end to end: the real binary plans both DAGs through a whole run, then
/// runs them by hand and as workflow runs on its embedded hub with its own agents.
@Suite struct BenchWorkflowCommandTests {
    static func bench(_ arguments: [String]) throws -> (status: Int32, report: JSONValue?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HubProcess.binary)
        process.arguments = ["bench", "workflow", "--json"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A hung benchmark must fail the test, not the suite's time budget.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 180, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, try? JSONValue.parse(data))
    }

    /// Small, so it proves the pieces fit rather than measuring: each DAG's run is planned to its
    /// end, one re-plan per task, and every run by hand and as a workflow completes.
    @Test func aSmallRunPlansBothDAGsAndRunsThemByHandAndAsWorkflows() throws {
        let (status, report) = try Self.bench(["--steps", "60", "--agents", "2", "--concurrency", "16", "--repeats", "2"])
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
        }
    }

    @Test func refusesAStepCountOutOfRange() throws {
        let (status, report) = try Self.bench(["--steps", "6000", "--plan-only"])
        #expect(status != 0)
        #expect(report == nil)
    }
}
