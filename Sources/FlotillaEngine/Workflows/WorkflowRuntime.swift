import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Logging
import Synchronization

/// The workflow runtime's memory: registered workflows, the runs in progress, and what the
/// engine told it since its last round (tasks that ended, cancels asked for).
///
/// Run state changes only after its commit: a round plans from the committed state, commits
/// the run's new state with its tasks and events in one batch (Engine.mutate), then takes it
/// as the run's state. A failed commit leaves memory at the store's state, and the round is
/// retried once the store works again. One round at a time changes a run (the service's loop).
final class WorkflowRuntime: Sendable {
    struct Registered: Sendable {
        var row: WorkflowRow
        var definition: WorkflowDefinition
    }

    /// What arrived since the last round.
    struct Inbox: Sendable {
        /// Ended tasks, per run.
        var ends: [String: [InstanceEnd]] = [:]
        /// Cancel requests: run → reason.
        var cancels: [String: String] = [:]
        /// Runs to plan even without news (new, reloaded).
        var dirty: Set<String> = []

        var isEmpty: Bool { ends.isEmpty && cancels.isEmpty && dirty.isEmpty }
        var runIDs: Set<String> { dirty.union(ends.keys).union(cancels.keys) }
    }

    let registry: Mutex<[String: Registered]>
    let runs: Mutex<[String: LiveRun]>
    let inbox = Mutex(Inbox())
    /// Wakes the loop; one pending wake-up is enough (the loop drains the whole inbox).
    let wake = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let waiters = RunWaiters()
    /// Trigger keys of runs being started, so two deliveries of one key cannot both insert.
    let startingKeys = Mutex<Set<String>>([])
    let definitions = DefinitionCache()
    let ids = IDGenerator()
    let logger: Logger

    private init(registry: [String: Registered], runs: [String: LiveRun], logger: Logger) {
        self.registry = Mutex(registry)
        self.runs = Mutex(runs)
        self.logger = logger
        inbox.withLock { $0.dirty = Set(runs.keys) }
    }

    /// Registered workflows and runs in progress, from the store. A stored file that no longer
    /// parses (the format changed) is left out, with a warning.
    static func load(store: any Store, logger: Logger) async throws -> WorkflowRuntime {
        var registry: [String: Registered] = [:]
        let definitions = DefinitionCache()
        for row in try await store.workflows() {
            do {
                registry[row.name] = Registered(row: row, definition: try definitions.definition(source: row.source, file: row.file))
            } catch {
                logger.warning("workflow '\(row.name)' (\(row.file)) is stored but no longer parses; it is not registered: \(error)")
            }
        }
        var runs: [String: LiveRun] = [:]
        for row in try await store.activeWorkflowRuns() {
            do {
                let prepared = try definitions.prepared(source: row.source, file: row.file)
                let stored = try await StoredRunState.decode(row.state).withResults(from: store)
                runs[row.id] = LiveRun(row: row, prepared: prepared, state: stored.run, book: stored.book)
            } catch {
                logger.error("workflow run \(row.id) cannot be read back; it stays as stored: \(error)")
            }
        }
        return WorkflowRuntime(registry: registry, runs: runs, logger: logger)
    }

    /// Tasks that reached a final state (called on every delivery, so it only filters and
    /// queues): those of workflow steps wake the loop.
    func observe(_ finished: [TaskRecord]) {
        var ends: [InstanceEnd] = []
        for task in finished {
            if let end = InstanceEnd(task) { ends.append(end) }
        }
        guard !ends.isEmpty else { return }
        inbox.withLock { inbox in
            for end in ends { inbox.ends[end.runID, default: []].append(end) }
        }
        wake.continuation.yield()
    }

    /// Marks runs to plan in the next round and wakes the loop.
    func markDirty(_ runIDs: some Sequence<String>) {
        inbox.withLock { $0.dirty.formUnion(runIDs) }
        wake.continuation.yield()
    }

    func requestCancel(_ runID: String, reason: String) {
        inbox.withLock { $0.cancels[runID] = $0.cancels[runID] ?? reason }
        wake.continuation.yield()
    }

    /// Empties the inbox for one round.
    func takeInbox() -> Inbox {
        inbox.withLock { inbox in
            defer { inbox = Inbox() }
            return inbox
        }
    }

    /// Puts back what a round could not commit, for the next one.
    func putBack(runID: String, ends: [InstanceEnd], cancel: String?) {
        inbox.withLock { inbox in
            inbox.ends[runID, default: []].insert(contentsOf: ends, at: 0)
            if let cancel, inbox.cancels[runID] == nil { inbox.cancels[runID] = cancel }
            inbox.dirty.insert(runID)
        }
    }

    func registeredDefinitions() -> [WorkflowDefinition] {
        registry.withLock { registry in registry.values.map(\.definition) }.sorted { $0.name < $1.name }
    }
}

/// Parsed definitions by source text: runs keep their own snapshot of the file, and showing
/// an ended run's steps needs its definition without parsing the file again each time.
final class DefinitionCache: Sendable {
    private struct Key: Hashable {
        var source: String
        var file: String
    }

    private let cache = Mutex<[Key: PreparedWorkflow]>([:])
    private static let capacity = 64

    func definition(source: String, file: String) throws(WorkflowError) -> WorkflowDefinition {
        try prepared(source: source, file: file).definition
    }

    /// The definition with its planner and step links, built once per source: a thousand-step
    /// file's are worth milliseconds, and every run of it needs them.
    func prepared(source: String, file: String) throws(WorkflowError) -> PreparedWorkflow {
        let key = Key(source: source, file: file)
        if let known = cache.withLock({ $0[key] }) { return known }
        // A goal's plan is JSON read by GoalPlanRun, never YAML: a model's `${{` stays text.
        let definition = file.hasSuffix(GoalPlanRun.fileSuffix) ? try GoalPlanRun.definition(source: source, file: file) : try WorkflowParser.parse(yaml: source, file: file)
        let prepared = PreparedWorkflow(definition)
        cache.withLock { cache in
            // Small and rarely full: dropping everything beats tracking use.
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[key] = prepared
        }
        return prepared
    }
}
