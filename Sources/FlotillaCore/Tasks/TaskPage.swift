/// One page of `GET /api/tasks`: `{"tasks":[…],"next_cursor":…}`. Written by the hub through
/// `Collection<TaskRecord>.jsonBytes(nextCursor:minimal:)`, read by ``init(json:)``.
public struct TaskPage: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case nextCursor = "next_cursor"
        case tasks
    }

    public var tasks: [TaskRecord]
    /// Pass as the `cursor` query parameter for the next page; nil on the last.
    public var nextCursor: String?

    public init(tasks: [TaskRecord], nextCursor: String? = nil) {
        self.tasks = tasks
        self.nextCursor = nextCursor
    }

    public init(json: JSONValue) throws(FlotillaError) {
        var tasks: [TaskRecord] = []
        for task in json[Field.tasks.rawValue]?.arrayValue ?? [] { tasks.append(try TaskRecord(json: task)) }
        self.init(tasks: tasks, nextCursor: json[Field.nextCursor.rawValue]?.stringValue)
    }

    /// The page as UTF-8 JSON, as the hub answers.
    public var jsonBytes: [UInt8] { tasks.jsonBytes(nextCursor: nextCursor.map { .string($0) } ?? .null) }
}
