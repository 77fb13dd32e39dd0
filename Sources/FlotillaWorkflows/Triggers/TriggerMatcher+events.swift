import FlotillaCore

extension TriggerMatcher {
    /// Whether hub event `event` starts a run of `workflow` (`on.event`), and its trigger:
    /// `{"kind":"event","type","seq","ts","task_id","agent_id","data"}`.
    ///
    /// `task_type` and `role` filter on the event's task (`data.type`, `data.role`), `agent` on
    /// its agent. An event a run of this same workflow produced (`producedBy`, the workflow the
    /// caller found behind the event, if any) never fires it: a workflow cannot re-trigger
    /// itself endlessly.
    public static func event(_ event: EventRecord, workflow: WorkflowDefinition, producedBy: String? = nil) -> TriggerDecision {
        let candidates = workflow.triggers.events.filter { $0.type == event.type }
        guard !candidates.isEmpty else { return .ignore(reason: "no event trigger of \(workflow.name) waits for '\(event.type)'") }
        if producedBy == workflow.name {
            return .ignore(reason: "the event comes from a run of \(workflow.name) itself")
        }
        let trigger = Self.eventTrigger(event)
        let data = event.data
        return first(candidates.lazy.map { candidate -> TriggerDecision in
            if let taskType = candidate.taskType, data["type"]?.stringValue != taskType {
                return .ignore(reason: "the event's task type is not '\(taskType)'")
            }
            if let role = candidate.role, data["role"]?.stringValue != role {
                return .ignore(reason: "the event's role is not '\(role)'")
            }
            if let agent = candidate.agent, event.agentID != agent {
                return .ignore(reason: "the event's agent is not '\(agent)'")
            }
            return decide(trigger, own: candidate.condition, workflow: workflow, what: "event trigger")
        }, none: "no event trigger matched")
    }

    /// Whether any of `workflow`'s event triggers waits for events of `type` (cheap; lets the
    /// caller skip looking up who produced an event nobody waits for).
    public static func waitsForEvents(of type: String, workflow: WorkflowDefinition) -> Bool {
        workflow.triggers.events.contains { $0.type == type }
    }

    /// The `trigger` object of a run an event started.
    public static func eventTrigger(_ event: EventRecord) -> JSONValue {
        [
            "kind": "event",
            "type": .string(event.type),
            "seq": .int(event.seq),
            "ts": .string(Timestamp.iso8601(event.ts)),
            "task_id": event.taskID.map(JSONValue.string) ?? .null,
            "agent_id": event.agentID.map(JSONValue.string) ?? .null,
            "data": event.data,
        ]
    }

    /// The run's `trigger_key` for an event: starting twice for one event (a restart replaying
    /// it) finds the first run.
    public static func eventKey(workflow: String, seq: Int64) -> String { "event:\(workflow):\(seq)" }
}
