import FlotillaCore
import FlotillaStore
import Logging
import ServiceLifecycle
import Synchronization

/// Drives workflow runs: at start, reconciles the runs in progress with their tasks (a task
/// may have ended while the hub was down, or before its end was recorded), then runs a round
/// whenever news arrives. Bursts coalesce: the loop drains the whole inbox per round.
struct WorkflowService: Service {
    let engine: Engine
    static let gather = Duration.milliseconds(2)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await engine.reconcileWorkflowRuns()
            for await _ in engine.workflowRuntime.wake.stream {
                // A moment for the rest of a burst of task ends to arrive: one round records
                // them all (a round saves the whole run, whatever it records).
                try await _Concurrency.Task.sleep(for: WorkflowService.gather)
                if await engine.runWorkflowRound() { continue }
                // A commit failed: the store recovers first (Engine+recovery.swift).
                try await _Concurrency.Task.sleep(for: .milliseconds(250))
                engine.workflowRuntime.wake.continuation.yield()
            }
        }
    }
}
