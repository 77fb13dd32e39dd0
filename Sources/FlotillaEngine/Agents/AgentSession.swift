public import FlotillaCore
import Foundation
public import Logging
import Synchronization

/// One agent connection's conversation, whatever carries it (a WebSocket, MQTT): applies the
/// envelopes that come in to the scheduler and answers through the connection's outbox
/// (register → registered, reports → ack, errors → error; assignments and cancels come from
/// the scheduler's effects). Made by ``Engine/openSession(identity:outbox:logger:relayCheck:)``.
///
/// Reports are not awaited one by one: each is queued for commit and its `ack` (or `error`)
/// is sent when its batch is durable, so one agent's messages share group commits. At most
/// ``EngineConfiguration/pendingCommitsPerConnection`` of them await commit at once: past that
/// ``isSaturated`` is true and the transport's reader waits (``waitForRoom()``) before it
/// reads on, so an agent that floods slows down instead of growing the commit queue.
public struct AgentSession: Sendable {
    /// Checks a `message` relay (its size, the sender's rate) before it is forwarded to
    /// `recipients` connections; throws the refusal.
    public typealias RelayCheck = @Sendable (_ envelope: Envelope, _ from: Identity, _ recipients: Int) throws(FlotillaError) -> Void

    let engine: Engine
    let identity: Identity
    /// The connection's number (the scheduler's handle for it).
    public let connection: Int
    let logger: Logger
    /// Bounds on relayed messages (nil: unbounded, the MQTT bridge's own sessions).
    let relayCheck: RelayCheck?

    /// The agent this connection registered as (set by `register`).
    let agentID = SessionAgentID()
    /// Changes from this connection awaiting commit.
    let pending: PendingCommits

    init(engine: Engine, identity: Identity, connection: Int, logger: Logger, relayCheck: RelayCheck?) {
        self.engine = engine
        self.identity = identity
        self.connection = connection
        self.logger = logger
        self.relayCheck = relayCheck
        self.pending = PendingCommits(limit: engine.configuration.pendingCommitsPerConnection)
    }

    /// Whether the connection has as many changes awaiting commit as it may: read no further
    /// frames until ``waitForRoom()`` returns. A plain atomic load, for every frame.
    public var isSaturated: Bool { pending.isFull }

    /// Returns once fewer changes than the bound await commit.
    public func waitForRoom() async { await pending.waitForRoom() }

    /// Changes from this connection awaiting commit now.
    public var pendingCommits: Int { pending.count }

    /// Applies one frame's text (an envelope in JSON).
    public func handle(text: String) {
        let parsed = Result { () throws(FlotillaError) in try Envelope(text: text) }
        guard case .success(let envelope) = parsed else {
            if case .failure(let error) = parsed { reply(error: error, to: nil) }
            return
        }
        handle(envelope)
    }

    /// Applies one envelope; never waits (answers go out through the outbox).
    public func handle(_ envelope: Envelope) {
        switch envelope.type {
        case .register: register(envelope)
        case .ready, .drain, .heartbeat: control(envelope)
        case .accept, .progress, .complete, .fail, .release: report(envelope)
        case .message: relay(envelope)
        case .output: output(envelope)
        case .usage: usage(envelope)
        case .approval: approval(envelope)
        // Presence is the MQTT bridge's business (it reads wills); a socket's presence is the socket.
        case .status: break
        case .registered, .assignment, .cancel, .ack, .error, .event, .approvalDecision:
            reply(error: FlotillaError(.invalidField, "'\(envelope.type.rawValue)' is sent by the hub, not by agents.", field: "type"), to: envelope)
        }
    }

    private func register(_ envelope: Envelope) {
        let checked = Result { () throws(FlotillaError) in try admissible(envelope) }
        guard case .success(let registration) = checked else {
            if case .failure(let error) = checked { reply(error: error, to: envelope) }
            return
        }
        agentID.set(registration.id)
        let connection = self.connection
        let holder = identity.tokenID
        let policy = engine.configuration.policy
        pending.begin()
        engine.mutate({ scheduler, now in
            // A live agent stays with the token it registered with: no takeover by another.
            if let refusal = scheduler.takeoverRefusal(of: registration.id, connection: connection, holder: holder) { throw refusal }
            return scheduler.register(registration, connection: connection, holder: holder, now: now)
        }) { [engine, pending] result in
            defer { pending.end() }
            guard case .success(let outcome) = result else {
                if case .failure(let error) = result {
                    // Taking a live agent over was refused: this connection speaks for no agent.
                    if error.code == .agentInUse { self.agentID.clear() }
                    self.reply(error: error, to: envelope)
                }
                return
            }
            if let old = outcome.superseded { engine.connections.close(old) }
            self.send(.registered, body: .json([
                "agent_id": .string(registration.id),
                "heartbeat_interval": .double(policy.agentHeartbeatInterval),
                "lease_seconds": .double(policy.leaseDuration),
                "held": .array(outcome.held.map { ["task_id": .string($0.taskID), "attempt": .int(Int64($0.attempt))] }),
            ]), ref: envelope.id)
        }
    }

