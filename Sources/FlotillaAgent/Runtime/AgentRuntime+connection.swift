import Foundation
import Synchronization
import FlotillaCore
import Logging

extension AgentRuntime {
    /// Connects, serves the connection until it drops, and reconnects with exponential backoff and
    /// jitter; the backoff starts over after each successful registration.
    func connectionLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let registered = OneShot<Bool>()
            do {
                try await transport.session { channel in
                    try await self.serve(channel, registered: registered)
                }
            } catch let error as AgentError where error.code == .badConfiguration || error.code == .unauthorized {
                // A refused registration (wrong role or id for the token, bad id) or a refused
                // token will not heal by retrying: stop, so the operator sees it at once. A hub
                // that is down or restarting is a plain connection error, retried below.
                logger.error("the hub refused this agent: \(error.message)")
                state.withLock { $0.refusal = error }
                finished.fire(true)
                return
            } catch {
                logger.warning("connection to \(transport.endpoint) failed: \(error)")
            }
            state.withLock { $0.channel = nil }
            approvals.disconnected()
            if Task.isCancelled { return }
            failures = registered.reason == true ? 1 : failures + 1
            let delay = Self.backoff(failures: failures, base: configuration.reconnectBase, max: configuration.reconnectMax)
            logger.info("reconnecting in \(delay)")
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// An `error` reply that says "not now" (5xx, 429) rather than "never": the message changed
    /// nothing and may be sent again.
    static func isTemporary(_ reply: Envelope) -> Bool {
        if reply.payload["code"]?.stringValue == FlotillaError.Code.rateLimited.rawValue { return true }
        return (reply.payload["status"]?.intValue ?? 0) >= 500
    }

    static func backoff(failures: Int, base: Duration, max: Duration) -> Duration {
        let exponential = base * (1 << min(failures - 1, 16))
        let capped = exponential > max ? max : exponential
        return capped * Double.random(in: 0.5...1.0)
    }

    /// Registers, re-sends unacknowledged reports, says `ready` (or `drain`), then handles the
    /// hub's messages until the connection closes.
    func serve(_ channel: any AgentChannel, registered: OneShot<Bool>) async throws {
        let registerID = ids.next()
        let registration = AgentRegistration(
            id: configuration.agentID, roles: configuration.roles, capabilities: configuration.capabilities,
            concurrency: configuration.concurrency, executor: runner.router.names.joined(separator: ","),
            version: configuration.version, pid: Int(ProcessInfo.processInfo.processIdentifier), host: ProcessInfo.processInfo.hostName
        )
        // The registration as the hub reads it; the envelope's `agent_id` names the agent.
        var payload = registration.json.objectValue ?? [:]
        payload[AgentRegistration.Field.id.rawValue] = nil
        payload["swarm"] = configuration.swarm.map(JSONValue.string) ?? .null
        try await channel.send(Envelope(id: registerID, type: .register, agentID: configuration.agentID, role: configuration.roles.first, payload: .object(payload)))
        var messages = channel.messages.makeAsyncIterator()
        var reply: Envelope?
        while let message = await messages.next() {
            // Only the answer to this registration: a broker may still hold an older one.
            if message.type == .registered, message.id == "re-\(registerID)" { reply = message; break }
            if message.type == .error, message.payload["ref"]?.stringValue == registerID {
                let text = message.payload["message"]?.stringValue ?? "registration refused"
                // Another session holds this id: most often this agent's previous process, whose
                // socket the hub has not seen close yet. Retried with backoff, not fatal.
                if message.payload["code"]?.stringValue == FlotillaError.Code.agentInUse.rawValue {
                    throw RegistrationDeferred(message: text)
                }
                // A hub that cannot store the registration now (503) or asks us to slow down
                // (429) will take it later: reconnect with backoff rather than stop.
                if Self.isTemporary(message) {
                    let code = message.payload["code"]?.stringValue.flatMap(FlotillaError.Code.init(rawValue:)) ?? .storeUnavailable
                    throw FlotillaError(code, "the hub cannot register this agent yet: \(text)")
                }
                throw AgentError(.badConfiguration, text)
            }
        }
        guard let reply else { return }
        registered.fire(true)
        let held = Set((reply.payload["held"]?.arrayValue ?? []).compactMap { item -> AttemptKey? in
            guard let task = item["task_id"]?.stringValue, let attempt = item["attempt"]?.intValue else { return nil }
            return AttemptKey(taskID: task, attempt: Int(attempt))
        })
        let (lost, resend, draining, missing) = state.withLock { state in
            state.channel = channel
            // Never heartbeat less often than a third of the lease, whatever the hub suggests.
            let lease = reply.payload["lease_seconds"]?.doubleValue.map { $0 / 3 } ?? .infinity
            if let seconds = reply.payload["heartbeat_interval"]?.doubleValue.map({ min($0, lease) }), seconds > 0 {
                state.heartbeatInterval = .milliseconds(Int(seconds * 1000))
            }
            let lost = state.running.filter { !held.contains($0.key) }
            // Held by the hub, unknown here: the assignment was lost on the way.
            let unsettled = state.unsettled
            let missing = held.filter { state.running[$0] == nil && !unsettled.contains($0) }
            return (lost, state.pendingFinals.map(\.envelope), state.draining || state.pausedUntil != nil, missing)
        }
        logger.info("registered with \(transport.endpoint)", metadata: ["held": "\(held.count)", "resending": "\(resend.count)"])
        // Work the hub no longer counts as ours was taken back while we were away: stop it.
        for (key, stop) in lost {
            logger.warning("attempt \(key) is no longer ours; stopping it")
            stop.fire(.cancelled)
        }
        for envelope in resend { try await channel.send(envelope) }
        await approvals.connected()
        for key in missing.sorted(by: { $0.description < $1.description }) {
            logger.warning("the hub counts \(key) as ours but it never arrived; releasing it")
            await send(.release, payload: ["task_id": .string(key.taskID), "attempt": .int(Int64(key.attempt)), "reason": "assignment never arrived"], final: true)
        }
        let readyID = ids.next()
        try await channel.send(Envelope(id: readyID, type: draining ? .drain : .ready, agentID: configuration.agentID, payload: pausePayload() ?? [:]))
        while let message = await messages.next() {
            if message.type == .error, message.payload["ref"]?.stringValue == readyID, Self.isTemporary(message) {
                // Not taking work would go unnoticed: start over (register, then ready again).
                let code = message.payload["code"]?.stringValue.flatMap(FlotillaError.Code.init(rawValue:)) ?? .storeUnavailable
                throw FlotillaError(code, "the hub could not take '\(draining ? "drain" : "ready")' yet: \(message.payload["message"]?.stringValue ?? "")")
            }
            await handle(message)
        }
    }

