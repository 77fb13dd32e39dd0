public import FlotillaCore
public import FlotillaEngine
public import Logging
public import ServiceLifecycle
import Synchronization

/// The hub's own initiative (issue 25 part 5, docs/goals.md, "The hub's own initiative"): on a
/// schedule it scans the registered repositories deterministically and proposes improvement
/// goals that wait for a person's approval (unless low-risk and allowed); its own goals start
/// only when the task queue is idle and its day budget has room (``startGate(_:)``); it heals
/// the fleet. Off unless the hub runs with `--autonomy`.
///
/// Nothing lives only in memory that matters: each pass re-derives where every proposal
/// stands from the store (its finding, its goal, its approval), so a restart carries on.
/// Memory holds only what saves events from repeating (the last state, the last start verdict).
public final class AutonomyService: Service, Sendable {
    public let engine: Engine
    public let configuration: AutonomyConfiguration
    let logger: Logger
    let scanner: AutonomyScanner
    /// Restarts a watched fleet agent by name (the hub's `WatchedAgents.restart`), when the hub
    /// watches its fleet; nil: stuck agents are reported only.
    let restarter: Mutex<(@Sendable (String) async throws -> String)?>

    struct State {
        var state: AutonomyState?
        var lastScan: Double?
        /// The clock's time of the last finished pass (tests wait on it).
        var lastPass: Double?
        var passes = 0
        var scanning = false
        /// Newest last, at most ``recentLimit``.
        var decisions: [AutonomyDecision] = []
        /// Per goal, the last start verdict announced (so a held goal is not announced every second).
        var verdicts: [String: String] = [:]
        /// Proposals whose approval this process announced.
        var approved: Set<String> = []
        /// Watched agents reported stuck, to heal in the next pass.
        var stuck: [String] = []
        /// Offline agents holding work, by when a pass first saw them so (by its clock).
        var offlineSince: [String: Double] = [:]
        var spentToday = 0.0
        var wake: CheckedContinuation<Void, Never>?
        var woken = false
    }

    let state = Mutex(State())
    static let recentLimit = 50

