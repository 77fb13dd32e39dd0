import FlotillaCore
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

    /// Gives `flotilla agent` agents their hub token on every start and restart; without one
    /// they only have what their token file already holds.
    public var issuer: (any AgentTokenIssuer)?

    /// - Parameter caFile: a CA file (`--ca-file`, `FLOTILLA_CA_FILE`) trusted instead of the
    ///   file's ``FleetFile/hubCAFile`` by the fleet's commands and the agents it starts.
    public init(path: String, flotilla: String, socket: String? = nil, issuer: (any AgentTokenIssuer)? = nil, caFile: String? = nil) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var file = try FleetFile.load(path: absolute)
        if let caFile {
            let resolved = URL(fileURLWithPath: caFile).standardizedFileURL.path
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw FleetError(.fileNotFound, "cannot read the CA file \(resolved) (--ca-file or FLOTILLA_CA_FILE; a PEM file)", field: "ca-file")
            }
            file.hub.caFile = resolved
        }
        self.file = file
        self.path = absolute
        self.flotilla = flotilla
        self.tmux = Tmux(configuration: TmuxConfiguration(socketName: socket ?? file.socket ?? TmuxConfiguration.defaultSocketName))
        self.issuer = issuer
    }

    /// What `up` did.
    public struct UpReport: Sendable {
        public var panes: [String: String]
        public var hubStarted: Bool
        public var attachCommand: String
        /// Agents that got no fresh token, and why.
        public var warnings: [String] = []
    }

    /// Starts the hub (when none answers and the fleet starts one) and waits until it answers,
    /// gives each `flotilla agent` agent its own token, then starts every agent in a tiled grid
    /// and the supervisor window. An agent that exits at once does not stop the rest: its pane
    /// stays (dead) for the supervisor to restart; see ``startFailures(within:)``.
    public func up(supervisor: Bool = true, hubTimeout: Duration = .seconds(30)) async throws -> UpReport {
        if await tmux.hasSession(file.session) {
            throw FleetError(.invalidField, "the fleet session '\(file.session)' is already running on socket '\(tmux.configuration.socketName)'; use `flotilla stop` first", field: "session")
        }
        let agents = try file.expandedAgents(flotilla: flotilla)
        try prepareDirectories(for: agents)
        var hubStarted = false
        if let hub = file.hubCommand(flotilla: flotilla, socket: tmux.configuration.socketName), !HubProbe.isAnswering(file.hub.url) {
            try await startHub(hub, within: hubTimeout)
            hubStarted = true
        }
        var warnings: [String] = []
        for agent in agents {
            if let warning = await provision(agent) { warnings.append(warning) }
        }
        // Each pane starts on a placeholder so its log pipe is in place before the agent runs:
        // output of an agent that exits at once is kept, and a dead pane fails no setup step.
        let placeholders = agents.map { _ in placeholder }
        let paneIDs = try await tmux.newGrid(session: file.session, window: Self.agentsWindow, commands: placeholders)
        var panes: [String: String] = [:]
        for (agent, pane) in zip(agents, paneIDs) {
            panes[agent.name] = pane
            try await pipe(pane, to: logPath(agent.name))
            try await launch(agent, in: pane, restarts: 0)
        }
        try await tmux.run(["set-option", "-t", file.session, "@flotilla_file", path])
        if supervisor {
            var words = [flotilla, "up", "-f", path, "--socket", tmux.configuration.socketName, "--supervise"]
            // The CA this `up` trusts (perhaps given on its command line), for the restarts' token minting.
            if let caFile = file.hubCAFile { words += ["--ca-file", caFile] }
            let line = words.map(FleetFile.shellQuote).joined(separator: " ")
            let pane = try await tmux.newWindow(session: file.session, name: Self.supervisorWindow, command: placeholder)
            try await pipe(pane, to: supervisorLogPath)
            try await tmux.respawnPane(pane, command: PaneCommand(line, workingDirectory: file.baseDirectory))
        }
        _ = try? await tmux.run(["select-window", "-t", "=\(file.session):\(Self.agentsWindow)"])
        return UpReport(panes: panes, hubStarted: hubStarted, attachCommand: "tmux -L \(tmux.configuration.socketName) attach -t \(file.session)", warnings: warnings)
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

    /// Replaces agent `name`'s process with a fresh one (with a fresh token); starts it when it
    /// was stopped. Returns a warning when no new token could be issued.
    @discardableResult
    public func restart(_ name: String) async throws -> String? {
        let agent = try agent(name)
        guard let pane = try await agentPanes().first(where: { $0.agentName == name }) else {
            return try await start(name)
        }
        let warning = await provision(agent)
        try await launch(agent, in: pane.id, restarts: pane.restarts + 1)
        return warning
    }

    public var logDirectory: String { file.stateDirectory + "/logs" }

    /// The output of the hub `up` started (beside the agents' logs, in a folder no agent name can take).
    public var hubLogPath: String { logDirectory + "/fleet/hub.log" }

    /// The supervisor's output: every restart, with the exit status and last lines before it.
    public var supervisorLogPath: String { logDirectory + "/fleet/supervisor.log" }

    /// Where agent `name`'s pane output is appended.
    public func logPath(_ name: String) -> String { logDirectory + "/\(name).log" }

    /// A classifier for agent `name`'s kind, with the fleet's rules.
    public func classifier(for name: String) throws -> ScreenClassifier {
        try ScreenClassifier(kind: agent(name).kind, rules: file.screenRules())
    }
}
