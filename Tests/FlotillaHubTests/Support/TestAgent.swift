import FlotillaClient
import FlotillaCore
import Foundation

/// An agent written for the tests: speaks the `/ws` protocol through `AgentLink` and exposes
/// each incoming message so a test can decide what to answer.
struct TestAgent: Sendable {
    let link: AgentLink
    let id: String
    let inbox: Inbox

    /// Messages from the hub not yet consumed by the test.
    final class Inbox: Sendable {
        let iterator: IteratorBox
        init(_ stream: AsyncStream<Envelope>) { iterator = IteratorBox(stream) }

        /// The next message of one of `types` (others are skipped), or a timeout error. The
        /// default only bounds a broken hub (see `eventually`); a test that expects no message
        /// names its own short wait.
        func next(_ types: Set<MessageType>, within seconds: Double = 30) async throws -> Envelope {
            let iterator = self.iterator
            return try await withDeadline(seconds, "message of type \(types.map(\.rawValue).sorted())") {
                if let kept = iterator.takePending(types) { return kept }
                while let message = await iterator.next() {
                    if types.contains(message.type) { return message }
                    iterator.keep(message)
                }
                throw TestFailure("socket closed while waiting for \(types.map(\.rawValue))")
            }
        }
    }

    /// Holds the link's stream iterator. Unchecked because each test reads its agent's
    /// inbox from one task at a time, never concurrently.
    final class IteratorBox: @unchecked Sendable {
        var iterator: AsyncStream<Envelope>.AsyncIterator
        /// Messages skipped while waiting for another type, kept for later.
        var pending: [Envelope] = []
        init(_ stream: AsyncStream<Envelope>) { iterator = stream.makeAsyncIterator() }
        func keep(_ message: Envelope) { pending.append(message) }
        func takePending(_ types: Set<MessageType>) -> Envelope? {
            guard let index = pending.firstIndex(where: { types.contains($0.type) }) else { return nil }
            return pending.remove(at: index)
        }
        func next() async -> Envelope? { await iterator.next() }
    }

    /// Connects as an agent, registers, optionally says ready, and runs `body`.
    static func run<Value: Sendable>(
        _ hub: TestHub,
        id: String,
        roles: [String] = ["general"],
        capabilities: [String] = [],
        concurrency: Int = 1,
        ready: Bool = true,
        token: String? = nil,
        _ body: @escaping @Sendable (TestAgent) async throws -> Value
    ) async throws -> Value {
        try await run(socketURL: hub.socketURL, token: token ?? hub.adminToken, id: id, roles: roles, capabilities: capabilities, concurrency: concurrency, ready: ready, body)
    }

    /// The same against a hub at `socketURL` (one in a child process, `HubProcess`).
    static func run<Value: Sendable>(
        socketURL: String,
        token: String,
        id: String,
        roles: [String] = ["general"],
        capabilities: [String] = [],
        concurrency: Int = 1,
        ready: Bool = true,
        _ body: @escaping @Sendable (TestAgent) async throws -> Value
    ) async throws -> Value {
        try await AgentLink.connect(url: socketURL, token: token) { link in
            let agent = TestAgent(link: link, id: id, inbox: Inbox(link.messages))
            try await link.send(.register, agentID: id, payload: [
                "roles": .array(roles.map { .string($0) }),
                "capabilities": .array(capabilities.map { .string($0) }),
                "concurrency": .int(Int64(concurrency)),
                "executor": "test",
                "version": "test",
            ])
            _ = try await agent.inbox.next([.registered, .error])
            if ready { try await agent.ready() }
            return try await body(agent)
        }
    }

    func ready() async throws {
        try await link.send(.ready, agentID: id)
        _ = try await inbox.next([.ack])
    }

    /// Waits for the next assignment; returns (task id, attempt, task JSON).
    func assignment(within seconds: Double = 30) async throws -> (taskID: String, attempt: Int, task: JSONValue) {
        let message = try await inbox.next([.assignment], within: seconds)
        guard let taskID = message.payload["task_id"]?.stringValue, let attempt = message.payload["attempt"]?.intValue else {
            throw TestFailure("malformed assignment: \(message.text)")
        }
        return (taskID, Int(attempt), message.payload["task"] ?? .null)
    }

    /// Sends a report and returns the hub's answer (`ack` or `error`).
    @discardableResult
    func report(_ type: MessageType, taskID: String, attempt: Int, extra: [String: JSONValue] = [:]) async throws -> Envelope {
        var payload = extra
        payload["task_id"] = .string(taskID)
        payload["attempt"] = .int(Int64(attempt))
        let id = try await link.send(type, agentID: id, payload: .object(payload))
        while true {
            let reply = try await inbox.next([.ack, .error])
            if reply.payload["ref"]?.stringValue == id { return reply }
        }
    }

    func complete(_ taskID: String, attempt: Int, result: JSONValue = ["ok": true]) async throws -> Envelope {
        try await report(.complete, taskID: taskID, attempt: attempt, extra: ["result": result])
    }
}
