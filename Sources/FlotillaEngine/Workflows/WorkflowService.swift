import FlotillaCore
import FlotillaStore
import Logging
import ServiceLifecycle
import Synchronization

/// Drives workflow runs: at start, reconciles the runs in progress with their tasks (a task
/// may have ended while the hub was down, or before its end was recorded), then runs a round
/// whenever news arrives. Bursts coalesce: task ends that arrive while a round commits wait in
/// the inbox, and the next round takes them all.
struct WorkflowService: Service {
    let engine: Engine

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await engine.reconcileWorkflowRuns()
            for await _ in engine.workflowRuntime.wake.stream {
                if await engine.runWorkflowRound() { continue }
                // A commit failed: the store recovers first (Engine+recovery.swift).
                try await _Concurrency.Task.sleep(for: .milliseconds(250))
                engine.workflowRuntime.wake.continuation.yield()
            }
        }
    }
}
