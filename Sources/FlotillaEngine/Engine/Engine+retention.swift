import FlotillaCore
import FlotillaStore
import Logging

extension Engine {
    /// One retention pass: deletes what is over and older than `retention.maxAge` (finished
    /// tasks, events, offline agents, ended deliveries, finished workflow runs, decided
    /// approvals, final goals; finished findings past the cooldown too), batch by batch with a
    /// pause between batches (so commits never wait behind a long delete), and forgets the same
    /// agents and goals in memory.
    @discardableResult
    func prune(_ retention: RetentionPolicy, now: Double = Timestamp.now()) async throws -> PruneCount {
        let cutoffs = retention.cutoffs(now: now)
        var total = PruneCount()
        while true {
            try _Concurrency.Task.checkCancellation()
            let batch = try await store.prune(cutoffs, batch: retention.batchSize)
            total = total + batch
            // Their output files go with them (output/<task id>/).
            await output.remove(taskIDs: batch.taskIDs)
            // Memory keeps every goal changed since start: a deleted one would still answer.
            goalBook.forgetFinal(batch.goalIDs)
            guard batch.filled(retention.batchSize) else { break }
            try await _Concurrency.Task.sleep(for: .milliseconds(Int(retention.pause * 1000)))
        }
        let forgotten = inspect { $0.forgetAgents(offlineBefore: cutoffs.rows) }
        if total != PruneCount() || !forgotten.isEmpty {
            logger.info("""
                Retention: deleted \(total.tasks) finished tasks, \(total.events) events, \(max(total.agents, forgotten.count)) offline agents, \
                \(total.deliveries) ended notification deliveries, \(total.runs) finished workflow runs, \(total.approvals) decided approvals, \
                \(total.goals) final goals and \(total.findings) finished findings older than \(Int(retention.maxAge)) s.
                """)
        }
        return total
    }
}
