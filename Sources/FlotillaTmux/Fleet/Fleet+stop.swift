import FlotillaCore
import Foundation

extension Fleet {
    /// Stops agent `name`, or the whole fleet when nil: Ctrl-C first, then SIGTERM to the pane's
    /// process group, then SIGKILL to whatever is left (descendants included); then the panes,
    /// and for the whole fleet the session (and the server when nothing else runs on it).
    /// Returns the pids that had to be killed with SIGKILL.
    @discardableResult
    public func stop(_ name: String? = nil, grace: Duration = .seconds(3)) async throws -> [Int32] {
        var targets: [PaneInfo]
        if let name {
            targets = [try await pane(of: name)]
            // Out of the fleet first, so the supervisor does not take the exit for a crash.
            _ = try? await tmux.run(["set-option", "-p", "-u", "-t", targets[0].id, "@flotilla_agent"])
        } else {
            guard await tmux.hasSession(file.session) else {
                throw FleetError(.notRunning, "no fleet session '\(file.session)' on socket '\(tmux.configuration.socketName)'")
            }
            let all = try await tmux.listPanes(session: file.session)
            // The supervisor goes first so it does not restart what is being stopped.
            if let supervisor = all.first(where: { $0.windowName == Self.supervisorWindow }) {
                _ = await terminate([supervisor], grace: .seconds(1))
                try? await tmux.killPane(supervisor.id)
            }
            targets = all.filter { $0.windowName != Self.supervisorWindow }
        }
        let killed = await terminate(targets, grace: grace)
        if name != nil {
            for pane in targets { try? await tmux.killPane(pane.id) }
        } else {
            try? await tmux.killSession(file.session)
            if (try? await tmux.execute(["list-sessions"]).succeeded) != true { await tmux.killServer() }
        }
        return killed
    }

    /// Gracefully ends the processes of `panes`; returns the pids that needed SIGKILL.
    func terminate(_ panes: [PaneInfo], grace: Duration) async -> [Int32] {
        await tmux.terminate(panes, grace: grace)
    }
}
