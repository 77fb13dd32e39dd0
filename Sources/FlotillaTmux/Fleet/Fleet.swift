import Foundation

/// A fleet running in tmux: one session on the fleet's socket with an `agents` window (a tiled
/// grid, one pane per agent), a `hub` window when the fleet started its hub, and a `supervisor`
/// window running `flotilla up --supervise`, which restarts crashed agents with backoff.
///
/// tmux itself holds the bookkeeping, so every command (`ps`, `restart`, `stop` …) works from any
/// shell: each agent pane carries `@flotilla_agent`, `@flotilla_started` and `@flotilla_restarts`.
public struct Fleet: Sendable {
    public let file: FleetFile
    /// The fleet file's absolute path (the supervisor re-reads it).
    public let path: String
    public let tmux: Tmux
    /// The `flotilla` binary agents, the hub and the supervisor run.
    public let flotilla: String

    public static let agentsWindow = "agents"
    public static let hubWindow = "hub"
    public static let supervisorWindow = "supervisor"

    public init(path: String, flotilla: String, socket: String? = nil) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        self.file = try FleetFile.load(path: absolute)
        self.path = absolute
        self.flotilla = flotilla
        self.tmux = Tmux(configuration: TmuxConfiguration(socketName: socket ?? file.socket ?? TmuxConfiguration.defaultSocketName))
    }

    /// What `up` did.
    public struct UpReport: Sendable {
        public var panes: [String: String]
        public var hubStarted: Bool
        public var attachCommand: String
    }

    /// Starts the hub (when none answers and the fleet starts one), every agent in a tiled grid,
    /// and the supervisor window.
    public func up(supervisor: Bool = true) async throws -> UpReport {
        if await tmux.hasSession(file.session) {
            throw FleetError(.invalidField, "the fleet session '\(file.session)' is already running on socket '\(tmux.configuration.socketName)'; use `flotilla stop` first", field: "session")
        }
        let agents = try file.expandedAgents(flotilla: flotilla)
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let paneIDs = try await tmux.newGrid(session: file.session, window: Self.agentsWindow, commands: agents.map(\.command))
        var panes: [String: String] = [:]
        for (agent, pane) in zip(agents, paneIDs) {
            panes[agent.name] = pane
            try await mark(pane, agent: agent.name, restarts: 0)
        }
        try await tmux.run(["set-option", "-t", file.session, "@flotilla_file", path])
        var hubStarted = false
        if let hub = file.hubCommand(flotilla: flotilla, socket: tmux.configuration.socketName), !HubProbe.isAnswering(file.hub.url) {
            try await tmux.newWindow(session: file.session, name: Self.hubWindow, command: hub)
            hubStarted = true
        }
        if supervisor {
            let line = [flotilla, "up", "-f", path, "--supervise"].map(FleetFile.shellQuote).joined(separator: " ")
            try await tmux.newWindow(session: file.session, name: Self.supervisorWindow, command: PaneCommand(line, workingDirectory: file.baseDirectory))
        }
        _ = try? await tmux.run(["select-window", "-t", "=\(file.session):\(Self.agentsWindow)"])
        return UpReport(panes: panes, hubStarted: hubStarted, attachCommand: "tmux -L \(tmux.configuration.socketName) attach -t \(file.session)")
    }

    /// Sets the pane's bookkeeping options and pipes its output to the agent's log file.
    func mark(_ pane: String, agent: String, restarts: Int) async throws {
        try await tmux.setPaneOption(pane, "@flotilla_agent", agent)
        try await tmux.setPaneOption(pane, "@flotilla_started", "\(Int(Date().timeIntervalSince1970))")
        try await tmux.setPaneOption(pane, "@flotilla_restarts", "\(restarts)")
        try await tmux.run(["pipe-pane", "-t", pane, "cat >> " + FleetFile.shellQuote(logPath(agent))])
    }

    /// The agent panes of the running fleet.
    public func agentPanes() async throws -> [PaneInfo] {
        guard await tmux.hasSession(file.session) else {
            throw FleetError(.notRunning, "no fleet session '\(file.session)' on socket '\(tmux.configuration.socketName)'")
        }
        return try await tmux.listPanes(session: file.session).filter { $0.agentName != nil }
    }

    /// The pane of agent `name`.
    public func pane(of name: String) async throws -> PaneInfo {
        guard let pane = try await agentPanes().first(where: { $0.agentName == name }) else {
            throw FleetError(.agentNotFound, "no agent named '\(name)' in the fleet")
        }
        return pane
    }

    /// The fleet's definition of agent `name`.
    public func agent(_ name: String) throws -> FleetFile.Agent {
        guard let agent = try file.expandedAgents(flotilla: flotilla).first(where: { $0.name == name }) else {
            throw FleetError(.agentNotFound, "no agent named '\(name)' in \(path)")
        }
        return agent
    }

    /// Replaces agent `name`'s process with a fresh one.
    public func restart(_ name: String) async throws {
        let agent = try agent(name)
        let pane = try await pane(of: name)
        try await tmux.respawnPane(pane.id, command: agent.command)
        try await mark(pane.id, agent: name, restarts: pane.restarts + 1)
    }

    public var logDirectory: String { file.stateDirectory + "/logs" }

    /// Where agent `name`'s pane output is appended.
    public func logPath(_ name: String) -> String { logDirectory + "/\(name).log" }

    /// A classifier for agent `name`'s kind, with the fleet's rules.
    public func classifier(for name: String) throws -> ScreenClassifier {
        try ScreenClassifier(kind: agent(name).kind, rules: file.screenRules())
    }
}
