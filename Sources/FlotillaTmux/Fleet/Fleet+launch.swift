import FlotillaCore
import Foundation

extension Fleet {
    /// What a pane runs until its real command replaces it (`respawn-pane -k`): it lets the
    /// log pipe and the bookkeeping be set up on a live pane.
    var placeholder: PaneCommand { PaneCommand("exec sleep 2147483647", workingDirectory: file.baseDirectory) }

    /// The state directory (0700: it is the hub's data directory by default), the logs, the
    /// token directory (0700) and each `flotilla agent` agent's own working directory.
    func prepareDirectories(for agents: [FleetFile.Agent]) throws {
        try SecretFile.makeDirectory(file.stateDirectory)
        try FileManager.default.createDirectory(atPath: logDirectory + "/fleet", withIntermediateDirectories: true)
        try SecretFile.makeDirectory(file.tokenDirectory)
        for agent in agents where agent.spec.command == nil {
            try FileManager.default.createDirectory(atPath: file.runDirectory(of: agent.spec, name: agent.name), withIntermediateDirectories: true)
        }
    }

    /// Appends the pane's output to `log` (tmux `pipe-pane`); the pipe outlives respawns.
    func pipe(_ pane: String, to log: String) async throws {
        try await tmux.run(["pipe-pane", "-t", pane, "cat >> " + FleetFile.shellQuote(log)])
    }

    /// Marks `pane` as agent `agent`'s and (re)starts the agent's command in it.
    func launch(_ agent: FleetFile.Agent, in pane: String, restarts: Int) async throws {
        try await tmux.setPaneOption(pane, "@flotilla_agent", agent.name)
        try await tmux.setPaneOption(pane, "@flotilla_started", "\(Int(Date().timeIntervalSince1970))")
        try await tmux.setPaneOption(pane, "@flotilla_restarts", "\(restarts)")
        try await tmux.respawnPane(pane, command: agent.command)
    }

    /// Writes a fresh token for a `flotilla agent` agent to its token file, which the agent
    /// removes once read (`--consume-token-file`); returns a warning when none could be issued
    /// (the agent then fails to start, and the supervisor tries again after its backoff).
    func provision(_ agent: FleetFile.Agent) async -> String? {
        if agent.usesClaudeHooks { return await provisionHooks(agent) }
        guard agent.spec.command == nil, let issuer else { return nil }
        let path = file.tokenPath(agent.name)
        // A token binds one role; an agent serving several is bound by its name only.
        let role = agent.spec.role.flatMap { $0.contains(",") ? nil : $0.trimmingCharacters(in: .whitespaces) }
        do {
            // A quick connect first: minting against a hub that is down would wait for timeouts.
            guard HubProbe.isAnswering(file.hub.url) else {
                throw FleetError(.hubUnavailable, "nothing answers at \(file.hub.url)", field: "hub.url")
            }
            let token = try await issuer.issue(agent: agent.name, role: role)
            try SecretFile.makeDirectory(file.tokenDirectory)
            try SecretFile.write(path, contents: token + "\n")
            return nil
        } catch {
            // A file still there was never read by an agent, so it is as good as new.
            let kept = FileManager.default.fileExists(atPath: path) ? "it gets the unread token already in its token file" : "it cannot connect until one can be minted"
            return "no new hub token for agent '\(agent.name)' (\(kept)): \(error)"
        }
    }
}
