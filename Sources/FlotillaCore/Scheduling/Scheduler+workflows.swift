extension Scheduler {
    /// Records a workflow change: its rows and its events go into the same commit as whatever
    /// else this operation changed (a run's state with the tasks it submitted), and the events
    /// take the log's next sequence numbers, so subscribers see them only once durable and can
    /// resume across them.
    public mutating func recordWorkflow(_ writes: [StoreWrite], events: [WorkflowEvent], now: Double) {
        effects.writes.append(contentsOf: writes)
        for event in events {
            lastSeq += 1
            let record = EventRecord(seq: lastSeq, type: event.kind.rawValue, ts: now, taskID: event.taskID, agentID: nil, task: nil, details: event.data)
            effects.events.append(record)
            effects.writes.append(.appendEvent(record))
        }
    }
}
