import Foundation
public import FlotillaCore
public import Logging
import Synchronization

/// A running agent: keeps a connection to the hub (reconnecting with backoff), registers,
/// heartbeats, runs each assignment through an ``AttemptRunner`` and delivers its report.
///
/// Attempts run outside any one connection, so the work in hand survives the hub going away;
/// final reports (`complete`, `fail`, `release`) are kept until the hub acknowledges them and are
/// sent again after a reconnect. ``drain()`` and ``releaseNow()`` implement graceful shutdown.
public final class AgentRuntime: Sendable {
    public let configuration: AgentConfiguration
    let transport: any AgentTransport
    let runner: AttemptRunner
    let logger: Logger
    let ids = IDGenerator()
    let started = ContinuousClock.now
    let state = Mutex(State())
    let assignments: (stream: AsyncStream<Assignment>, continuation: AsyncStream<Assignment>.Continuation)
    /// Fired by ``drain()``; the drain itself runs inside ``run()``.
    let drainRequested = OneShot<Bool>()
    let finished = OneShot<Bool>()
    /// Executors' approval questions and the hub's decisions (ApprovalBroker.swift).
    public let approvals: ApprovalBroker

    struct State {
        var channel: (any AgentChannel)?
        var running: [AttemptKey: StopSignal] = [:]
        /// Final reports not yet acknowledged, in the order they were made.
        var pendingFinals: [PendingReport] = []

        /// Attempts whose final report still waits for the hub's ack.
        var unsettled: Set<AttemptKey> { Set(pendingFinals.compactMap(\.attempt)) }
        var draining = false
        var heartbeatInterval: Duration?
        var completed = 0
        var failed = 0
        var refusal: AgentError?
        /// CPU use between heartbeats (`cpu_percent`).
        var cpu = CPUMeter()
        /// Paused by a subscription's usage limit until then (AgentRuntime+pause.swift).
        var pausedUntil: Double?
        var pauseAnnounced = false
    }

    public init(configuration: AgentConfiguration, transport: any AgentTransport, runner: AttemptRunner, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.runner = runner
        self.logger = logger
        self.assignments = AsyncStream.makeStream(of: Assignment.self)
        self.approvals = ApprovalBroker(agentID: configuration.agentID, role: configuration.roles.first)
        approvals.attach { [weak self] envelope in await self?.sendNow(envelope) ?? false }
    }

