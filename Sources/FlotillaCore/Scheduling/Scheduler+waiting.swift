extension Scheduler {
    /// Why an unfinished task is not running, most basic first; nil when it is held by an agent
    /// or not in flight (finished). Walks the fleet once: it answers a person's question, and
    /// is never on the dispatch path.
    public func waitingReasons(_ taskID: String, now: Double) -> [WaitingReason]? {
        guard let task = tasks[taskID] else { return nil }
        var reasons: [WaitingReason] = []
        switch task.state {
        case .assigned, .running, .succeeded, .dead, .cancelled, .expired:
            return nil
        case .blocked:
            let open = (waitingOn[taskID] ?? []).sorted()
            reasons.append(WaitingReason(
                .dependencies, "Waiting for \(open.count == 1 ? "dependency" : "dependencies") \(open.joined(separator: ", ")) to succeed.",
                details: ["tasks": .array(open.map { .string($0) })]
            ))
        case .failed:
            let until = task.retryAt ?? now
            reasons.append(WaitingReason(
                .backoff, "In backoff after failed attempt \(task.attempt); queued again at \(Timestamp.iso8601(until)).",
                details: ["until": .string(Timestamp.iso8601(until))]
            ))
        case .queued:
            if let held = budgetReason(task) { reasons.append(held) }
            if let held = filesReason(task) { reasons.append(held) }
        }
        let spec = task.spec
        let fitting = agents.values.filter { slot in
            slot.connection != nil && !slot.draining
                && slot.registration.roles.contains(where: spec.roles.contains)
                && spec.capabilities.allSatisfy(slot.registration.capabilities.contains)
        }
        let needs = "role \(spec.roles.joined(separator: " or "))" + (spec.capabilities.isEmpty ? "" : " with capabilities \(spec.capabilities.joined(separator: ","))")
        if fitting.isEmpty {
            reasons.append(WaitingReason(
                .noFittingAgent, "No connected agent can take it: none serves \(needs). It waits until one connects.",
                details: [TaskSpec.Field.roles.rawValue: .array(spec.roles.map { .string($0) }), TaskSpec.Field.capabilities.rawValue: .array(spec.capabilities.map { .string($0) })]
            ))
        } else if task.state == .queued, !fitting.contains(where: \.canTakeWork) {
            let ids = fitting.map(\.registration.id).sorted()
            reasons.append(WaitingReason(
                .agentsBusy, "\(ids.count) connected agent\(ids.count == 1 ? "" : "s") can take it (\(needs)), but none has a free slot; it goes to the first that frees one, in priority order.",
                details: ["agents": .array(ids.map { .string($0) })]
            ))
        }
        return reasons
    }
}