    /// The registration, if this token and connection may make it.
    private func admissible(_ envelope: Envelope) throws(FlotillaError) -> AgentRegistration {
        let registration = try AgentRegistration(envelope: envelope)
        if case .agent(_, let allowed?, _) = identity, registration.roles.contains(where: { $0 != allowed }) {
            throw FlotillaError(.forbidden, "This agent token may only register with role '\(allowed)'.", field: "payload.roles")
        }
        if case .agent(_, _, let bound) = identity {
            guard let bound else {
                throw FlotillaError(.forbidden, "This agent token is bound to no agent id, so it cannot register an agent; create one per agent with `flotilla token create --name NAME --agent-id ID`.", field: "agent_id")
            }
            guard registration.id == bound else {
                throw FlotillaError(.forbidden, "This agent token may only register as agent '\(bound)', not '\(registration.id)'.", field: "agent_id")
            }
        }
        if let current = agentID.value, current != registration.id {
            throw FlotillaError(.invalidState, "This connection is already registered as '\(current)'.", field: "agent_id")
        }
        return registration
    }

    private func control(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let type = envelope.type
        let connection = self.connection
        pending.begin()
        engine.mutate({ scheduler, now in
            guard scheduler.isSession(connection, of: id) else {
                throw FlotillaError(.notRegistered, "This connection is not agent '\(id)'s session; register first.")
            }
            switch type {
            case .ready: scheduler.ready(agentID: id, now: now)
            case .drain:
                if envelope.payload["reason"]?.stringValue == "usage_limit", let until = envelope.payload["until"]?.stringValue.flatMap(Timestamp.parse) {
                    scheduler.pause(agentID: id, until: until, now: now)
                } else {
                    scheduler.drain(agentID: id, now: now)
                }
            default: scheduler.heartbeat(agentID: id, body: SecretRedactor.redact(envelope.payload), now: now)
            }
        }) { [pending] result in
            defer { pending.end() }
            // Heartbeats are frequent and need no answer; ready and drain are acknowledged.
            // A refusal (not this agent's live session) is answered for every type.
            switch result {
            case .success: if type != .heartbeat { self.ack(envelope) }
            case .failure(let error): self.reply(error: error, to: envelope)
            }
        }
    }

    private func report(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let parsed = Result { () throws(FlotillaError) in try AttemptReport(envelope: envelope) }
        guard case .success(let report) = parsed else {
            if case .failure(let error) = parsed { reply(error: error, to: envelope) }
            return
        }
        pending.begin()
        apply(report, of: envelope, agentID: id, stored: nil)
    }

    /// Applies a report (counted in ``pending`` by the caller; uncounted once answered).
    /// `stored` is nil until the store has been asked about the task, then the state the store
    /// holds (nil when it has no such task).
    private func apply(_ report: AttemptReport, of envelope: Envelope, agentID id: String, stored: TaskState??) {
        engine.mutate({ scheduler, now in
            try scheduler.report(report, from: id, connection: self.connection, stored: stored ?? nil, now: now)
        }) { [pending] result in
            switch result {
            case .success(let outcome):
                defer { pending.end() }
                self.ack(envelope, report: .init(taskID: report.taskID, attempt: report.attempt, duplicate: outcome == .duplicate))
            case .failure(let error) where error.code == .taskNotFound && stored == nil:
                // Neither in flight nor recently finished: finished long ago (stale, 409) or
                // never existed (404)? Only the store knows, and this rare case asks it.
                _Concurrency.Task {
                    let state = (try? await self.engine.storedTask(id: report.taskID))?.state
                    self.apply(report, of: envelope, agentID: id, stored: .some(state))
                }
            case .failure(let error):
                defer { pending.end() }
                self.reply(error: error, to: envelope)
            }
        }
    }

