public import FlotillaCore
import NIOCore
import NIOHTTP1

/// The hub's API as typed values: each answer is read by the one decoder of its wire shape in
/// FlotillaCore (``TaskRecord``, ``TaskView``, ``TaskPage``, ``AgentView``, ``HubStats``). The
/// `JSONValue` methods remain for callers that pass the hub's JSON on verbatim (`--json`).
extension HubClient {
    /// Submits one task; returns it as stored.
    public func submit(_ spec: TaskSpec) async throws -> TaskRecord {
        try TaskRecord(json: try await send(.POST, "/api/tasks", bytes: spec.submissionBytes))
    }

    /// Submits a batch in one request; returns the tasks in order.
    public func submit(batch specs: [TaskSpec]) async throws -> [TaskRecord] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (index, spec) in specs.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: spec.submissionBytes)
        }
        body.append(UInt8(ascii: "]"))
        return try TaskPage(json: try await send(.POST, "/api/tasks", bytes: body)).tasks
    }

    /// One task with its attempts and why it waits; with `wait`, long-polls up to that many
    /// seconds for it to finish first.
    public func task(id: String, wait: Double? = nil) async throws -> TaskView {
        try TaskView(json: try await task(id, wait: wait))
    }

    /// One page of tasks, newest first; `query` takes the route's parameters (`state`, `role`,
    /// `type`, `agent`, `limit`, `cursor`).
    public func taskPage(query: [String: String] = [:]) async throws -> TaskPage {
        try TaskPage(json: try await tasks(query: query))
    }

    /// Cancels a task; returns it as it is now.
    public func cancel(id: String, reason: String? = nil) async throws -> TaskRecord {
        try TaskRecord(json: try await cancel(id, reason: reason))
    }

    /// Queues a finished task again; returns it as it is now.
    public func retry(id: String) async throws -> TaskRecord {
        try TaskRecord(json: try await retry(id))
    }

    /// Every agent: those registered with the hub, then those only watched in tmux panes.
    public func agentViews() async throws -> [AgentView] {
        var out: [AgentView] = []
        for agent in try await agents() { out.append(try AgentView(json: agent)) }
        return out
    }

    /// One agent, by its id (or, for one watched in a pane, its tmux session's name).
    public func agentView(id: String) async throws -> AgentView {
        try AgentView(json: try await agent(id))
    }

    /// The hub's figures: tasks per state, lanes, agents, throughput and latency.
    public func hubStats() async throws -> HubStats {
        try HubStats(json: try await stats())
    }

    /// POSTs JSON text already written (a typed value's own encoding) and parses the answer.
    private func send(_ method: HTTPMethod, _ path: String, bytes: [UInt8]) async throws -> JSONValue {
        try await send(method, path, text: String(decoding: bytes, as: UTF8.self)).body
    }
}
