/// Facts from the store the scheduler needs to judge a submission: the states of referenced
/// tasks that are not in memory (so final), and tasks already holding an idempotency key.
public struct StoredFacts: Sendable {
    public var states: [String: TaskState]
    public var byIdempotencyKey: [String: TaskRecord]

    public init(states: [String: TaskState] = [:], byIdempotencyKey: [String: TaskRecord] = [:]) {
        self.states = states
        self.byIdempotencyKey = byIdempotencyKey
    }
}

extension Scheduler {
    /// The result of submitting one task.
    public struct Submitted: Sendable {
        public var task: TaskRecord
        /// False when an idempotency key matched an existing task.
        public var created: Bool
    }

    /// Admits a batch: all or nothing. Validation happens before any change, so a refused batch
    /// changes nothing.
    public mutating func submit(_ specs: [TaskSpec], facts: StoredFacts = StoredFacts(), now: Double) throws(FlotillaError) -> [Submitted] {
        // Idempotent repeats resolve to the task that owns the key.
        var existing: [Int: TaskRecord] = [:]
        var keyOwner: [String: Int] = [:]
        for (index, spec) in specs.enumerated() {
            guard let key = spec.idempotencyKey else { continue }
            if let id = idempotency[key] {
                existing[index] = tasks[id] ?? facts.byIdempotencyKey[key] ?? TaskRecord(id: id, spec: spec, state: .queued, now: now)
            } else if let record = facts.byIdempotencyKey[key] {
                existing[index] = record
            } else if keyOwner[key] != nil {
                continue
            } else {
                keyOwner[key] = index
            }
        }

        // Ids for the new tasks; client ids must be new.
        var newIDs: [Int: String] = [:]
        var batchIDs: Set<String> = []
        for (index, spec) in specs.enumerated() where existing[index] == nil {
            if let key = spec.idempotencyKey, let owner = keyOwner[key], owner != index { continue }
            let id = spec.id ?? ids.next(now: now)
            if spec.id != nil, tasks[id] != nil || facts.states[id] != nil || batchIDs.contains(id) || recentFinished[id] != nil {
                throw FlotillaError(.duplicateID, "A task with id '\(id)' already exists.", field: "tasks[\(index)].id")
            }
            batchIDs.insert(id)
            newIDs[index] = id
        }

        // Dependencies must name known tasks and must not form a cycle.
        var edges: [String: [String]] = [:]
        for (index, id) in newIDs {
            let spec = specs[index]
            for dependency in spec.dependsOn {
                guard batchIDs.contains(dependency) || tasks[dependency] != nil || facts.states[dependency] != nil else {
                    throw FlotillaError(.unknownDependency, "depends_on names '\(dependency)', which is not a known task.", field: specs.count > 1 ? "tasks[\(index)].\(TaskSpec.Field.dependsOn.rawValue)" : TaskSpec.Field.dependsOn.rawValue)
                }
            }
            edges[id] = spec.dependsOn
        }
        if let cycle = DependencyGraph.findCycle(edges) {
            throw FlotillaError(.dependencyCycle, "depends_on forms a cycle: \(cycle.joined(separator: " → ")).", field: TaskSpec.Field.dependsOn.rawValue)
        }

        // Create in dependency order so in-batch dependencies exist before their dependents.
        var created: [String: TaskRecord] = [:]
        let order = Self.dependencyOrder(newIDs.sorted { $0.key < $1.key }.map(\.value), edges: edges)
        let indexOf = Dictionary(uniqueKeysWithValues: newIDs.map { ($1, $0) })
        for id in order {
            let spec = specs[indexOf[id]!]
            created[id] = admit(id: id, spec: spec, facts: facts, now: now)
        }
        pump(now: now)

        return specs.indices.map { index in
            if let record = existing[index] { return Submitted(task: record, created: false) }
            if let id = newIDs[index] { return Submitted(task: tasks[id] ?? created[id]!, created: true) }
            let owner = keyOwner[specs[index].idempotencyKey!]!
            return Submitted(task: created[newIDs[owner]!]!, created: false)
        }
    }

    /// Creates one validated task: queued, blocked on open dependencies, or cancelled at once
    /// when a dependency already ended without success.
    mutating func admit(id: String, spec: TaskSpec, facts: StoredFacts, now: Double) -> TaskRecord {
        var task = TaskRecord(id: id, spec: spec, state: .queued, now: now)
        if let key = spec.idempotencyKey { idempotency[key] = id }
        var open: Set<String> = []
        var failedDependency: (String, TaskState)?
        for dependency in spec.dependsOn {
            let state = tasks[dependency]?.state ?? recentFinished[dependency]?.state ?? facts.states[dependency] ?? .succeeded
            switch state {
            case .succeeded: continue
            case .dead, .cancelled, .expired: failedDependency = failedDependency ?? (dependency, state)
            default: open.insert(dependency)
            }
        }
        if let (dependency, state) = failedDependency {
            counts[.cancelled] += 1
            task.state = .cancelled
            task.finishedAt = now
            task.reason = "dependency \(dependency) is \(state.rawValue)"
            effects.writes.append(.insertTask(task))
            emit(.taskCancelled, task: task, data: ["reason": .string(task.reason!)], now: now)
            remember(task)
            effects.finished.append(task)
            return task
        }
        if open.isEmpty {
            enqueue(&task, now: now, insert: true)
        } else {
            waitingOn[id] = open
            for dependency in open { dependents[dependency, default: []].insert(id) }
            move(&task, to: .blocked, now: now, data: ["waiting_on": .array(open.sorted().map { .string($0) })], insert: true)
        }
        armExpiry(task)
        return task
    }

    /// A topological order of `ids` (dependencies first), stable in the given order.
    static func dependencyOrder(_ ids: [String], edges: [String: [String]]) -> [String] {
        var placed: Set<String> = []
        var order: [String] = []
        let members = Set(ids)
        func place(_ id: String) {
            guard !placed.contains(id) else { return }
            placed.insert(id)
            for dependency in edges[id] ?? [] where members.contains(dependency) { place(dependency) }
            order.append(id)
        }
        for id in ids { place(id) }
        return order
    }
}
