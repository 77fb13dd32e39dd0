extension EventRecord {
    /// ``json`` as UTF-8: what the event stream sends and what MQTT subscribers receive.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var object = JSONObjectWriter(appendingTo: &out)
        object.member("agent_id", agentID)
        object.member("data") { writeData(to: &$0) }
        object.member("seq", Int(seq))
        object.member("task_id", taskID)
        object.member("ts", timestamp: ts)
        object.member("type", type)
        object.finish(into: &out)
        return out
    }

    /// ``data`` as UTF-8, as the store keeps it.
    public var dataBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        writeData(to: &out)
        return out
    }

    /// Appends ``data`` without building it: the task fields are written in place, with the
    /// details merged in key order. Every task event is written to the store this way.
    public func writeData(to out: inout [UInt8]) {
        guard let task else { return JSONValue.object(details).write(to: &out) }
        // Usually none or one (a result, a reason): sorting them beats building a filtered copy.
        let extra = details.isEmpty ? [] : details.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var next = 0
        var object = JSONObjectWriter(appendingTo: &out)
        func writeDetails(before bound: StaticString?, _ object: inout JSONObjectWriter) {
            while next < extra.count, bound.map({ JSONObjectWriter.precedes(extra[next].key, $0) }) ?? true {
                // A detail named like a task field gives way to the task's own value.
                if !Self.taskFieldNames.contains(extra[next].key) {
                    object.member(dynamicKey: extra[next].key, extra[next].value)
                }
                next += 1
            }
        }
        writeDetails(before: "attempt", &object)
        object.member("attempt", task.attempt)
        writeDetails(before: "priority", &object)
        object.member("priority", task.priority.rawValue)
        writeDetails(before: "role", &object)
        object.member("role", task.role)
        writeDetails(before: "state", &object)
        object.member("state", task.state.rawValue)
        writeDetails(before: "type", &object)
        object.member("type", task.type)
        writeDetails(before: nil, &object)
        object.finish(into: &out)
    }

    private static let taskFieldNames: Set<String> = ["attempt", "priority", "role", "state", "type"]
}