    /// Records a running attempt's `usage` in the cost ledger; acknowledged once durable.
    private func usage(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let parsed = Result { () throws(FlotillaError) in try UsageReport(envelope: envelope) }
        guard case .success(let report) = parsed else {
            if case .failure(let error) = parsed { reply(error: error, to: envelope) }
            return
        }
        let connection = self.connection
        pending.begin()
        engine.mutate({ scheduler, now in
            try scheduler.recordUsage(report, from: id, connection: connection, now: now)
        }) { [pending] result in
            defer { pending.end() }
            switch result {
            case .success: self.ack(envelope)
            case .failure(let error): self.reply(error: error, to: envelope)
            }
        }
    }

    /// Takes a chunk of a running attempt's output: no ack (fire-and-forget), but a malformed
    /// frame is answered with an error so a broken agent learns why it is not heard.
    private func output(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let parsed = Result { () throws(FlotillaError) in try OutputFrame(payload: envelope.payload) }
        switch parsed {
        case .success(let frame): engine.receiveOutput(frame, from: id, connection: connection)
        case .failure(let error): reply(error: error, to: envelope)
        }
    }

    /// Relays a `message` to another agent (`payload.to`) or to every connected agent.
    private func relay(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let target = envelope.payload["to"]?.stringValue
        var forwarded = envelope
        forwarded.agentID = id
        let connection = self.connection
        guard engine.inspect({ $0.isSession(connection, of: id) }) else { return notRegistered(envelope) }
        let connections = engine.inspect { scheduler in
            scheduler.agents.values.filter { target == nil || target == "broadcast" || $0.registration.id == target }.compactMap(\.connection)
        }
        if let target, target != "broadcast", connections.isEmpty {
            return reply(error: FlotillaError(.agentNotFound, "No connected agent has id '\(target)'.", field: "payload.to"), to: envelope)
        }
        let recipients = connections.filter { $0 != self.connection }
        if let relayCheck {
            let error = Result { () throws(FlotillaError) in try relayCheck(envelope, identity, recipients.count) }
            if case .failure(let error) = error { return reply(error: error, to: envelope) }
        }
        for connection in recipients { engine.connections.send(forwarded, to: connection) }
        ack(envelope, delivered: recipients.count)
    }

    /// Ends the connection from the engine's side (a revoked token, a shutdown): the outbox
    /// sends what it holds and finishes, and the transport then closes the connection.
    public func disconnect() {
        engine.connections.close(connection)
    }

    /// The transport's connection is gone: the agent no longer takes work (its leases run on).
    public func closed() {
        let connection = self.connection
        engine.mutate({ scheduler, now in scheduler.disconnect(connection: connection, now: now) }) { _ in }
        engine.connections.close(connection)
    }

    func notRegistered(_ envelope: Envelope) {
        reply(error: FlotillaError(.notRegistered, "Send 'register' before '\(envelope.type.rawValue)'."), to: envelope)
    }

    func ack(_ envelope: Envelope, report: Envelope.Ack.Report? = nil, delivered: Int? = nil, approvalID: String? = nil) {
        var ack = Envelope.Ack(ref: envelope.id, of: envelope.type, report: report, delivered: delivered)
        ack.approvalID = approvalID
        send(.ack, body: .ack(ack), ref: envelope.id)
    }

    /// Answers `envelope` (nil: a frame that was no envelope) with an `error` message.
    public func reply(error: any Error, to envelope: Envelope?) {
        let flotillaError = error as? FlotillaError ?? FlotillaError(.internalError, "\(error)")
        send(.error, body: .json(flotillaError.replyPayload(ref: envelope?.id, of: envelope?.type.rawValue)), ref: envelope?.id)
    }

    private func send(_ type: MessageType, body: Envelope.Body, ref: String?) {
        let envelope = Envelope(id: ref.map { "re-\($0)" } ?? UUID().uuidString, type: type, agentID: agentID.value, body: body)
        engine.connections.send(envelope, to: connection)
    }
}

/// The registered agent id of a session, set once by `register`.
final class SessionAgentID: Sendable {
    private let storage = Mutex<String?>(nil)

    var value: String? { storage.withLock { $0 } }

    func set(_ id: String) { storage.withLock { $0 = id } }

    /// Forgets the id (its registration was refused).
    func clear() { storage.withLock { $0 = nil } }
}
