public import FlotillaCore
public import FlotillaEngine
public import Logging
public import ServiceLifecycle
import Synchronization

/// Carries each goal along its way (docs/goals.md): starts queued goals, plans them, asks for
/// approval, runs the plan as a workflow run and hands a finished run to publication.
///
/// It holds nothing only in memory: every pass (``drive()``) reads the goals that are not final
/// from the engine and acts on each by its state and its stored `details`, finding its tasks
/// by idempotency key and its run by trigger key, so a restarted hub picks every goal up where
/// it was. It wakes on the events that move goals (goal changes, task and run ends, approval
/// decisions) and on a 1 s tick.
///
/// A pass only decides: each goal's work (a clone, planning, an approval, a run) runs beside the
/// passes in a long-lived task group, one piece at a time per goal (``GoalService/hand(_:)``),
/// so a slow clone of one goal never holds up the others.
public final class GoalService: Service, Sendable {
    /// Whether a queued goal may start now (autonomy sets it; default: always).
    public typealias StartGate = @Sendable (GoalRecord) async -> Bool
    /// What takes a goal whose run succeeded on to its pull request (publication's
    /// `GoalPublisher.finish`); it moves the goal itself.
    public typealias Finisher = @Sendable (GoalRecord) async -> Void

    public let engine: Engine
    public let configuration: GoalConfiguration
    /// The goals' clones under `configuration.root`.
    public let workspaces: GoalWorkspaces
    let logger: Logger
    private let gate: Mutex<StartGate>
    private let finisher = Mutex<Finisher?>(nil)
    /// Goals whose finisher is running: one call per goal at a time.
    private let finishing = Mutex<Set<String>>([])
    private let finishes: AsyncStream<GoalRecord>
    private let finishQueue: AsyncStream<GoalRecord>.Continuation
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    /// Goals whose piece of work is running (GoalService+work.swift): one at a time per goal.
    let working = Mutex(WorkClaims())
    let works: AsyncStream<GoalRecord>
    let workQueue: AsyncStream<GoalRecord>.Continuation

    public init(engine: Engine, configuration: GoalConfiguration, logger: Logger, startGate: @escaping StartGate = { _ in true }) {
        self.engine = engine
        self.configuration = configuration
        self.workspaces = GoalWorkspaces(root: configuration.root)
        self.logger = logger
        self.gate = Mutex(startGate)
        // One pending wake-up is enough: a pass reads everything anew.
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = stream
        wakeup = continuation
        let (queued, queue) = AsyncStream.makeStream(of: GoalRecord.self)
        finishes = queued
        finishQueue = queue
        (works, workQueue) = AsyncStream.makeStream(of: GoalRecord.self)
    }

    /// Replaces the start gate (autonomy, when it is on).
    public func setStartGate(_ startGate: @escaping StartGate) {
        gate.withLock { $0 = startGate }
    }

    /// Sets what takes a goal on once its run succeeded (publication, when the hub has it).
    /// Without one, such a goal moves to `verifying` and stays there.
    public func setFinisher(_ finish: @escaping Finisher) {
        finisher.withLock { $0 = finish }
    }

    /// Asks for a pass soon (coalesced with any pending one).
    public func wake() { wakeup.yield() }

    public func run() async throws {
        guard configuration.concurrency > 0 else {
            // Carries no goal on: holds no subscription either, until the hub stops.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown { [self] in
            await withDiscardingTaskGroup { group in
                group.addTask { await self.followEvents() }
                group.addTask { await self.tick() }
                group.addTask {
                    for await _ in self.wakeups {
                        await self.drive()
                    }
                }
                // Each goal's work (clone, planning, approval, run) runs beside the passes.
                group.addTask { await self.runWork() }
                // Finishing (verification, review, publication) takes minutes: it runs beside
                // the passes, one call per goal at a time, so other goals keep moving.
                group.addTask { await self.runFinishes() }
            }
        }
    }

