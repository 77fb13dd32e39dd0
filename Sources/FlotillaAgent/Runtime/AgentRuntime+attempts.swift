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
        // Every model call's usage goes to the hub as it is spent (none is dropped: the
        // ledger and the task's budget count each one).
        // They all go out before the final report, which replaces their sum with the final cost.
        let (spent, spending) = AsyncStream.makeStream(of: UsageReport.self)
        async let usageSent: Void = sendUsage(spent)
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
            let report = await runner.run(
                assignment, stop: stop, output: output,
                approvals: approvals.asking(for: assignment.key, stop: stop),
                spending: { cost, executor in
                    spending.yield(UsageReport(taskID: assignment.taskID, attempt: assignment.attempt, delta: cost.usage, executor: executor))
                },
                usageLimit: { resets in self.pause(until: resets) },
                announce: { files in
                    // Paths the attempt changed, for the hub's file-aware dispatch: each batch
                    // goes out at once (the throttled progress above may drop all but the newest).
                    var payload = token
                    payload["files"] = .array(files.map { .string($0) })
                    await self.send(.progress, payload: .object(payload))
                },
                watchInterval: configuration.worktreeWatchInterval
            ) { percent, message in
                sink.yield((percent, message))
            }
            output?.close()
            // The newest update still buffered is sent at once; no waiting out the interval.
            sink.finish()
            spending.finish()
            group.cancelAll()
            await group.waitForAll()
            return report
        }
        output?.close()
        spending.finish()
        await usageSent
        await streamed
        // A usage limit: the hub hears of the pause before the release, so it hands nothing back.
        await announcePause()
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

    /// Sends each usage report as it comes, until the attempt is over.
    private func sendUsage(_ reports: AsyncStream<UsageReport>) async {
        for await usage in reports { await send(.usage, payload: usage.payload, redacted: true) }
    }
}
