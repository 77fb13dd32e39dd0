public import FlotillaCore
public import FlotillaStore

/// The reads and the bulk action the dashboard's views need (docs/api.md, "Dashboard data").
extension Engine {
    /// Most ids one bulk retry takes.
    public static let bulkRetryLimit = 1_000

    /// What a bulk retry did: the ids retried, and why each other one was not.
    public struct BulkRetry: Sendable {
        public var retried: [String] = []
        public var errors: [(id: String, error: FlotillaError)] = []
    }

    /// Retries each task like ``retry(id:)`` (a repeated id counts once), concurrently so their
    /// commits group; one task's refusal does not stop the others.
    public func retry(ids: [String]) async -> BulkRetry {
        var seen: Set<String> = []
        let unique = ids.filter { seen.insert($0).inserted }
        let outcomes = await withTaskGroup(of: (Int, FlotillaError?).self) { group in
            for (index, id) in unique.enumerated() {
                group.addTask {
                    do {
                        _ = try await self.retry(id: id)
                        return (index, nil)
                    } catch let error as FlotillaError {
                        return (index, error)
                    } catch {
                        return (index, FlotillaError(.internalError, "\(error)"))
                    }
                }
            }
            var out = [FlotillaError?](repeating: nil, count: unique.count)
            for await (index, error) in group { out[index] = error }
            return out
        }
        var result = BulkRetry()
        for (id, error) in zip(unique, outcomes) {
            if let error { result.errors.append((id, error)) } else { result.retried.append(id) }
        }
        return result
    }

    /// The attempts an agent ran, newest first, once what memory holds is stored (an attempt
    /// begins with its assignment's commit). An agent no longer known still has its history
    /// until retention takes its tasks.
    public func attempts(agentID: String, limit: Int) async throws -> [AgentAttempt] {
        _ = await settled()
        return try await store.attempts(agentID: agentID, limit: limit)
    }

    /// The dependency graph as the store holds it, with the states of tasks in flight as
    /// memory holds them; `task_not_found` for an unknown `query.taskID`.
    public func graph(_ query: GraphQuery) async throws -> TaskGraph {
        guard let stored = try await store.graph(query) else { throw FlotillaError.taskNotFound(query.taskID ?? "") }
        guard await settled() else { return stored }
        let nodes = inspect { scheduler in
            stored.nodes.map { node -> TaskGraph.Node in
                var node = node
                if let live = scheduler.task(node.id) { node.state = live.state }
                return node
            }
        }
        return TaskGraph(nodes: nodes, edges: stored.edges, truncated: stored.truncated)
    }
}
