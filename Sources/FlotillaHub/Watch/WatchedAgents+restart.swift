import FlotillaCore
import FlotillaEngine
import FlotillaTmux

extension WatchedAgents {
    /// Restarts watched agent `name`: its pane's command is started afresh in the same pane
    /// (`tmux respawn-pane -k`, which kills what runs there first). The pane keeps its id and
    /// its fleet mark, so the watcher goes on reading the new process. Returns the pane.
    public func restart(_ name: String) async throws -> String {
        let agent = try agent(name)
        guard let info = try await tmux.paneInfo(agent.pane) else {
            release(agent: agent.name, pane: agent.pane)
            throw FlotillaError(.agentNotFound, "Agent '\(agent.name)' is gone: its pane \(agent.pane) no longer exists.", field: "id")
        }
        // Without a command, respawn-pane runs the one the pane was started with.
        try await tmux.run(["respawn-pane", "-k", "-t", info.id])
        hub.engine.recordObservation(.agentRestarted, agentID: agent.name, data: ["pane": .string(info.id), "pid": .int(Int64(info.pid))])
        return info.id
    }
}
