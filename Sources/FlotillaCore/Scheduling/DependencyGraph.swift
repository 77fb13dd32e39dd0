/// Checks the `depends_on` edges of a batch for cycles before anything is stored.
public enum DependencyGraph {
    /// Returns one cycle as a path of ids (first == last), or nil when the graph is acyclic.
    /// `edges[id]` lists what `id` depends on; ids outside `edges` are treated as leaves.
    public static func findCycle(_ edges: [String: [String]]) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []

        func visit(_ node: String) -> [String]? {
            switch marks[node] {
            case .done: return nil
            case .visiting:
                let start = path.lastIndex(of: node) ?? 0
                return Array(path[start...]) + [node]
            case nil: break
            }
            marks[node] = .visiting
            path.append(node)
            for next in edges[node] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            marks[node] = .done
            return nil
        }

        for node in edges.keys.sorted() {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}
