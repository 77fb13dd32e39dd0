public import FlotillaCore

extension Fleet.AgentStatus {
    /// Puts the hub's view of this agent into the row: a `flotilla agent` pane's screen says
    /// nothing about its work (it reads `initializing` forever), the hub knows its state, the
    /// task it holds and when it was last heard from.
    ///
    /// - Parameters:
    ///   - agent: the agent as `GET /api/agents` lists it.
    ///   - tasks: the tasks it holds, by id, as `GET /api/tasks/{id}` answers (for the type and
    ///     progress); a held task missing here is shown by id only.
    ///   - now: seconds since 1970, for the heartbeat's age.
    public mutating func merge(hubAgent agent: FlotillaCore.AgentStatus, tasks: [String: TaskRecord], now: Double) {
        source = "hub"
        // An offline agent whose pane still runs is starting or reconnecting; a dead pane says
        // more than the hub's last word.
        if alive || agent.state != .offline { state = agent.state.rawValue }
        if !agent.held.isEmpty {
            task = agent.held.map { id in
                guard let record = tasks[id] else { return id }
                var text = id + " " + record.spec.type
                if let progress = record.progress { text += " \(Int(progress.rounded()))%" }
                return text
            }.joined(separator: ", ")
        }
        lastSeenSeconds = max(0, Int(now - agent.lastSeen))
    }
}
