import FlotillaCore
import Testing

@Suite("EventKind")
struct EventKindTests {
    @Test("each task state announces itself as task.<state>, a task event")
    func taskStates() {
        for state in TaskState.allCases {
            #expect(state.eventKind.rawValue == "task.\(state.rawValue)")
            #expect(state.eventKind.isTaskEvent)
            #expect(state.eventKind.name == state.rawValue)
        }
        #expect(!EventKind.agentOnline.isTaskEvent)
        #expect(EventKind.agentStateChange.name == "state_change")
    }

    @Test("every kind is published on its MQTT topic: task events by name, agent events on the agent's status")
    func topics() {
        let topics = SwarmTopics(swarm: "s")
        for kind in EventKind.allCases {
            let topic = topics.topic(forEvent: kind.rawValue, agentID: "a1")
            switch kind {
            case .taskAssigned: #expect(topic == topics.assigned)
            case .taskProgress: #expect(topic == topics.progress)
            case .taskSucceeded: #expect(topic == topics.complete)
            case .taskFailed: #expect(topic == topics.failed)
            case _ where kind.isTaskEvent: #expect(topic == topics.tasks(String(kind.name)), "\(kind)")
            default: #expect(topic == topics.status(agentID: "a1"), "\(kind)")
            }
        }
        #expect(topics.topic(forEvent: EventKind.agentOnline.rawValue, agentID: nil) == "s/events")
        #expect(topics.topic(forEvent: "custom.thing", agentID: "a1") == "s/events")
    }
}
