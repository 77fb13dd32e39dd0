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
            await sendFrames(output, for: assignment, offset: &offset)
            if output.isClosed {
                guard isConnected, !output.isEmpty else { break }
                continue
            }
            // Output that arrives meanwhile gathers into the next frame.
            try? await _Concurrency.Task.sleep(for: output.limits.interval)
        }
        await sendFrames(output, for: assignment, offset: &offset)
    }

    private func sendFrames(_ output: AttemptOutput, for assignment: Assignment, offset: inout Int) async {
        while isConnected, let text = output.take() {
            // Redacted before the offset counts it: offsets are of what the hub receives.
            let redacted = SecretRedactor.redact(text)
            let frame = OutputFrame(taskID: assignment.taskID, attempt: assignment.attempt, offset: offset, text: redacted)
            offset += redacted.utf8.count
            await send(.output, payload: frame.payload, redacted: true)
        }
    }
}