    /// The events after which some goal may move.
    static func wakes(_ event: EventRecord) -> Bool {
        let type = event.type
        return type.hasPrefix("goal.") || type.hasPrefix("workflow.") || type.hasPrefix("approval.decided")
            || type == EventKind.taskSucceeded.rawValue || type == EventKind.taskFailed.rawValue || type == EventKind.taskDead.rawValue
            || type == EventKind.taskCancelled.rawValue || type == EventKind.taskExpired.rawValue
    }

    private func followEvents() async {
        while !_Concurrency.Task.isCancelled {
            // A subscriber cut off for falling behind subscribes again: the pass reads the state, not the events.
            for await _ in engine.events.subscribe(where: Self.wakes) { wake() }
            try? await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
    }

    private func tick() async {
        wake()
        while !_Concurrency.Task.isCancelled {
            try? await _Concurrency.Task.sleep(for: .seconds(1))
            wake()
        }
    }

    /// One pass over the goals that are not final: starts queued ones while there is room and
    /// the gate agrees, and hands each other one to its work (``hand(_:)``), unless its previous
    /// work is still running. The pass itself waits on no goal's work.
    public func drive() async {
        // Concurrency 0: the hub keeps a backlog and carries no goal on.
        guard configuration.concurrency > 0 else { return }
        let goals: [GoalRecord]
        do {
            goals = try await engine.goals(GoalQuery(states: GoalState.allCases.filter { !$0.isFinal }, limit: GoalQuery.maxLimit))
        } catch {
            logger.warning("goals: cannot read the goals: \(error)")
            return
        }
        // A started goal is in `planning` before its work begins, so the next pass counts it.
        var busy = goals.filter { Self.occupying.contains($0.state) }.count
        let backlog = goals.filter { $0.state == .queued }.sorted {
            ($0.priority, -$0.createdAt, $0.id) > ($1.priority, -$1.createdAt, $1.id)
        }
        let startGate = gate.withLock { $0 }
        for goal in backlog where busy < configuration.concurrency {
            guard !isWorking(goal.id), await startGate(goal) else { continue }
            do {
                try await start(goal)
                busy += 1
            } catch {
                logger.warning("goals: cannot start goal \(goal.id): \(error)")
            }
        }
        for goal in goals where goal.state != .queued {
            hand(goal)
        }
    }

    /// The states that take one of the `concurrency` places: planning up to review.
    static let occupying: Set<GoalState> = [.planning, .awaitingApproval, .executing, .verifying, .review]

    /// A queued goal starts: it moves to `planning` in the pass (a quick commit, so passes count
    /// it at once and never start more than `concurrency`); its planning task, and the clone
    /// before it, follow in its work.
    func start(_ goal: GoalRecord) async throws {
        let started = try await engine.moveGoal(id: goal.id, to: .planning) { goal in
            goal.details["planning"] = GoalPlanning.Details().json
        }
        hand(started)
    }

    /// Moves a goal on by its state.
    func advance(_ goal: GoalRecord) async throws {
        switch goal.state {
        case .planning: try await plan(goal)
        case .awaitingApproval: try await awaitApproval(goal)
        case .executing: try await execute(goal)
        case .verifying, .review: try await resumeFinish(goal)
        case .queued, .done, .failed, .cancelled: break
        }
    }

    /// Hands a goal to the finisher unless its call is still running.
    func enqueueFinish(_ goal: GoalRecord) {
        guard finishing.withLock({ $0.insert(goal.id).inserted }) else { return }
        finishQueue.yield(goal)
    }

    var currentFinisher: Finisher? { finisher.withLock { $0 } }

    private func runFinishes() async {
        await withDiscardingTaskGroup { group in
            for await goal in finishes {
                guard let finish = currentFinisher else {
                    _ = finishing.withLock { $0.remove(goal.id) }
                    continue
                }
                group.addTask {
                    await finish(goal)
                    _ = self.finishing.withLock { $0.remove(goal.id) }
                    self.wake()
                }
            }
        }
    }
}
