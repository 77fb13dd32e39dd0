/// The MQTT topic layout of one swarm (docs/mqtt.md), shared by the hub's bridge and
/// `flotilla agent --broker`. Every message on these topics is an ``Envelope``.
public struct SwarmTopics: Sendable, Hashable {
    /// The swarm name: the first level of every topic.
    public let swarm: String

    public init(swarm: String) {
        self.swarm = swarm
    }

    /// Whether `name` can be a swarm name: one non-empty topic level, no wildcards.
    public static func isValidSwarm(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: { "/+#\u{0}".contains($0) })
    }

    // Agent → hub.
    public var register: String { "\(swarm)/agents/register" }
    public var heartbeat: String { "\(swarm)/agents/heartbeat" }
    /// Drain notices (the agent takes no new work and will leave).
    public var shutdown: String { "\(swarm)/agents/shutdown" }
    /// Presence and readiness of one agent; its will message lands here when it dies.
    public func status(agentID: String) -> String { "\(swarm)/agents/\(agentID)/status" }
    public var anyStatus: String { "\(swarm)/agents/+/status" }
    /// The agent id in `{swarm}/agents/{id}/status`, or nil for any other topic.
    public func agentID(inStatusTopic topic: String) -> String? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 4, levels[0] == swarm, levels[1] == "agents", levels[3] == "status" else { return nil }
        return String(levels[2])
    }

    /// Submissions from any client; hub answers land on ``rejected`` or the task event topics.
    public var newTasks: String { "\(swarm)/tasks/new" }
    /// Agents accept assignments here; the hub announces assignments here too.
    public var assigned: String { "\(swarm)/tasks/assigned" }
    public var progress: String { "\(swarm)/tasks/progress" }
    public var complete: String { "\(swarm)/tasks/complete" }
    public var failed: String { "\(swarm)/tasks/failed" }
    /// Running attempts' output (``OutputFrame``), agent → hub only.
    public var output: String { "\(swarm)/tasks/output" }
    /// Running attempts' `usage` (cost ledger), agent → hub only.
    public var usage: String { "\(swarm)/tasks/usage" }
    /// Executors' `approval` questions, agent → hub only.
    public var approvalRequests: String { "\(swarm)/approvals/requests" }
    /// Submissions the hub refused, with the error.
    public var rejected: String { "\(swarm)/tasks/rejected" }
    /// Other task state changes: `{swarm}/tasks/queued`, `…/blocked`, `…/running`, `…/dead`, `…/cancelled`.
    public func tasks(_ leaf: String) -> String { "\(swarm)/tasks/\(leaf)" }

    public var broadcast: String { "\(swarm)/broadcast" }
    /// Hub → one agent: registered, assignment, cancel, ack, error, and messages to it.
    public func inbox(agentID: String) -> String { "\(swarm)/agents/\(agentID)/inbox" }
    /// The hub's presence (retained): `online` with its instance id, or `offline`.
    public var hubStatus: String { "\(swarm)/hub/status" }

    /// Where an agent publishes an envelope of `type`.
    public func agentTopic(for type: MessageType, agentID: String) -> String {
        switch type {
        case .register: register
        case .heartbeat: heartbeat
        case .drain: shutdown
        case .accept: assigned
        case .progress: progress
        case .complete: complete
        case .fail, .release: failed
        case .output: output
        case .usage: usage
        case .approval: approvalRequests
        case .message: broadcast
        case .ready, .status, .registered, .assignment, .cancel, .ack, .error, .event, .approvalDecision: status(agentID: agentID)
        }
    }

    /// The domain topic a completed task of `type` is also announced on, if any.
    public func domainTopic(forTaskType type: String) -> String? {
        if type.hasPrefix("testing.") { return "\(swarm)/tests/results" }
        if type.hasPrefix("security.") { return "\(swarm)/security/scan" }
        if type.hasPrefix("deployment.") { return "\(swarm)/deployment/status" }
        if type == "code.review" { return "\(swarm)/code/review" }
        if type.hasPrefix("monitoring.") { return "\(swarm)/monitoring/alerts" }
        return nil
    }

    /// The topic a hub event is published on: task events by their own topic, agent events on
    /// the agent's status topic.
    public func topic(forEvent type: String, agentID: String?) -> String {
        guard let kind = EventKind(rawValue: type) else { return "\(swarm)/events" }
        switch kind {
        case .taskAssigned: return assigned
        case .taskProgress: return progress
        case .taskSucceeded: return complete
        case .taskFailed: return failed
        default:
            if kind.isTaskEvent { return tasks(String(kind.name)) }
            return agentID.map { status(agentID: $0) } ?? "\(swarm)/events"
        }
    }
}
