extension EventRecord {
    /// ``json`` as UTF-8: what the event stream sends and what MQTT subscribers receive.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var object = JSONObjectWriter(appendingTo: &out)
        object.member(Field.agentID, agentID)
        object.member(Field.data) { writeData(to: &$0) }
        object.member(Field.seq, Int(seq))
        object.member(Field.taskID, taskID)
        object.member(Field.ts, timestamp: ts)
        object.member(Field.type, type)
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
        func writeDetails(before bound: TaskFields.Field?, _ object: inout JSONObjectWriter) {
            while next < extra.count, bound.map({ extra[next].key.utf8.lexicographicallyPrecedes($0.rawValue.utf8) }) ?? true {
                // A detail named like a task field gives way to the task's own value.
                if !Self.taskFieldNames.contains(extra[next].key) {
                    object.member(dynamicKey: extra[next].key, extra[next].value)
                }
                next += 1
            }
        }
        for field in TaskFields.Field.allCases {
            writeDetails(before: field, &object)
            object.member(field, task.value(of: field))
        }
        writeDetails(before: nil, &object)
        object.finish(into: &out)
    }

    private static let taskFieldNames = Set(TaskFields.Field.allCases.map(\.rawValue))
}
