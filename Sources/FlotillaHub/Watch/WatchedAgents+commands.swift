import FlotillaCore
import FlotillaTmux
import Synchronization
import Foundation

/// A request waiting (`?wait=`) for a queued command to finish.
enum CommandWaiter: Sendable {
    case registered(command: Int)
    case waiting(command: Int, CheckedContinuation<Void, Never>)

    var command: Int {
        switch self {
        case .registered(let command), .waiting(let command, _): command
        }
    }
}

extension WatchedAgents {
    /// A command as the API shows it: finished (from the audit trail) or still queued.
    public struct CommandView: Sendable {
        public var record: CommandRecord
        public var queued: Bool
    }

    /// Queues `text` for agent `name` and returns at once with the queued command. It is typed
    /// when the agent is idle (unless `force`), in order with the agent's other commands.
    public func submit(_ text: String, force: Bool, to name: String) throws(FlotillaError) -> CommandView {
        let agent = try agent(name)
        let job = CommandJob(
            id: audit.nextID(), agent: agent.name, pane: agent.pane, classifier: agent.target.classifier, text: text, force: force,
            queuedAt: Date().timeIntervalSince1970
        )
        state.withLock { $0.pending[job.id] = job }
        if case .terminated = agent.work.yield(.command(job)) {
            state.withLock { _ = $0.pending.removeValue(forKey: job.id) }
            throw FlotillaError(.agentNotFound, "Agent '\(name)' stopped being watched (its tmux session ended).", field: "id")
        }
        return CommandView(record: Self.queuedRecord(job), queued: true)
    }

    /// Agent `name`'s commands, oldest first: the audit trail, then those still queued.
    public func commands(of requested: String) throws(FlotillaError) -> [CommandView] {
        let name = (try? agent(requested))?.name ?? requested
        let finished = audit.records(agent: name)
        let (watched, pending) = state.withLock { state in
            (state.agents[name] != nil, state.pending.values.filter { $0.agent == name })
        }
        if !watched && finished.isEmpty && pending.isEmpty { _ = try agent(name) }
        let done = Set(finished.map(\.id))
        let queued = pending.filter { !done.contains($0.id) }.sorted { $0.id < $1.id }
        return finished.map { CommandView(record: $0, queued: false) } + queued.map { CommandView(record: Self.queuedRecord($0), queued: true) }
    }

    /// The command with `id` as it is now, when the hub knows it.
    public func command(id: Int) -> CommandView? {
        if let job = state.withLock({ $0.pending[id] }) { return CommandView(record: Self.queuedRecord(job), queued: true) }
        return audit.records().last { $0.id == id }.map { CommandView(record: $0, queued: false) }
    }

    /// Waits until command `id` finished or `timeout` passed.
    public func waitForCommand(_ id: Int, timeout: Duration) async {
        let token = state.withLock { state in
            state.nextWaiter += 1
            state.waiters[state.nextWaiter] = .registered(command: id)
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        guard state.pending[id] != nil, state.waiters[token] != nil else { return true }
                        state.waiters[token] = .waiting(command: id, continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            }
            group.addTask { try? await _Concurrency.Task.sleep(for: timeout) }
            await group.next()
            endWait(token)
            group.cancelAll()
        }
    }

    private func endWait(_ token: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
        if case .waiting(_, let continuation) = waiter { continuation.resume() }
    }

    /// Types one queued command (in its session's task) and wakes whoever waits on it. A
    /// cancel through the API ends the typing task while the command still waits.
    func execute(_ job: CommandJob, queue: CommandQueue) async {
        let typed = await withTaskGroup(of: CommandRecord?.self) { group -> CommandRecord? in
            group.addTask {
                try? await queue.send(
                    job.text, to: job.pane, agent: job.agent, classifier: job.classifier, force: job.force, id: job.id, ticket: job.ticket
                )
            }
            group.addTask {
                await job.ticket.cancelled()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            var typed = first
            for await record in group where typed == nil { typed = record }
            return typed
        }
        if typed == nil {
            // Cancelled before its first key: through the API, or because the hub is stopping.
            // It still ends in the trail and the event log, as failed.
            var record = Self.queuedRecord(job)
            record.errorCode = "cancelled"
            record.errorMessage = job.ticket.current == .cancelled
                ? "cancelled while queued, before anything was typed"
                : "the hub stopped before the command was typed"
            record.finishedAt = Date().timeIntervalSince1970
            audit.append(record)
            self.record(.command(record))
        }
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.pending.removeValue(forKey: job.id)
            var woken: [CheckedContinuation<Void, Never>] = []
            for (token, waiter) in state.waiters where waiter.command == job.id {
                if case .waiting(_, let continuation) = waiter { woken.append(continuation) }
                state.waiters.removeValue(forKey: token)
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Cancels agent `name`'s queued command `id` and returns it as it ended (failed,
    /// `cancelled`). Refused (`invalid_state`) once its typing started or it finished.
    public func cancel(command id: Int, of requested: String) async throws(FlotillaError) -> CommandView {
        let name = (try? agent(requested))?.name ?? requested
        guard let job = state.withLock({ $0.pending[id] }), job.agent == name else {
            if let done = audit.records(agent: name).last(where: { $0.id == id }) {
                throw FlotillaError(
                    .invalidState, "Command \(id) already finished (\(done.outcome.rawValue)); only a queued command can be cancelled.", field: "id"
                )
            }
            throw FlotillaError(.notFound, "Agent '\(name)' has no command \(id); list them with GET /api/agents/\(name)/commands.", field: "id")
        }
        guard job.ticket.cancel() else {
            throw FlotillaError(.invalidState, "Command \(id) is being typed into the pane now and can no longer be cancelled.", field: "id")
        }
        await waitForCommand(id, timeout: .seconds(10))
        return command(id: id) ?? CommandView(record: Self.queuedRecord(job), queued: true)
    }

    static func queuedRecord(_ job: CommandJob) -> CommandRecord {
        CommandRecord(
            id: job.id, agent: job.agent, pane: job.pane, text: job.text, forced: job.force, outcome: .failed, method: nil,
            attempts: 0, enterPresses: 0, errorCode: nil, errorMessage: nil, queuedAt: job.queuedAt, finishedAt: job.queuedAt
        )
    }
}
