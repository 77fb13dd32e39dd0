public import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Logging
import ServiceLifecycle
import Synchronization

/// Workflow runs: start, read, cancel, rerun, wait. A run's state lives in the store
/// (`workflow_runs`); the runtime drives the runs in progress (Engine+workflowRounds.swift).
/// How much of a run an answer shows: every step, or the row alone (`Prefer: return=minimal`).
public enum RunDetail: Sendable {
    case steps, minimal
}

extension Engine {
    /// Starts a run of a registered workflow. With a `triggerKey` some run already has, returns
    /// that run with `created: false` and starts nothing. `trigger` always has `kind` (a trigger
    /// without one is `manual`).
    public func startRun(workflow: String, inputs: [String: JSONValue], trigger: JSONValue, triggerKey: String? = nil, detail: RunDetail = .steps) async throws -> (run: WorkflowRunInfo, created: Bool) {
        let entry = try registeredWorkflow(workflow)
        let resolved = try entry.definition.resolveInputs(inputs)
        let prepared = try workflowRuntime.definitions.prepared(source: entry.row.source, file: entry.row.file)
        guard let triggerKey else {
            return (try await createRun(prepared, source: entry.row.source, inputs: resolved, trigger: trigger, triggerKey: nil, rerunOf: nil, detail: detail), true)
        }
        // Held from the look-up to the commit: a second delivery of the key waits its turn
        // rather than both inserting (the UNIQUE column would fail the whole commit).
        while !workflowRuntime.startingKeys.withLock({ $0.insert(triggerKey).inserted }) {
            try await _Concurrency.Task.sleep(for: .milliseconds(5))
        }
        defer { _ = workflowRuntime.startingKeys.withLock { $0.remove(triggerKey) } }
        if let existing = try await store.workflowRun(triggerKey: triggerKey) {
            return (try await workflowRun(id: existing.id, detail: detail), false)
        }
        return (try await createRun(prepared, source: entry.row.source, inputs: resolved, trigger: trigger, triggerKey: triggerKey, rerunOf: nil, detail: detail), true)
    }

    /// Runs an unregistered file once (`flotilla workflow run FILE`), as a manual run.
    public func startRun(source: String, file: String, inputs: [String: JSONValue], detail: RunDetail = .steps) async throws -> WorkflowRunInfo {
        let prepared = try workflowRuntime.definitions.prepared(source: source, file: file)
        let resolved = try prepared.definition.resolveInputs(inputs)
        return try await createRun(prepared, source: source, inputs: resolved, trigger: ["kind": "manual"], triggerKey: nil, rerunOf: nil, detail: detail)
    }

