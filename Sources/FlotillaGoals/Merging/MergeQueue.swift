import FlotillaCore
public import FlotillaEngine
public import Logging
public import ServiceLifecycle
import FlotillaWorkflows
import Synchronization

/// Lands each goal step's work on the goal branch, one merge at a time per goal, in the order
/// the steps ended (docs/goals.md, "Goal branch and merge queue"). It holds every succeeded
/// `goal.step` task end at the engine's step gate, merges the step's branch
/// `flotilla/<task id>` onto the goal branch in the goal's merge worktree (`git merge --no-ff`),
/// runs the goal's verify commands there, and only then moves the goal branch and releases the
/// end to the run (its result gains `merged_commit`). A conflict or a failing verify command
/// aborts the merge and becomes a `goal.fix` task, whose branch goes through the queue in the
/// step's place; after `fixAttempts` fixes the end is released as failed, with the reason.
///
/// Nothing is kept only in memory: after a restart the held ends come through the gate again
/// (workflow recovery), an end whose commit is already on the goal branch is released without
/// merging again, and fix tasks are found again by their idempotency keys
/// (`goal:<id>:fix:<step>:<n>`). Progress is written to the goal's `details["merges"]`.
public final class MergeQueue: Service, Sendable {
    let engine: Engine
    let workspaces: GoalWorkspaces
    let fixAttempts: Int
    let verifyTimeout: Double
    let logger: Logger
    let state = Mutex(QueueState())
    let wake = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// What waits, per goal: one worker per goal takes its items in order.
    struct QueueState {
        var arrived: [Item] = []
        var queues: [String: [Item]] = [:]
        var working: Set<String> = []
    }

    /// A held step end, or a corrective fix asked for by ``requestFix(goal:step:reason:quote:)``.
    enum Item: Sendable {
        case step(TaskRecord)
        case fix(goalID: String, step: String, fixTaskID: String)

        /// The queue it waits in: its goal's (or, for a step naming no goal, its run's).
        var queueKey: String {
            switch self {
            case .fix(let goalID, _, _): return goalID
            case .step(let task): return MergeQueue.goalID(of: task) ?? "run:\(task.spec.metadata?["run"]?.stringValue ?? task.id)"
            }
        }
    }

    /// Installs the step gate at once: the hub builds the queue before its services run, so
    /// ends found at recovery are held too.
    public init(engine: Engine, workspaces: GoalWorkspaces, fixAttempts: Int = 3, verifyTimeout: Double = 600, logger: Logger) {
        self.engine = engine
        self.workspaces = workspaces
        self.fixAttempts = max(0, fixAttempts)
        self.verifyTimeout = verifyTimeout
        self.logger = logger
        engine.holdStepEnds { [weak self] task in
            guard let self, Self.holds(task) else { return false }
            self.enqueue(.step(task))
            return true
        }
    }

    /// The ends the queue holds: succeeded goal steps (a failed step goes to its run as is).
    static func holds(_ task: TaskRecord) -> Bool {
        task.spec.type == GoalPlan.stepTaskType && task.state == .succeeded
    }

    /// The goal a step's task belongs to: metadata `goal`, else payload `goal`.
    static func goalID(of task: TaskRecord) -> String? {
        task.spec.metadata?["goal"]?.stringValue ?? task.spec.payload["goal"]?.stringValue
    }

    public func run() async {
        await resumeRequestedFixes()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await _ in self.wake.stream {
                    for key in self.takeArrivals() {
                        group.addTask { await self.work(queue: key) }
                    }
                }
            }
        }
    }

    /// Moves what arrived into the goals' queues; the keys of queues that need a worker.
    private func takeArrivals() -> [String] {
        state.withLock { state in
            var starts: [String] = []
            for item in state.arrived {
                let key = item.queueKey
                state.queues[key, default: []].append(item)
                if state.working.insert(key).inserted { starts.append(key) }
            }
            state.arrived = []
            return starts
        }
    }

    /// One goal's worker: its items one after the other, until its queue is empty.
    private func work(queue key: String) async {
        while !_Concurrency.Task.isCancelled {
            let next: Item? = state.withLock { state in
                guard var items = state.queues[key], !items.isEmpty else {
                    state.queues[key] = nil
                    state.working.remove(key)
                    return nil
                }
                let item = items.removeFirst()
                state.queues[key] = items
                return item
            }
            guard let next else { return }
            switch next {
            case .step(let task): await land(task)
            case .fix(let goalID, let step, let fixTaskID): await landRequestedFix(goalID: goalID, step: step, fixTaskID: fixTaskID)
            }
        }
    }

    /// Where the goal's clone is: the one its `details["branch"]` records (the goal service
    /// may keep clones under another root than the queue's), else under the queue's root.
    func workspaces(for goal: GoalRecord) -> GoalWorkspaces {
        let suffix = "/\(goal.id)/repo"
        if let info = GoalBranchInfo(json: goal.details["branch"]), info.clone.hasSuffix(suffix), info.clone.count > suffix.count {
            return GoalWorkspaces(root: String(info.clone.dropLast(suffix.count)))
        }
        return workspaces
    }

    func enqueue(_ item: Item) {
        state.withLock { $0.arrived.append(item) }
        wake.continuation.yield()
    }
}
