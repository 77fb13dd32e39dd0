/// One entry of the event log. `seq` is monotonic across the hub's whole life.
public struct EventRecord: Sendable, Hashable {
    public var seq: Int64
    /// `task.queued`, `agent.online`, ...
    public var type: String
    public var ts: Double
    public var taskID: String?
    public var agentID: String?
    public var data: JSONValue

    public init(seq: Int64, type: String, ts: Double, taskID: String? = nil, agentID: String? = nil, data: JSONValue = .object([:])) {
        self.seq = seq
        self.type = type
        self.ts = ts
        self.taskID = taskID
        self.agentID = agentID
        self.data = data
    }

    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "seq": .int(seq),
            "type": .string(type),
            "ts": .string(Timestamp.iso8601(ts)),
            "data": data,
        ]
        out["task_id"] = taskID.map { .string($0) } ?? .null
        out["agent_id"] = agentID.map { .string($0) } ?? .null
        return .object(out)
    }
}
