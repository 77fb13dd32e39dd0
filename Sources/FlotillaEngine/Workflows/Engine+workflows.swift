import FlotillaCore
import FlotillaStore
public import FlotillaWorkflows
import Logging
import Synchronization

/// The workflow registry (docs/workflows.md): files applied by name, kept in the store (the
/// YAML text is the truth) and in memory for trigger matching. Parse errors are
/// ``WorkflowError``s (codes `workflow_*`, field `FILE:LINE:COLUMN`); the rest ``FlotillaError``s.
extension Engine {
    /// Registers (or replaces: version + 1) the workflow the file defines. Runs in progress keep
    /// the definition they started with.
    public func applyWorkflow(source: String, file: String) async throws -> (workflow: WorkflowInfo, created: Bool) {
        let definition = try WorkflowParser.parse(yaml: source, file: file)
        let runtime = workflowRuntime
        let change: (WorkflowRow, Bool)
        do {
            change = try await mutate { scheduler, now -> (WorkflowRow, Bool) in
                // Under the scheduler's lock: two applies of one name get consecutive versions.
                let registered = runtime.registry.withLock { registry -> (WorkflowRow, Bool) in
                    let previous = registry[definition.name]?.row
                    let row = WorkflowRow(
                        name: definition.name, source: source, file: file, version: (previous?.version ?? 0) + 1,
                        appliedAt: previous?.appliedAt ?? now, updatedAt: now
                    )
                    registry[definition.name] = WorkflowRuntime.Registered(row: row, definition: definition)
                    return (row, previous == nil)
                }
                scheduler.recordWorkflow([.saveWorkflow(registered.0)], events: [], now: now)
                return registered
            }
        } catch {
            await reloadRegistry()
            throw error
        }
        return (try await workflowInfo(row: change.0, definition: definition), change.1)
    }

    /// Registered workflows, by name.
    public func workflows() async throws -> [WorkflowInfo] {
        let registered = workflowRuntime.registry.withLock { Array($0.values) }.sorted { $0.row.name < $1.row.name }
        let counts = try await store.workflowRunCounts()
        var out: [WorkflowInfo] = []
        for entry in registered {
            out.append(try await workflowInfo(row: entry.row, definition: entry.definition, counts: counts[entry.row.name] ?? [:]))
        }
        return out
    }

    /// One registered workflow, or `workflow_not_found`.
    public func workflow(name: String) async throws -> WorkflowInfo {
        let entry = try registeredWorkflow(name)
        return try await workflowInfo(row: entry.row, definition: entry.definition)
    }

    /// Unregisters a workflow (`workflow_not_found` if none); its runs stay, running ones go on.
    public func deleteWorkflow(name: String) async throws {
        _ = try registeredWorkflow(name)
        let runtime = workflowRuntime
        do {
            try await mutate { scheduler, now in
                guard runtime.registry.withLock({ $0.removeValue(forKey: name) }) != nil else { throw Self.workflowNotFound(name) }
                scheduler.recordWorkflow([.deleteWorkflow(name: name)], events: [], now: now)
            }
        } catch {
            if error.code != .workflowNotFound { await reloadRegistry() }
            throw error
        }
    }

    /// Registered definitions in memory, for trigger matching (cheap; call it per event).
    public func registeredWorkflows() -> [WorkflowDefinition] {
        workflowRuntime.registeredDefinitions()
    }

    /// The newest trigger_key with this prefix among `workflow`'s runs (schedule catch-up).
    public func latestTriggerKey(workflow: String, prefix: String) async throws -> String? {
        try await store.latestTriggerKey(workflow: workflow, prefix: prefix)
    }

    /// After a registry change failed to commit: memory goes back to what the store holds (the
    /// change was made in memory under the scheduler's lock, so changes of one name apply in
    /// commit order).
    private func reloadRegistry() async {
        guard let rows = try? await store.workflows() else { return }
        let definitions = workflowRuntime.definitions
        var registry: [String: WorkflowRuntime.Registered] = [:]
        for row in rows {
            if let definition = try? definitions.definition(source: row.source, file: row.file) {
                registry[row.name] = WorkflowRuntime.Registered(row: row, definition: definition)
            }
        }
        workflowRuntime.registry.withLock { $0 = registry }
    }

    func registeredWorkflow(_ name: String) throws(FlotillaError) -> WorkflowRuntime.Registered {
        guard let entry = workflowRuntime.registry.withLock({ $0[name] }) else { throw Self.workflowNotFound(name) }
        return entry
    }

    static func workflowNotFound(_ name: String) -> FlotillaError {
        FlotillaError(.workflowNotFound, "No workflow is registered as '\(name)'; `flotilla workflow apply FILE` registers one.", field: "name")
    }

    private func workflowInfo(row: WorkflowRow, definition: WorkflowDefinition, counts: [WorkflowRunStatus: Int]? = nil) async throws -> WorkflowInfo {
        let last = try await workflowRuns(WorkflowRunQuery(workflow: row.name, limit: 1)).first
        let runCounts: [WorkflowRunStatus: Int]
        if let counts { runCounts = counts } else { runCounts = try await store.workflowRunCounts()[row.name] ?? [:] }
        return WorkflowInfo(row: row, definition: definition, lastRun: last, runCounts: runCounts)
    }
}
