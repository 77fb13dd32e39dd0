/// Which part of the `depends_on` graph to read (`GET /api/graph`).
public struct GraphQuery: Sendable, Hashable {
    /// The task whose connected component to read; nil: the newest tasks with edges.
    public var taskID: String?
    /// At most this many nodes. Default 200.
    public var limit: Int

    public init(taskID: String? = nil, limit: Int = 200) {
        self.taskID = taskID
        self.limit = limit
    }
}
