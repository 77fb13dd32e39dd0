/// A workflow or step event (`workflow.*`, `step.*`) for the event log: not a task event, so
/// it carries no task fields and no agent, only the step's task id when it has one task.
public struct WorkflowEvent: Sendable, Hashable {
    public var kind: EventKind
    public var taskID: String?
    public var data: [String: JSONValue]

    public init(_ kind: EventKind, taskID: String? = nil, data: [String: JSONValue]) {
        self.kind = kind
        self.taskID = taskID
        self.data = data
    }
}