    /// A page of runs, newest first, without steps.
    public func workflowRuns(_ query: WorkflowRunQuery) async throws -> [WorkflowRunInfo] {
        var bounded = query
        bounded.limit = min(max(1, query.limit), WorkflowRunQuery.maxLimit)
        let rows = try await store.workflowRuns(bounded)
        let live = workflowRuntime.runs.withLock { runs in rows.compactMap { runs[$0.id] } }
        let byID = Dictionary(live.map { ($0.row.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try rows.map { row in
            if let run = byID[row.id] { return RunView.summary(row: run.row, stored: StoredRunState(run: run.state, book: run.book)) }
            return RunView.summary(row: row, stored: try StoredRunState.decode(row.state))
        }
    }

    /// One run with its steps (or, minimal, its row alone), or `workflow_run_not_found`.
    public func workflowRun(id: String, detail: RunDetail = .steps) async throws -> WorkflowRunInfo {
        if let run = workflowRuntime.runs.withLock({ $0[id] }) {
            if detail == .minimal { return .minimal(run.row) }
            return view(row: run.row, stored: StoredRunState(run: run.state, book: run.book), definition: run.definition)
        }
        guard let row = try await store.workflowRun(id: id) else { throw Self.runNotFound(id) }
        if detail == .minimal { return .minimal(row) }
        let definition = try workflowRuntime.definitions.definition(source: row.source, file: row.file)
        return view(row: row, stored: try await StoredRunState.decode(row.state).withResults(from: store), definition: definition)
    }

    /// Cancels a running run: its unfinished tasks are cancelled (reason `workflow run
    /// cancelled`), steps not started are skipped. Returns the run once it ended (or after a
    /// few seconds, still ending). `workflow_run_finished` when it had already ended.
    public func cancelRun(id: String, reason: String) async throws -> WorkflowRunInfo {
        guard workflowRuntime.runs.withLock({ $0[id] }) != nil else {
            guard let row = try await store.workflowRun(id: id) else { throw Self.runNotFound(id) }
            throw FlotillaError(.workflowRunFinished, "Workflow run \(id) has already ended (\(row.status)); only a running run can be cancelled.", field: "id")
        }
        workflowRuntime.requestCancel(id, reason: reason.isEmpty ? "cancelled" : reason)
        return try await waitRun(id: id, timeout: 10)
    }

    /// Starts a new run with the same source, inputs and trigger; its `rerun_of` is `id`.
    public func rerun(id: String) async throws -> WorkflowRunInfo {
        let (row, state) = try await runRecord(id)
        let prepared = try workflowRuntime.definitions.prepared(source: row.source, file: row.file)
        return try await createRun(prepared, source: row.source, inputs: state.inputs, trigger: state.trigger, triggerKey: nil, rerunOf: id)
    }

    /// Waits up to `timeout` seconds for the run to end; returns it as it is then.
    public func waitRun(id: String, timeout: Double, detail: RunDetail = .steps) async throws -> WorkflowRunInfo {
        let waiters = workflowRuntime.waiters
        let token = waiters.register(id)
        let current: WorkflowRunInfo
        do {
            current = try await workflowRun(id: id, detail: detail)
        } catch {
            waiters.end(id, token: token)
            throw error
        }
        if current.status.isFinal || timeout <= 0 {
            waiters.end(id, token: token)
            return current
        }
        // A hub shutting down answers at once, as a task's wait does.
        await withGracefulShutdownHandler {
            await waiters.wait(for: id, token: token, timeout: timeout)
        } onGracefulShutdown: {
            waiters.end(id, token: token)
        }
        return try await workflowRun(id: id, detail: detail)
    }

    /// A run's row and state: from memory while it runs, else from the store.
    private func runRecord(_ id: String) async throws -> (WorkflowRunRow, WorkflowRunState) {
        if let run = workflowRuntime.runs.withLock({ $0[id] }) { return (run.row, run.state) }
        guard let stored = try await store.workflowRun(id: id) else { throw Self.runNotFound(id) }
        return (stored, try StoredRunState.decode(stored.state).run)
    }

    static func runNotFound(_ id: String) -> FlotillaError {
        FlotillaError(.workflowRunNotFound, "No workflow run has id '\(id)'.", field: "id")
    }

    /// Stores a new run (with `workflow.started`) and hands it to the runtime, which plans it.
    func createRun(_ prepared: PreparedWorkflow, source: String, inputs: JSONValue, trigger: JSONValue, triggerKey: String?, rerunOf: String?, detail: RunDetail = .steps) async throws -> WorkflowRunInfo {
        let definition = prepared.definition
        var trigger = trigger.objectValue ?? [:]
        if trigger["kind"]?.stringValue == nil { trigger["kind"] = "manual" }
        let now = Timestamp.now()
        let id = workflowRuntime.ids.next(now: now)
        let state = WorkflowRunState(runID: id, inputs: inputs, trigger: .object(trigger))
        let book = RunBook(stepCount: definition.steps.count)
        let encoded = StoredRunState(run: state, book: book).encoded()
        var row = WorkflowRunRow(
            id: id, workflow: definition.name, file: definition.file, source: source, status: WorkflowRunStatus.running.rawValue,
            triggerKind: trigger["kind"]?.stringValue ?? "manual", triggerKey: triggerKey,
            state: encoded.state, rerunOf: rerunOf, createdAt: now, updatedAt: now
        )
        row.stepStates = encoded.steps
        let live = LiveRun(row: row, prepared: prepared, state: state, book: book)
        try await mutate { scheduler, now in
            scheduler.recordWorkflow([.saveWorkflowRun(row)], events: [live.startEvent], now: now)
        }
        workflowRuntime.runs.withLock { $0[id] = live }
        workflowRuntime.markDirty([id])
        if detail == .minimal { return .minimal(row) }
        return view(row: row, stored: StoredRunState(run: state, book: book), definition: definition)
    }

    /// The run with its steps; running tasks' ids and states come from the scheduler.
    private func view(row: WorkflowRunRow, stored: StoredRunState, definition: WorkflowDefinition) -> WorkflowRunInfo {
        var keys: [String] = []
        for step in definition.steps {
            guard case .started(let instances) = stored.run.record(step.id) else { continue }
            for (index, instance) in instances.enumerated() where instance.status == .running {
                keys.append(InstanceID(step: step.id, matrixIndex: step.matrix == nil ? nil : index).key(run: row.id))
            }
        }
        let live: [String: (id: String, state: String)] = keys.isEmpty ? [:] : inspect { scheduler in
            var out: [String: (id: String, state: String)] = [:]
            for key in keys {
                guard let id = scheduler.taskID(forIdempotencyKey: key) else { continue }
                out[key] = (id, scheduler.task(id)?.state.rawValue ?? "running")
            }
            return out
        }
        return RunView.detail(row: row, stored: stored, definition: definition, live: { live[$0] })
    }
}