    public init(engine: Engine, configuration: AutonomyConfiguration, logger: Logger, restartAgent: (@Sendable (String) async throws -> String)? = nil) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.scanner = AutonomyScanner(timeout: configuration.commandTimeout)
        self.restarter = Mutex(restartAgent)
    }

    /// How it restarts a stuck watched agent (set once the hub's tmux watcher exists).
    public func restart(through restart: @escaping @Sendable (String) async throws -> String) {
        restarter.withLock { $0 = restart }
    }

    var restartAgent: (@Sendable (String) async throws -> String)? { restarter.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask { await self.loop() }
            }
        }
    }

    /// Passes, one after the other: each at the clock's time, then a sleep until the next tick
    /// or until an event wakes it.
    private func loop() async {
        let clock = configuration.clock
        while !_Concurrency.Task.isCancelled {
            let now = clock.now()
            await pass(now: now)
            state.withLock {
                $0.lastPass = max($0.lastPass ?? now, now)
                $0.passes += 1
            }
            await sleep(until: now + configuration.tick)
        }
    }

    /// Wakes the loop on what changes a decision: approvals decided, goals moving, tasks ending,
    /// agents going offline or stuck.
    private func listen() async {
        let prefixes = ["approval.decided", "goal.", "task.succeeded", "task.dead", "task.cancelled", "agent.offline", "agent.stuck"]
        let events = engine.events.subscribe(where: { event in prefixes.contains { event.type.hasPrefix($0) } })
        for await event in events {
            if event.type == EventKind.agentStuck.rawValue, let agent = event.agentID {
                state.withLock { if !$0.stuck.contains(agent) { $0.stuck.append(agent) } }
            }
            wake()
        }
    }

    func wake() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.woken = true
            defer { state.wake = nil }
            return state.wake
        }
        continuation?.resume()
    }

    private func sleep(until deadline: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { state -> Bool in
                        if state.woken { return true }
                        state.wake = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            }
            group.addTask { try? await self.configuration.clock.sleep(until: deadline) }
            await group.next()
            self.wake()
            group.cancelAll()
            await group.waitForAll()
        }
        state.withLock { $0.woken = false }
    }

    // MARK: the start gate

    /// GoalService's start gate: a goal the initiative proposed starts only when its proposal
    /// was allowed (or was low-risk and allowed), the task queue is idle and the day budget has
    /// room. Any other goal: yes. Each change of verdict is an `autonomy.decision` (`start` or
    /// `hold`, with the reason).
    public func startGate(_ goal: GoalRecord) async -> Bool {
        guard Self.isOwn(goal) else { return true }
        let verdict = await startVerdict(goal)
        let (kind, reason): (AutonomyDecision.Kind, String) = switch verdict {
        case .start: (.start, "the task queue is idle and the day budget has room")
        case .hold(let why): (.hold, why)
        }
        let changed = state.withLock { state -> Bool in
            guard state.verdicts[goal.id] != reason else { return false }
            state.verdicts[goal.id] = reason
            return true
        }
        if changed {
            await decide(AutonomyDecision(kind, reason: reason, goalID: goal.id, fingerprint: Self.fingerprint(goal), at: configuration.clock.now()))
        }
        return verdict == .start
    }

    func startVerdict(_ goal: GoalRecord) async -> AutonomyPolicy.Start {
        let findings = (try? await engine.autonomyFindings()) ?? []
        let approved: Bool
        if let finding = findings.first(where: { $0.goalID == goal.id }) {
            if let approvalID = finding.approvalID {
                approved = (try? await engine.approval(id: approvalID))?.state == .allowed
            } else {
                approved = finding.status == .proposed
            }
        } else {
            approved = false
        }
        let spent = await spentToday(now: configuration.clock.now(), findings: findings)
        return configuration.policy.start(approved: approved, busyTasks: engine.busyTaskCount, spentToday: spent)
    }

    /// Whether the initiative proposed `goal` (`details["autonomy"].origin`).
    public static func isOwn(_ goal: GoalRecord) -> Bool {
        goal.details["autonomy"]?["origin"]?.stringValue == "autonomy"
    }

    static func fingerprint(_ goal: GoalRecord) -> String? {
        goal.details["autonomy"]?["finding"]?["fingerprint"]?.stringValue
    }

    /// What its own goals spent since midnight UTC (the cost ledger grouped by goal).
    func spentToday(now: Double, findings: [AutonomyFindingRecord]) async -> Double {
        let own = Set(findings.compactMap(\.goalID))
        guard !own.isEmpty, let report = try? await engine.costs(CostQuery(by: .goal, since: AutonomyPolicy.dayStart(now))) else { return 0 }
        let spent = report.totals.filter { $0.key.map(own.contains) ?? false }.reduce(0) { $0 + $1.usage.usd }
        state.withLock { $0.spentToday = spent }
        return spent
    }

    // MARK: decisions and state

    /// Commits a decision's event and keeps it among the recent ones.
    func decide(_ decision: AutonomyDecision, writes: [StoreWrite] = []) async {
        do {
            try await engine.commitAutonomy(writes, events: [decision.event])
        } catch {
            logger.warning("autonomy: cannot record a decision (\(decision.decision.rawValue)): \(error)")
            return
        }
        remember(decision)
    }

    func remember(_ decision: AutonomyDecision) {
        state.withLock { state in
            state.decisions.append(decision)
            if state.decisions.count > Self.recentLimit { state.decisions.removeFirst(state.decisions.count - Self.recentLimit) }
        }
    }

    /// Moves to `next`, with `autonomy.state_changed`, when it differs from the current state.
    func enter(_ next: AutonomyState) async {
        let previous = state.withLock { $0.state }
        guard previous != next else { return }
        do {
            try await engine.commitAutonomy([], events: [AutonomyDecision.stateEvent(from: previous, to: next)])
            state.withLock { $0.state = next }
        } catch {
            logger.warning("autonomy: cannot record the state \(next.rawValue): \(error)")
        }
    }

    /// The clock's time of the last finished pass, and how many passes ran (tests wait on it).
    public var lastPass: (at: Double?, count: Int) { state.withLock { ($0.lastPass, $0.passes) } }
}