    /// Runs until a drain has finished.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.connectionLoop() }
            group.addTask { await self.heartbeatLoop() }
            group.addTask {
                guard await self.drainRequested.wait() != nil else { return }
                await self.performDrain()
                self.finished.fire(true)
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { attempts in
                    for await assignment in self.assignments.stream {
                        attempts.addTask { await self.runAttempt(assignment) }
                    }
                }
            }
            _ = await finished.wait()
            assignments.continuation.finish()
            group.cancelAll()
        }
    }

    /// Takes no new work, lets the work in hand finish within the grace period, releases what is
    /// left to the hub, and then ends ``run()``.
    public func drain() {
        state.withLock { $0.draining = true }
        drainRequested.fire(true)
    }

    /// Releases every attempt in hand at once (a second signal) and ends ``run()``.
    public func releaseNow() {
        drain()
        let stops = state.withLock { Array($0.running.values) }
        for stop in stops { stop.fire(.released) }
    }

    /// Attempts in hand, for heartbeats and tests.
    public var attemptsInHand: [AttemptKey] { state.withLock { Array($0.running.keys) } }

    public var isConnected: Bool { state.withLock { $0.channel != nil } }

    /// Why ``run()`` ended early: the hub refused the registration.
    public var refusal: AgentError? { state.withLock { $0.refusal } }

    private func performDrain() async {
        logger.info("draining", metadata: ["in_hand": "\(attemptsInHand.count)"])
        await send(.drain, payload: [:])
        let deadline = ContinuousClock.now + configuration.drainGrace
        while !attemptsInHand.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for stop in state.withLock({ Array($0.running.values) }) { stop.fire(.released) }
        // Releases and late completions are delivered if the hub can be reached soon; otherwise
        // the hub's lease expiry takes the attempts back.
        let deliveryDeadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deliveryDeadline, state.withLock({ !$0.running.isEmpty || !$0.pendingFinals.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        logger.info("drained")
    }

    /// Heartbeats on the interval the hub asked for at the last registration; checks often, so a
    /// shorter interval from a new registration applies at once.
    private func heartbeatLoop() async {
        var last = ContinuousClock.now
        while !Task.isCancelled {
            let interval = state.withLock { $0.heartbeatInterval } ?? configuration.heartbeatInterval
            do { try await Task.sleep(for: min(interval, .milliseconds(500))) } catch { return }
            await resumeIfDue()
            guard ContinuousClock.now - last >= interval else { continue }
            last = ContinuousClock.now
            await send(.heartbeat, payload: heartbeatPayload())
            await resendUnacknowledged(olderThan: interval)
            await resumeIfDue()
        }
    }

    /// Sends again the final reports the hub has not acknowledged for a while. A broker that
    /// acknowledged a report and then died with it (no persistence) leaves the connection, and
    /// so the re-send on re-registration, untouched; the hub answers a repeat as a duplicate.
    func resendUnacknowledged(olderThan age: Duration) async {
        let now = ContinuousClock.now
        let (channel, due) = state.withLock { state -> ((any AgentChannel)?, [Envelope]) in
            guard let channel = state.channel else { return (nil, []) }
            var due: [Envelope] = []
            for index in state.pendingFinals.indices where now - state.pendingFinals[index].sentAt >= age {
                due.append(state.pendingFinals[index].envelope)
                state.pendingFinals[index].sentAt = now
            }
            return (channel, due)
        }
        guard let channel, !due.isEmpty else { return }
        logger.info("re-sending \(due.count) unacknowledged report(s)")
        for envelope in due { try? await channel.send(envelope) }
    }

    func heartbeatPayload() -> JSONValue {
        let usage = ResourceUsage.current()
        let uptime = (ContinuousClock.now - started).seconds
        // Reports not yet acknowledged still hold their attempts: the hub must keep those leases.
        let now = ContinuousClock.now
        let (inHand, completed, failed, draining, cpuPercent, pausedUntil) = state.withLock { state in
            (
                state.unsettled.union(state.running.keys).map(\.description), state.completed, state.failed, state.draining,
                state.cpu.percent(treeSeconds: usage.treeCPUSeconds, now: now, started: started), state.pausedUntil
            )
        }
        var payload: JSONValue = [
            // The heartbeat's members (docs/protocol.md): `status`, `uptime`, `memory` and `role`.
            "status": .string(draining ? "draining" : "alive"),
            "role": .string(configuration.roles.first ?? RoleTable.defaultRole),
            "roles": .array(configuration.roles.map(JSONValue.string)),
            "memory": ["rss": .int(Int64(usage.rssBytes))],
            "uptime": .double((uptime * 10).rounded() / 10),
            "rss_bytes": .int(Int64(usage.rssBytes)),
            "rss_mb": .double((Double(usage.rssBytes) / 1_048_576 * 10).rounded() / 10),
            "cpu_seconds": .double((usage.cpuSeconds * 100).rounded() / 100),
            // The agent and everything it runs, since the previous heartbeat.
            "cpu_percent": .double(cpuPercent),
            "current_tasks": .array(inHand.sorted().map(JSONValue.string)),
            "completed": .int(Int64(completed)),
            "failed": .int(Int64(failed)),
            "draining": .bool(draining),
        ]
        if let pausedUntil {
            payload = .object((payload.objectValue ?? [:]).merging(["status": "paused", "paused_until": .string(Timestamp.iso8601(pausedUntil))]) { _, new in new })
        }
        return payload
    }

    /// Sends an envelope as it is now, if connected; false when it could not go.
    func sendNow(_ envelope: Envelope) async -> Bool {
        guard let channel = state.withLock({ $0.channel }) else { return false }
        do {
            try await channel.send(envelope)
            return true
        } catch {
            return false
        }
    }

    /// Sends a message now if connected; final reports are also kept until acknowledged.
    @discardableResult
    func send(_ type: MessageType, payload: JSONValue, final: Bool = false, redacted: Bool = false) async -> String {
        // Every message names its sender's role, as the envelope allows (docs/protocol.md). What
        // a task printed (progress, output tail, result) leaves the agent with secrets redacted
        // (output frames come redacted already: their offsets count the redacted text).
        let envelope = Envelope(id: ids.next(), type: type, agentID: configuration.agentID, role: configuration.roles.first, payload: redacted ? payload : SecretRedactor.redact(payload))
        let channel = state.withLock { state -> (any AgentChannel)? in
            if final { state.pendingFinals.append(PendingReport(envelope: envelope, sentAt: .now)) }
            return state.channel
        }
        if let channel { try? await channel.send(envelope) }
        return envelope.id
    }
}

/// A final report (complete, fail, release) kept until the hub acknowledges it.
struct PendingReport: Sendable {
    var envelope: Envelope
    /// The attempt it settles, read once from its payload.
    var attempt: AttemptKey?
    var sentAt: ContinuousClock.Instant

    init(envelope: Envelope, sentAt: ContinuousClock.Instant) {
        self.envelope = envelope
        self.sentAt = sentAt
        if let task = envelope.payload["task_id"]?.stringValue, let number = envelope.payload["attempt"]?.intValue {
            attempt = AttemptKey(taskID: task, attempt: Int(number))
        }
    }
}
