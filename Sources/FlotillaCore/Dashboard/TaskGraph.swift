import Foundation

/// What `GET /api/graph` answers: tasks as nodes and their `depends_on` as edges
/// (`from` the dependency, `to` the task that waits on it). Built from store rows by
/// ``init(nodes:edges:truncated:)``; the connected component of one task is walked by
/// ``component(of:limit:neighbours:)`` with the store's lookups injected, so both stay pure.
public struct TaskGraph: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var id: String
        public var state: TaskState
        public var type: String
        public var role: String
        /// The first line of the prompt, at most ``TaskGraph/titleLength`` characters.
        public var title: String

        public init(id: String, state: TaskState, type: String, role: String, prompt: String?) {
            self.id = id
            self.state = state
            self.type = type
            self.role = role
            self.title = TaskGraph.title(of: prompt)
        }
    }

    public struct Edge: Sendable, Hashable {
        /// The dependency.
        public var from: String
        /// The task that depends on it.
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// Nodes by id; edges between two shown nodes only, sorted so answers are stable.
    public let nodes: [Node]
    public let edges: [Edge]
    /// Whether more tasks belong in the picture than the limit allowed.
    public let truncated: Bool

    /// Characters of a prompt's first line kept as a node's title.
    public static let titleLength = 80

    /// Nodes are deduplicated; an edge whose end is not among the nodes (a task deleted by
    /// retention, or one beyond the limit) is left out.
    public init(nodes: [Node], edges: [Edge], truncated: Bool) {
        var seen: Set<String> = []
        let unique = nodes.filter { seen.insert($0.id).inserted }
        self.nodes = unique.sorted { $0.id < $1.id }
        self.edges = Set(edges).filter { seen.contains($0.from) && seen.contains($0.to) }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        self.truncated = truncated
    }

    /// The first line of `prompt`, cut to ``titleLength`` characters; "" without a prompt.
    public static func title(of prompt: String?) -> String {
        guard let prompt else { return "" }
        let firstLine = prompt.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return String(firstLine.trimmingCharacters(in: .whitespaces).prefix(titleLength))
    }

    /// The ids connected to `start` over edges in either direction, at most `limit` of them,
    /// breadth first (nearest first). `neighbours` gives the edges touching a set of ids (one
    /// store query per layer). Returns the ids, the edges seen, and whether the walk stopped at
    /// the limit with more to see.
    public static func component(
        of start: String, limit: Int,
        neighbours: ([String]) throws -> [Edge]
    ) rethrows -> (ids: [String], edges: [Edge], truncated: Bool) {
        var found: [String] = [start]
        var known: Set<String> = [start]
        var edges: Set<Edge> = []
        var layer = [start]
        while !layer.isEmpty {
            var next: [String] = []
            for edge in try neighbours(layer) {
                edges.insert(edge)
                for id in [edge.from, edge.to] where !known.contains(id) {
                    guard found.count < limit else {
                        return (found, Array(edges), true)
                    }
                    known.insert(id)
                    found.append(id)
                    next.append(id)
                }
            }
            layer = next.sorted()
        }
        return (found, Array(edges), false)
    }

    public var json: JSONValue {
        [
            "nodes": .array(nodes.map { node in
                ["id": .string(node.id), "state": .string(node.state.rawValue), "type": .string(node.type), "role": .string(node.role), "title": .string(node.title)]
            }),
            "edges": .array(edges.map { ["from": .string($0.from), "to": .string($0.to)] }),
            "truncated": .bool(truncated),
        ]
    }
}
