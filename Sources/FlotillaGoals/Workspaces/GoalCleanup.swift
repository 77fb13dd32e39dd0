public import FlotillaCore
public import FlotillaEngine
public import Logging
public import ServiceLifecycle
import Synchronization

/// Removes goals' directories (`<data dir>/goals/<id>`: the clone, its worktrees, the merge
/// worktree) once nobody needs them (docs/goals.md, "Cleaning up"): a `done` goal's after
/// publication pushed its branch, a `cancelled` one's once its tasks' attempts have stopped,
/// a `failed` one's once older than the retention age (until then a person may inspect it and
/// `goal retry` reuses it), and one whose goal the store does not know. Which goes is
/// ``WorkspaceVerdict``'s call; each removal is a `goal.workspace_removed` event.
///
/// Nothing is cut off: a directory waits while the merge queue or the finisher works on its
/// goal (``addBusyCheck(_:)``, ``tracking(_:)``) or agents still work in worktrees of its
/// clone, and the removal holds the clone's locks. A goal that ended is retried every
/// `retry` seconds until its directory is gone. Agents whose worktree is still there `settle`
/// seconds after the goal ended are taken for dead: the directory goes anyway.
///
/// Nothing is kept only in memory: a sweep at start and every `interval` seconds looks at
/// every directory under the root, so a hub stopped between a goal's end and the removal
/// does not leak it.
public final class GoalCleanup: Service, Sendable {
    /// When the cleanup looks (`GoalConfiguration.cleanup`).
    public struct Policy: Sendable, Hashable {
        /// Seconds between sweeps of the whole root. Default 5 minutes.
        public var interval: Double
        /// Seconds between tries at a goal that ended while something still works on it.
        public var retry: Double
        /// Seconds after a goal ended after which agents' worktrees left in its clone no
        /// longer hold the removal back. Default 1 hour.
        public var settle: Double

        public init(interval: Double = 300, retry: Double = 1, settle: Double = 3600) {
            self.interval = interval
            self.retry = retry
            self.settle = settle
        }
    }

    /// Whether something in the hub works on the goal (by id) now.
    public typealias BusyCheck = @Sendable (String) -> Bool

    public enum Outcome: Sendable, Hashable {
        case removed(WorkspaceRemoval)
        /// The goal keeps its directory (not final, failed within the retention age), or has none.
        case kept
        /// The directory goes once nothing works on it any more.
        case waiting
    }

    let engine: Engine
    public let workspaces: GoalWorkspaces
    /// The retention age in seconds (`--retention-days`); nil: failed goals keep their clone.
    let maxAge: Double?
    let policy: Policy
    let clock: @Sendable () -> Double
    /// Whether a goal's end is followed on the event bus (off when the hub carries no goal on,
    /// `--goal-concurrency 0`, which holds no subscription: the sweeps find ended goals).
    let followsEndings: Bool
    let logger: Logger
    private let busyChecks = Mutex<[BusyCheck]>([])
    /// Goals whose finisher is running, with the number of calls.
    private let finishing = Mutex<[String: Int]>([:])
    /// Goals that ended and still have a directory to remove.
    private let pending = Mutex<Set<String>>([])
    private let wakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    public init(engine: Engine, workspaces: GoalWorkspaces, maxAge: Double?, policy: Policy = Policy(),
                clock: @escaping @Sendable () -> Double = { Timestamp.now() }, followsEndings: Bool = true, logger: Logger) {
        self.engine = engine
        self.workspaces = workspaces
        self.maxAge = maxAge
        self.policy = policy
        self.clock = clock
        self.followsEndings = followsEndings
        self.logger = logger
    }

    /// Adds a check that holds removals back while it says the goal is worked on (the merge queue's).
    public func addBusyCheck(_ check: @escaping BusyCheck) {
        busyChecks.withLock { $0.append(check) }
    }

    /// The finisher, counted while it runs: a goal's directory is not removed under it.
    public func tracking(_ finish: @escaping GoalService.Finisher) -> GoalService.Finisher {
        { [self] goal in
            finishing.withLock { $0[goal.id, default: 0] += 1 }
            defer {
                finishing.withLock { calls in
                    calls[goal.id, default: 1] -= 1
                    if calls[goal.id] == 0 { calls[goal.id] = nil }
                }
                // It may have just ended the goal: look again at once.
                wakeups.continuation.yield()
            }
            await finish(goal)
        }
    }

