/// How the seeds' own publishers are understood on a swarm's topics (seeds/000 and /001).
extension SwarmTopics {
    /// seeds/001's request topics and the task type a request on each becomes.
    public var requestTopics: [String: String] {
        [
            "\(swarm)/deployment/request": "deployment.deploy",
            "\(swarm)/code/review": "code.review",
            "\(swarm)/tests/run": "testing.run",
            "\(swarm)/security/scan": "security.scan",
        ]
    }

    /// The envelope type a message without `type` has on an agent topic: seeds/000's agents
    /// publish `{id,timestamp,agent_id,role,payload}` and let the topic say what it is.
    public func impliedType(ofAgentTopic topic: String) -> MessageType? {
        switch topic {
        case register: .register
        case heartbeat: .heartbeat
        case shutdown: .drain
        default: agentID(inStatusTopic: topic) == nil ? nil : .status
        }
    }

    /// The seeds/001 domain topic a task event is also published on: its type's topic (see
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
