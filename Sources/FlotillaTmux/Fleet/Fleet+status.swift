import Foundation

extension Fleet {
    /// One line of `flotilla ps`.
    public struct AgentStatus: Sendable, Hashable {
        public var name: String
        public var pane: String
        public var pid: Int32?
        public var alive: Bool
        public var state: String
        public var task: String
        public var uptimeSeconds: Int?
        public var restarts: Int
        /// The exit status the supervisor last saw, when the agent has exited before.
        public var lastExit: Int? = nil
        /// Where STATE comes from: `screen` (read once off the pane), `watch` (the hub watching
        /// the panes) or `hub` (the agent registered with the hub).
        public var source = "screen"
        /// Seconds since the hub last heard from the agent, when the hub knows it.
        public var lastSeenSeconds: Int?
    }

    /// Every agent of the fleet file with its pane, process, screen state, task and uptime.
    public func status() async throws -> [AgentStatus] {
        let panes = try await agentPanes()
        let rules = try file.screenRules()
        let now = Int(Date().timeIntervalSince1970)
        var rows: [AgentStatus] = []
        for agent in try file.expandedAgents(flotilla: flotilla) {
            guard let pane = panes.first(where: { $0.agentName == agent.name }) else {
                rows.append(AgentStatus(name: agent.name, pane: "-", pid: nil, alive: false, state: "stopped", task: "-", uptimeSeconds: nil, restarts: 0))
                continue
            }
            let alive = !pane.isDead && ProcessLiveness.isAlive(pane.pid)
            var state = alive ? "unknown" : "exited"
            if alive, let screen = try? await tmux.capture(pane.id) {
                state = (try? ScreenClassifier(kind: agent.kind, rules: rules))?.classify(screen).state?.rawValue ?? "unknown"
            }
            var task = "-"
            if let spec = agent.spec.taskSpec, let progress = TaskProgress.read(path: file.resolve(spec)) {
                task = "\(spec) \(progress.percent)%"
            }
            rows.append(AgentStatus(
                name: agent.name, pane: pane.id, pid: alive ? pane.pid : nil, alive: alive, state: state, task: task,
                uptimeSeconds: alive ? pane.startedAt.map { now - $0 } : nil, restarts: pane.restarts,
                lastExit: pane.isDead ? (pane.deadStatus ?? pane.lastExit) : pane.lastExit
            ))
        }
        return rows
    }
}
