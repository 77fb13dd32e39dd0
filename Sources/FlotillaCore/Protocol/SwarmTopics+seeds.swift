/// How plain MQTT publishers (no `type`, no signature: `mosquitto_pub`, simple agents) are
/// understood on a swarm's topics.
extension SwarmTopics {
    /// The request topics and the task type a request on each becomes.
    public var requestTopics: [String: String] {
        [
            "\(swarm)/deployment/request": "deployment.deploy",
            "\(swarm)/code/review": "code.review",
            "\(swarm)/tests/run": "testing.run",
            "\(swarm)/security/scan": "security.scan",
        ]
    }

    /// The envelope type a message without `type` has on an agent topic: plain agents
    /// publish `{id,timestamp,agent_id,role,payload}` and let the topic say what it is.
    public func impliedType(ofAgentTopic topic: String) -> MessageType? {
        switch topic {
        case register: .register
        case heartbeat: .heartbeat
        case shutdown: .drain
        default: agentID(inStatusTopic: topic) == nil ? nil : .status
        }
    }

    /// The domain topic a task event is also published on: its type's topic (see
    /// ``domainTopic(forTaskType:)``) for progress, success, failure, death and expiry.
    public func domainTopic(forEvent event: String, taskType: String) -> String? {
        switch EventKind(rawValue: event) {
        case .taskProgress?, .taskSucceeded?, .taskFailed?, .taskDead?, .taskExpired?:
            domainTopic(forTaskType: taskType)
        default:
            nil
        }
    }
}
