import FlotillaCore
import FlotillaStore
import Logging

extension Engine {
    /// One retention pass: deletes finished tasks, events and offline agents older than
    /// `retention.maxAge`, batch by batch with a pause between batches (so commits never wait
    /// behind a long delete), and forgets the same agents in memory.
    @discardableResult
    func prune(_ retention: RetentionPolicy, now: Double = Timestamp.now()) async throws -> PruneCount {
        let cutoff = now - retention.maxAge
        var total = PruneCount()
        while true {
            try _Concurrency.Task.checkCancellation()
            let batch = try await store.prune(before: cutoff, batch: retention.batchSize)
            total = total + batch
            // Their output files go with them (output/<task id>/).
            await output.remove(taskIDs: batch.taskIDs)
            guard batch.tasks >= retention.batchSize || batch.events >= retention.batchSize else { break }
            try await _Concurrency.Task.sleep(for: .milliseconds(Int(retention.pause * 1000)))
        }
        let forgotten = inspect { $0.forgetAgents(offlineBefore: cutoff) }
        if total != PruneCount() || !forgotten.isEmpty {
            logger.info("Retention: deleted \(total.tasks) finished tasks, \(total.events) events and \(max(total.agents, forgotten.count)) offline agents older than \(Int(retention.maxAge)) s.")
        }
        return total
    }
}
