import FlotillaCore
import Foundation

extension Fleet {
    /// Starts agent `name` of the running fleet again after `stop NAME`: a new pane in the
    /// `agents` window (re-tiled; the window is made again if it is gone), with a fresh token.
    /// Returns a warning when no new token could be issued.
    @discardableResult
    public func start(_ name: String) async throws -> String? {
        let agent = try agent(name)
        guard await tmux.hasSession(file.session) else {
            throw FleetError(.notRunning, "no fleet session '\(file.session)' on socket '\(tmux.configuration.socketName)'; start the fleet with `flotilla up`")
        }
        let panes = try await tmux.listPanes(session: file.session)
        if panes.contains(where: { $0.agentName == name }) {
            throw FleetError(.agentRunning, "agent '\(name)' is running; use `flotilla restart \(name)` to replace it")
        }
        try prepareDirectories(for: [agent])
        let warning = await provision(agent)
        let pane: String
        if let neighbour = panes.first(where: { $0.windowName == Self.agentsWindow }) {
            pane = try await tmux.splitWindow(pane: neighbour.id, command: placeholder)
        } else {
            pane = try await tmux.newWindow(session: file.session, name: Self.agentsWindow, command: placeholder)
            try await tmux.setWindowOption(target: pane, "remain-on-exit", "on")
        }
        try await pipe(pane, to: logPath(name))
        try await launch(agent, in: pane, restarts: 0)
        return warning
    }
}
