/// Progress reports are coalesced: an agent may report several times a second for each
/// attempt, and each stored report is a task row update and an event row. At most one goes to
/// the store per attempt per ``SchedulerPolicy/progressWriteInterval``; reports in between only
/// update memory (what the API shows), and the newest is written when the interval has passed
/// (at the next report or tick). A final report (complete, fail, release) always writes the
/// task, with its latest progress, so nothing of the outcome waits on this.
extension Scheduler {
    /// Stores `task`'s progress now, or marks it to be stored when its interval has passed.
    /// A report that announced new files is stored (and its event sent) at once, with them:
    /// announcements come every few seconds at most, and the event is where they are seen.
    mutating func recordProgress(_ task: TaskRecord, now: Double, files: [String] = []) {
        if !files.isEmpty {
            writeProgress(task, now: now, files: files)
            return
        }
        if let last = progressWrittenAt[task.id], now - last < policy.progressWriteInterval {
            progressPending.insert(task.id)
            return
        }
        writeProgress(task, now: now)
    }

    /// Writes the newest progress of tasks whose interval has passed.
    mutating func flushProgress(now: Double) {
        guard !progressPending.isEmpty else { return }
        for id in progressPending.sorted() {
            guard let task = tasks[id], task.state.isHeld else {
                forgetProgress(id)
                continue
            }
            if now - (progressWrittenAt[id] ?? 0) >= policy.progressWriteInterval {
                writeProgress(task, now: now)
            }
        }
    }

    /// The attempt ended: its coalescing state goes.
    mutating func forgetProgress(_ id: String) {
        guard progressWrittenAt.removeValue(forKey: id) != nil else { return }
        progressPending.remove(id)
    }

    private mutating func writeProgress(_ task: TaskRecord, now: Double, files: [String] = []) {
        progressPending.remove(task.id)
        progressWrittenAt[task.id] = now
        effects.writes.append(.updateTask(task))
        var data: [String: JSONValue] = [:]
        if let percent = task.progress { data["percent"] = .double(percent) }
        if let message = task.progressMessage { data["message"] = .string(message) }
        if !files.isEmpty { data["files"] = .array(files.map { .string($0) }) }
        emit(.taskProgress, task: task, data: data, now: now)
    }
}
