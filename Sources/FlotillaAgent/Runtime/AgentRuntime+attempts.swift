import Synchronization
import FlotillaCore
import Logging

extension AgentRuntime {
    /// Runs one attempt: `accept`, throttled `progress` while it works, then its final report.
    func runAttempt(_ assignment: Assignment) async {
        guard let stop = state.withLock({ $0.running[assignment.key] }) else { return }
        let token: [String: JSONValue] = ["task_id": .string(assignment.taskID), "attempt": .int(Int64(assignment.attempt))]
        logger.info("running \(assignment.key) (\(assignment.type))")
        await send(.accept, payload: .object(token))
        // The executor's output streams to the hub beside the attempt, and is all sent before
        // the final report, so readers of the output see its end before the task's.
        let output = makeOutput()
        async let streamed: Void = streamOutput(output, for: assignment)
        let (updates, sink) = AsyncStream.makeStream(of: (percent: Double?, message: String).self, bufferingPolicy: .bufferingNewest(1))
        let report = await withTaskGroup(of: AttemptReport.Kind?.self) { group in
            group.addTask {
                for await update in updates {
                    var payload = token
                    payload["message"] = .string(String(update.message.prefix(500)))
                    if let percent = update.percent { payload["percent"] = .double(min(max(percent, 0), 100)) }
                    await self.send(.progress, payload: .object(payload))
                    try? await Task.sleep(for: self.configuration.progressInterval)
                }
                return nil
            }
            let report = await runner.run(assignment, stop: stop, output: output) { percent, message in
                sink.yield((percent, message))
            }
            output?.close()
            // The newest update still buffered is sent at once; no waiting out the interval.
            sink.finish()
            group.cancelAll()
            await group.waitForAll()
            return report
        }
        output?.close()
        await streamed
        if let report {
            var payload = token
            let type: MessageType
            switch report {
            case .complete(let result):
                type = .complete
                payload["result"] = result
            case .fail(let error, let retryable, let result):
                type = .fail
                payload["error"] = .string(error)
                payload["retryable"] = .bool(retryable)
                if let result { payload["result"] = result }
            case .release(let reason):
                type = .release
                payload["reason"] = reason.map(JSONValue.string) ?? .null
            case .accept, .progress:
                type = .progress
            }
            await send(type, payload: .object(payload), final: true)
            logger.info("\(assignment.key) → \(type.rawValue)")
        }
        state.withLock { state in
            state.running[assignment.key] = nil
            if case .complete = report { state.completed += 1 }
            if case .fail = report { state.failed += 1 }
        }
    }
}