    func isBusy(_ id: String) -> Bool {
        if finishing.withLock({ $0[id] != nil }) { return true }
        return busyChecks.withLock { $0 }.contains { $0(id) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { group in
                if self.followsEndings { group.addTask { await self.followEndings() } }
                group.addTask { await self.sweepPeriodically() }
                group.addTask { await self.retryPending() }
            }
        }
    }

    /// One look at every goal directory under the root: each whose verdict says it goes is
    /// removed now, or (something still works on it) tried again every `retry` seconds.
    @discardableResult
    public func sweep() async -> [WorkspaceRemoval] {
        var removed: [WorkspaceRemoval] = []
        for id in workspaces.goalDirectories() {
            switch await cleanUp(goalID: id) {
            case .removed(let removal): removed.append(removal)
            case .waiting: pending.withLock { _ = $0.insert(id) }
            case .kept: break
            }
        }
        return removed
    }

    /// Looks at one goal: removes its directory when its verdict says so and nothing works on it.
    public func cleanUp(goalID id: String) async -> Outcome {
        let goal: GoalRecord?
        do {
            goal = try await engine.goal(id: id)
        } catch let error as FlotillaError where error.code == .goalNotFound {
            goal = nil
        } catch {
            logger.warning("goal cleanup: cannot read goal \(id): \(error)")
            return .kept
        }
        let now = clock()
        guard case .remove(let reason) = WorkspaceVerdict.of(goal, maxAge: maxAge, now: now) else { return .kept }
        if isBusy(id) { return .waiting }
        // Agents still in its worktrees hold it back until they have had time to stop.
        let ended = goal.map { $0.endedAt ?? $0.updatedAt }
        let force = ended.map { now - $0 > policy.settle } ?? true
        do {
            switch try await workspaces.removeDirectory(goalID: id, reason: reason, force: force) {
            case .absent:
                return .kept
            case .busy:
                return .waiting
            case .removed(let removal):
                logger.info("goal workspace removed", metadata: ["goal": "\(id)", "reason": "\(reason.rawValue)", "bytes": "\(removal.bytes)"])
                do {
                    try await engine.recordGoalEvents([WorkflowEvent(.goalWorkspaceRemoved, data: removal.eventData)])
                } catch {
                    logger.error("goal workspace removed, its event not recorded", metadata: ["goal": "\(id)", "error": "\(error)"])
                }
                return .removed(removal)
            }
        } catch {
            logger.error("goal cleanup: cannot remove goal \(id)'s directory: \(error)")
            return .waiting
        }
    }

    // MARK: - Running

    /// A goal that reaches `done` or `cancelled` is looked at at once.
    private func followEndings() async {
        let endings: Set<String> = [GoalState.done.rawValue, GoalState.cancelled.rawValue]
        while !_Concurrency.Task.isCancelled {
            let stream = engine.events.subscribe { event in
                event.type == EventKind.goalStateChanged.rawValue && (event.details["to"]?.stringValue).map(endings.contains) == true
            }
            for await event in stream {
                guard let id = event.details["goal_id"]?.stringValue, GoalRecord.isValidID(id) else { continue }
                pending.withLock { _ = $0.insert(id) }
                wakeups.continuation.yield()
            }
            // Cut off for falling behind: the sweep finds what was missed; subscribe again.
            try? await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
    }

    private func sweepPeriodically() async {
        while !_Concurrency.Task.isCancelled {
            await sweep()
            try? await _Concurrency.Task.sleep(for: .seconds(policy.interval))
        }
    }

    /// Tries the pending goals on every wake-up (a goal ended, a finisher returned) and every
    /// `retry` seconds while any is left.
    private func retryPending() async {
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                while !_Concurrency.Task.isCancelled {
                    try? await _Concurrency.Task.sleep(for: .seconds(policy.retry))
                    if !pending.withLock({ $0.isEmpty }) { wakeups.continuation.yield() }
                }
            }
            for await _ in wakeups.stream {
                for id in pending.withLock({ $0 }).sorted() {
                    if await cleanUp(goalID: id) != .waiting { pending.withLock { _ = $0.remove(id) } }
                }
            }
        }
    }
}