    func handle(_ message: Envelope) async {
        switch message.type {
        case .assignment:
            guard let assignment = try? Assignment(envelope: message) else {
                logger.error("unreadable assignment: \(message.text)")
                return
            }
            enum Decision { case run, giveBack, ignore }
            let decision = state.withLock { state -> Decision in
                if state.running[assignment.key] != nil { return .ignore }
                if state.draining || state.pausedUntil != nil { return .giveBack }
                state.running[assignment.key] = StopSignal()
                return .run
            }
            switch decision {
            case .run: assignments.continuation.yield(assignment)
            case .giveBack: await send(.release, payload: ["task_id": .string(assignment.taskID), "attempt": .int(Int64(assignment.attempt)), "reason": "agent draining"], final: true)
            case .ignore: break
            }
        case .cancel:
            guard let task = message.payload["task_id"]?.stringValue, let attempt = message.payload["attempt"]?.intValue else { return }
            let stop = state.withLock { $0.running[AttemptKey(taskID: task, attempt: Int(attempt))] }
            logger.info("hub cancelled \(task)#\(attempt): \(message.payload["reason"]?.stringValue ?? "")")
            stop?.fire(.cancelled)
        case .approvalDecision:
            approvals.received(message)
        case .ack, .error:
            if approvals.received(message) { return }
            guard let ref = message.payload["ref"]?.stringValue else { return }
            if message.type == .error, Self.isTemporary(message) {
                // The hub could not take the message now (its store failed, or it is busy) and
                // changed nothing. A final report stays pending: it goes again with the next
                // re-send, until acknowledged. Progress and heartbeats are simply superseded.
                let final = state.withLock { $0.pendingFinals.contains { $0.envelope.id == ref } }
                if final {
                    logger.warning("the hub could not take report \(ref) yet: \(message.payload["message"]?.stringValue ?? ""); will send it again")
                }
                return
            }
            let settled = state.withLock { state -> Bool in
                guard let index = state.pendingFinals.firstIndex(where: { $0.envelope.id == ref }) else { return false }
                state.pendingFinals.remove(at: index)
                return true
            }
            if settled, message.type == .error {
                // A stale or unknown attempt cannot be reported any more; the hub decided already.
                logger.warning("hub refused a report: \(message.payload["code"]?.stringValue ?? "?"): \(message.payload["message"]?.stringValue ?? "")")
            }
        case .message:
            logger.info("message from \(message.agentID ?? "?"): \(message.payload.jsonString)")
        default:
            break
        }
    }
}

/// The hub refused the registration for now (`agent_in_use`): the agent retries with backoff.
struct RegistrationDeferred: Error, CustomStringConvertible {
    let message: String
    var description: String { "agent_in_use: \(message)" }
}
