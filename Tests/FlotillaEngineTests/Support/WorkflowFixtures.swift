import FlotillaCore
import FlotillaEngine
import Foundation
import Synchronization

/// Workflow events as a test collects them: subscribed before the run starts.
final class WorkflowEventLog: Sendable {
    private let events = Mutex<[EventRecord]>([])
    private let stream: AsyncStream<EventRecord>

    init(engine: Engine) {
        stream = engine.events.subscribe(where: { $0.type.hasPrefix("workflow.") || $0.type.hasPrefix("step.") })
    }

    /// Reads events until `runID`'s run ended (a `workflow.succeeded|failed|cancelled` of it).
    func untilEnd(of runID: String, within seconds: Double = 20) async throws -> [EventRecord] {
        let ended: Set<String> = ["workflow.succeeded", "workflow.failed", "workflow.cancelled"]
        return try await withThrowingTaskGroup(of: [EventRecord]?.self) { group in
            group.addTask {
                var out: [EventRecord] = []
                for await event in self.stream where event.data["run_id"]?.stringValue == runID {
                    out.append(event)
                    if ended.contains(event.type) { return out }
                }
                return nil
            }
            group.addTask {
                try await _Concurrency.Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let events = try await group.next() ?? nil else { throw TestFailure("run \(runID) did not end within \(seconds) s") }
            return events
        }
    }
}

extension WorkflowRunInfo {
    func step(_ id: String) throws -> WorkflowStepInfo {
        guard let step = steps?.first(where: { $0.id == id }) else { throw TestFailure("run \(self.id) has no step '\(id)'") }
        return step
    }
}

extension Engine {
    /// Waits for the run to end (failing the test after `seconds`).
    func finished(_ runID: String, within seconds: Double = 20) async throws -> WorkflowRunInfo {
        let run = try await waitRun(id: runID, timeout: seconds)
        guard run.status.isFinal else { throw TestFailure("run \(runID) still \(run.status.rawValue) after \(seconds) s: \(run.json.jsonString)") }
        return run
    }
}
