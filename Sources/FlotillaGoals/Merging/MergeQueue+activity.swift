import Synchronization

extension MergeQueue {
    /// Whether the queue holds or works on anything of the goal now (a step end waiting or
    /// merging, a fix being waited for): its clone and merge worktree must stay until it is
    /// done (GoalCleanup asks).
    public func isWorking(onGoal id: String) -> Bool {
        state.withLock { state in
            state.working.contains(id) || !(state.queues[id] ?? []).isEmpty || state.arrived.contains { $0.queueKey == id }
        }
    }
}
