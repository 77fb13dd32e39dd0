public import FlotillaCore

/// One attempt's output as `GET /api/tasks/{id}/output` answers it.
public struct OutputSnapshot: Sendable, Hashable {
    public var taskID: String
    /// The attempt shown; nil when the task has had none.
    public var attempt: Int?
    /// Bytes of output the attempt produced (all of it, not only `text`).
    public var bytes: Int
    /// `text` is not the whole output: only its tail, or the file cap cut it.
    public var truncated: Bool
    public var text: String
    /// The attempt ended.
    public var done: Bool

    public var json: JSONValue {
        [
            "task_id": .string(taskID),
            "attempt": attempt.map { .int(Int64($0)) } ?? .null,
            "bytes": .int(Int64(bytes)),
            "truncated": .bool(truncated),
            "text": .string(text),
            "done": .bool(done),
        ]
    }
}

extension Engine {
    /// Takes an agent's `output` frame. Fire-and-forget: nothing is committed, acknowledged or
    /// published as an event. Only the live session of the agent holding the frame's attempt is
    /// heard; a frame for any other attempt (stale, not this agent's) is dropped silently.
    func receiveOutput(_ frame: OutputFrame, from agentID: String, connection: Int) {
        let current = inspect { scheduler in
            guard scheduler.isSession(connection, of: agentID), let task = scheduler.tasks[frame.taskID] else { return false }
            return task.attempt == frame.attempt && task.agentID == agentID && task.state.isHeld
        }
        guard current else { return }
        var frame = frame
        // As every report is: no secret the task printed goes further than the agent.
        frame.text = SecretRedactor.redact(frame.text)
        output.append(frame)
    }

    /// One attempt's output (default the latest), its last `tail` bytes at most.
    ///
    /// Throws `task_not_found` for an unknown task, `invalid_field` for an attempt it never had.
    public func output(taskID: String, attempt requested: Int?, tail: Int) async throws -> OutputSnapshot {
        let (record, _) = try await task(id: taskID)
        let latest = max(record.attempt, output.info(taskID: taskID)?.latestAttempt ?? 0)
        if let requested, !(1...max(latest, 1)).contains(requested) {
            throw FlotillaError(.invalidField, "Task \(taskID) has \(latest == 0 ? "no attempts yet" : "attempts 1 to \(latest)"); there is no attempt \(requested).", field: "attempt")
        }
        guard let attempt = requested ?? (latest > 0 ? latest : nil) else {
            return OutputSnapshot(taskID: taskID, attempt: nil, bytes: 0, truncated: false, text: "", done: record.state.isFinal)
        }
        let done = attempt < record.attempt || !record.state.isHeld
        let view = output.view(taskID: taskID, attempt: attempt)
        // Memory serves the tail when it holds all of it, or when the file lacks the newest
        // bytes (capped); the file serves the rest.
        if let view, view.total - view.keptStart >= min(tail, view.total) || view.capped || output.path(taskID: taskID, attempt: attempt) == nil {
            let start = max(view.keptStart, view.total - tail)
            let bytes = output.bytes(taskID: taskID, attempt: attempt, from: start, max: tail) ?? []
            let skip = start > 0 ? UTF8Cut.continuationPrefix(bytes) : 0
            return OutputSnapshot(
                taskID: taskID, attempt: attempt, bytes: view.total, truncated: start > 0,
                text: String(decoding: bytes.dropFirst(skip), as: UTF8.self), done: done
            )
        }
        guard let path = output.path(taskID: taskID, attempt: attempt) else {
            return OutputSnapshot(taskID: taskID, attempt: attempt, bytes: 0, truncated: false, text: "", done: done)
        }
        let read = await output.writer.read(path, from: nil, count: tail)
        let skip = read.start > 0 ? UTF8Cut.continuationPrefix(read.bytes) : 0
        let capped = read.size > output.configuration.fileBytes
        return OutputSnapshot(
            taskID: taskID, attempt: attempt, bytes: view?.total ?? read.size, truncated: read.start > 0 || capped,
            text: String(decoding: read.bytes.dropFirst(skip), as: UTF8.self), done: done
        )
    }

    /// Follows a task's output from the kept tail of its latest attempt (or from `resume`)
    /// across retries until the task is final. Throws `task_not_found` for an unknown task.
    /// Call the returned `end` when the reader goes away while it waits.
    public func followOutput(taskID: String, resume: (attempt: Int, offset: Int)?, tail: Int = 64 << 10) async throws -> OutputFollow {
        // Followed before the record is read, so no event between the two is missed.
        let (wakes, id) = output.follow(taskID: taskID)
        let handle = OutputFollow.Handle(logs: output, taskID: taskID, id: id)
        let (record, _) = try await task(id: taskID)
        return OutputFollow(logs: output, taskID: taskID, record: record, resume: resume, tail: tail, wakes: wakes, handle: handle)
    }

    /// Bytes of output held in memory for every attempt (the bound tests check).
    public var outputBytesInMemory: Int { output.heldBytes }

    /// Waits until every output byte received so far is in its file.
    public func flushOutput() async { await output.writer.drain() }
}
