import FlotillaCore
import Testing

/// A task event's data is written in place from the task's fields and the event's details: the
/// same bytes as the generic writer gives for the merged object, whatever the details' keys.
@Suite struct EventRecordJSONTests {
    private func event(details: [String: JSONValue]) -> EventRecord {
        var task = TaskRecord(id: "t1", spec: TaskSpec(type: "code.review", role: "review", priority: .high), state: .running, now: 1_700_000_000)
        task.attempt = 2
        return EventRecord(seq: 7, type: "task.progress", ts: 1_700_000_000.5, taskID: "t1", agentID: "a1", task: .init(task), details: details)
    }

    @Test(arguments: [
        [:],
        // before, between and after the task fields, and one with a key that needs escaping
        ["agent": "x", "percent": 50, "reason": "r", "zzz": [1, 2], "a\"b": true],
        // a detail named like a task field loses to the task's own value
        ["state": "queued", "attempt": 9, "message": "m"],
    ] as [[String: JSONValue]])
    func dataMatchesTheGenericWriter(details: [String: JSONValue]) throws {
        let event = event(details: details)
        #expect(event.dataBytes == event.data.jsonBytes)
        #expect(event.jsonBytes == event.json.jsonBytes)
        let data = try #require(event.data.objectValue)
        #expect(data["state"] == "running")
        #expect(data["attempt"] == 2)
        #expect(data["priority"] == "high")
        #expect(data.count == 5 + details.keys.filter { !["state", "attempt", "type", "role", "priority"].contains($0) }.count)
    }

    @Test func anEventReadBackEqualsTheOneEmitted() throws {
        let emitted = event(details: ["percent": 50])
        let stored = EventRecord(seq: emitted.seq, type: emitted.type, ts: emitted.ts, taskID: emitted.taskID, agentID: emitted.agentID,
                                 data: try JSONValue.parse(String(decoding: emitted.dataBytes, as: UTF8.self)))
        #expect(stored == emitted)
        #expect(Set([stored, emitted]).count == 1)
        #expect(stored.jsonBytes == emitted.jsonBytes)
    }
}
