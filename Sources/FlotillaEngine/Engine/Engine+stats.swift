public import FlotillaCore

extension Engine {
    /// Queue depth per lane and state, agents per state, completion rate and latency.
    public func stats() -> JSONValue {
        let commitsPending = commitsPending
        return inspect { scheduler in
            let now = Timestamp.now()
            var byState: [String: JSONValue] = [:]
            for state in TaskState.allCases { byState[state.rawValue] = .int(Int64(scheduler.counts[state])) }
            let lanes: [JSONValue] = scheduler.lanes.depths.sorted { ($0.key.role, $0.key.priority.rank) < ($1.key.role, $1.key.priority.rank) }.map { lane, depth in
                [
                    "role": .string(lane.role),
                    "roles": .array(lane.roles.map { .string($0) }),
                    "priority": .string(lane.priority.rawValue),
                    "capabilities": .array(lane.capabilities.map { .string($0) }),
                    "depth": .int(Int64(depth)),
                ]
            }
            var agentsByState: [String: JSONValue] = [:]
            for state in AgentState.allCases { agentsByState[state.rawValue] = .int(0) }
            for slot in scheduler.agents.values {
                agentsByState[slot.state.rawValue] = .int((agentsByState[slot.state.rawValue]?.intValue ?? 0) + 1)
            }
            var latency: JSONValue = .null
            if let percentiles = scheduler.stats.percentiles() {
                latency = ["p50": .double(percentiles.p50), "p90": .double(percentiles.p90), "p99": .double(percentiles.p99)]
            }
            return [
                "tasks": ["by_state": .object(byState), "queued": .int(Int64(scheduler.lanes.count))],
                "lanes": .array(lanes),
                "agents": ["by_state": .object(agentsByState), "total": .int(Int64(scheduler.agents.count))],
                "completed_per_second": .double(scheduler.completionRate(now: now)),
                "latency_seconds": latency,
                "events": ["last_seq": .int(scheduler.lastSeq)],
                // Changes awaiting commit: bounded per agent connection (HubLimits.pendingCommits).
                "commits_pending": .int(Int64(commitsPending)),
            ]
        }
    }
}
