import FlotillaCore
import FlotillaStore
import Foundation
import Logging
import Synchronization

/// One agent's WebSocket conversation: reads envelopes, applies them to the hub, replies.
///
/// Reports are not awaited one by one: each is queued for commit and its `ack` (or `error`)
/// is sent when its batch is durable, so one agent's messages share group commits.
struct AgentSession: Sendable {
    let hub: Hub
    let identity: Identity
    let connection: Int
    let logger: Logger
    /// Rate and size bounds on relayed messages (nil: unbounded, the MQTT bridge's own sessions).
    var guards: HubGuards? = nil

    /// The agent this socket registered as (set by `register`).
    private let agentID = SessionAgentID()

    func handle(text: String) {
        let parsed = Result { () throws(FlotillaError) in try Envelope(text: text) }
        guard case .success(let envelope) = parsed else {
            if case .failure(let error) = parsed { reply(error: error, to: nil) }
            return
        }
        handle(envelope)
    }

    func handle(_ envelope: Envelope) {
        switch envelope.type {
        case .register: register(envelope)
        case .ready, .drain, .heartbeat: control(envelope)
        case .accept, .progress, .complete, .fail, .release: report(envelope)
        case .message: relay(envelope)
        // Presence is the MQTT bridge's business (it reads wills); a socket's presence is the socket.
        case .status: break
        case .registered, .assignment, .cancel, .ack, .error, .event:
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
        let policy = hub.configuration.policy
        hub.mutate({ scheduler, now in
            // A live agent stays with the token it registered with: no takeover by another.
            if let refusal = scheduler.takeoverRefusal(of: registration.id, connection: connection, holder: holder) { throw refusal }
            return scheduler.register(registration, connection: connection, holder: holder, now: now)
        }) { [hub] result in
            guard case .success(let outcome) = result else {
                if case .failure(let error) = result {
                    // Taking a live agent over was refused: this connection speaks for no agent.
                    if error.code == .agentInUse { self.agentID.clear() }
                    self.reply(error: error, to: envelope)
                }
                return
            }
            if let old = outcome.superseded { hub.connections.close(old) }
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
        hub.mutate({ scheduler, now in
            guard scheduler.isSession(connection, of: id) else {
                throw FlotillaError(.notRegistered, "This connection is not agent '\(id)'s session; register first.")
            }
            switch type {
            case .ready: scheduler.ready(agentID: id, now: now)
            case .drain: scheduler.drain(agentID: id, now: now)
            default: scheduler.heartbeat(agentID: id, body: SecretRedactor.redact(envelope.payload), now: now)
            }
        }) { result in
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
        apply(report, of: envelope, agentID: id, stored: nil)
    }

    /// Applies a report. `stored` is nil until the store has been asked about the task, then
    /// the state the store holds (nil when it has no such task).
    private func apply(_ report: AttemptReport, of envelope: Envelope, agentID id: String, stored: TaskState??) {
        hub.mutate({ scheduler, now in
            try scheduler.report(report, from: id, connection: self.connection, stored: stored ?? nil, now: now)
        }) { result in
            switch result {
            case .success(let outcome):
                self.ack(envelope, report: .init(taskID: report.taskID, attempt: report.attempt, duplicate: outcome == .duplicate))
            case .failure(let error) where error.code == .taskNotFound && stored == nil:
                // Neither in flight nor recently finished: finished long ago (stale, 409) or
                // never existed (404)? Only the store knows, and this rare case asks it.
                _Concurrency.Task {
                    let state = (try? await self.hub.store.task(id: report.taskID))?.state
                    self.apply(report, of: envelope, agentID: id, stored: .some(state))
                }
            case .failure(let error):
                self.reply(error: error, to: envelope)
            }
        }
    }

    /// Relays a `message` to another agent (`payload.to`) or to every connected agent.
    private func relay(_ envelope: Envelope) {
        guard let id = agentID.value else { return notRegistered(envelope) }
        let target = envelope.payload["to"]?.stringValue
        var forwarded = envelope
        forwarded.agentID = id
        let connection = self.connection
        guard hub.inspect({ $0.isSession(connection, of: id) }) else { return notRegistered(envelope) }
        let connections = hub.inspect { scheduler in
            scheduler.agents.values.filter { target == nil || target == "broadcast" || $0.registration.id == target }.compactMap(\.connection)
        }
        if let target, target != "broadcast", connections.isEmpty {
            return reply(error: FlotillaError(.agentNotFound, "No connected agent has id '\(target)'.", field: "payload.to"), to: envelope)
        }
        let recipients = connections.filter { $0 != self.connection }
        if let guards {
            let error = Result { () throws(FlotillaError) in try guards.admitRelay(envelope, from: identity, recipients: recipients.count) }
            if case .failure(let error) = error { return reply(error: error, to: envelope) }
        }
        for connection in recipients { hub.connections.send(forwarded, to: connection) }
        ack(envelope, delivered: recipients.count)
    }

    func closed() {
        let connection = self.connection
        hub.mutate({ scheduler, now in scheduler.disconnect(connection: connection, now: now) }) { _ in }
        hub.connections.close(connection)
    }

    private func notRegistered(_ envelope: Envelope) {
        reply(error: FlotillaError(.notRegistered, "Send 'register' before '\(envelope.type.rawValue)'."), to: envelope)
    }

    private func ack(_ envelope: Envelope, report: Envelope.Ack.Report? = nil, delivered: Int? = nil) {
        send(.ack, body: .ack(.init(ref: envelope.id, of: envelope.type, report: report, delivered: delivered)), ref: envelope.id)
    }

    func reply(error: any Error, to envelope: Envelope?) {
        let flotillaError = error as? FlotillaError ?? FlotillaError(.internalError, "\(error)")
        send(.error, body: .json(flotillaError.replyPayload(ref: envelope?.id, of: envelope?.type.rawValue)), ref: envelope?.id)
    }

    private func send(_ type: MessageType, body: Envelope.Body, ref: String?) {
        let envelope = Envelope(id: ref.map { "re-\($0)" } ?? UUID().uuidString, type: type, agentID: agentID.value, body: body)
        hub.connections.send(envelope, to: connection)
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
