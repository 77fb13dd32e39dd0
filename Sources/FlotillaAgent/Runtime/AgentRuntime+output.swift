import FlotillaCore

extension AgentRuntime {
    /// The buffer an attempt's executor streams into, or nil when output is not streamed.
    func makeOutput() -> AttemptOutput? {
        configuration.output.bytesPerSecond > 0 ? AttemptOutput(limits: configuration.output) : nil
    }

    /// Sends `output` to the hub as `output` messages, one frame per interval at most, until it
    /// is closed and sent (or the hub cannot be reached: then what is left is dropped). Never
    /// holds the executor up: it only takes what the buffer holds.
    func streamOutput(_ output: AttemptOutput?, for assignment: Assignment) async {
        guard let output else { return }
        var offset = 0
        var arrivals = output.arrivals.makeAsyncIterator()
        while true {
            if output.isEmpty {
                guard await arrivals.next() != nil else { break }
            }
            // What follows the first bytes within one interval goes into the same frame (sooner
            // when a burst fills half the buffer).
            await output.gather(for: output.limits.interval)
            await sendFrames(output, for: assignment, offset: &offset)
            if output.isClosed, !isConnected || output.isEmpty { break }
        }
        await sendFrames(output, for: assignment, offset: &offset)
    }

    /// Sends what is pending; returns the bytes sent.
    @discardableResult
    private func sendFrames(_ output: AttemptOutput, for assignment: Assignment, offset: inout Int) async -> Int {
        let start = offset
        while isConnected, let text = output.take() {
            // Redacted before the offset counts it: offsets are of what the hub receives.
            let redacted = SecretRedactor.redact(text)
            let frame = OutputFrame(taskID: assignment.taskID, attempt: assignment.attempt, offset: offset, text: redacted)
            offset += redacted.utf8.count
            await send(.output, payload: frame.payload, redacted: true)
        }
        return offset - start
    }
}
