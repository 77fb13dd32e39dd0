import FlotillaCore
import FlotillaWorkflows

/// The wide DAGs the workflow benchmark plans and runs, written once as a workflow file and once
/// as a batch of tasks with `depends_on` (the same graph), so both runs do the same work.
public enum WorkflowDAG: String, Sendable, CaseIterable {
    /// One root, `steps - 2` parallel steps needing it, one sink needing them all.
    case wide
    /// Ten layers of `steps / 10`; each step needs every step of the layer before.
    case layers

    /// Step ids and their needs, in file order.
    public func steps(_ count: Int) -> [(id: String, needs: [String])] {
        switch self {
        case .wide:
            let middle = (1...max(1, count - 2)).map { "s\($0)" }
            return [("root", [])] + middle.map { ($0, ["root"]) } + [("sink", middle)]
        case .layers:
            let width = max(1, count / 10)
            var out: [(String, [String])] = []
            var previous: [String] = []
            for layer in 0..<10 {
                let ids = (0..<width).map { "l\(layer)_\($0)" }
                out += ids.map { ($0, previous) }
                previous = ids
            }
            return out
        }
    }

    /// The graph as a workflow file: each step a no-op task for the benchmark's agents.
    public func yaml(_ count: Int, role: String = "bench") -> String {
        var lines = ["name: bench-\(rawValue)", "steps:"]
        for (id, needs) in steps(count) {
            let list = needs.isEmpty ? "" : ", needs: [\(needs.joined(separator: ", "))]"
            lines.append("  \(id): {type: bench.noop, role: \(role)\(list)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The graph as one batch of tasks (`POST /api/tasks`), ids prefixed with `prefix`.
    public func batch(_ count: Int, prefix: String, role: String = "bench") -> JSONValue {
        .array(steps(count).map { id, needs in
            [
                "id": .string(prefix + id), "type": "bench.noop", "role": .string(role),
                "depends_on": .array(needs.map { .string(prefix + $0) }),
            ]
        })
    }
}
