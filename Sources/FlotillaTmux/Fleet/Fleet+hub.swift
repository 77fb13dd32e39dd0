import FlotillaCore
import Foundation

extension Fleet {
    /// Starts the fleet's hub in the session's `hub` window (creating the session) and waits
    /// until it answers at `hub.url`. If it exits or stays silent past `timeout`, the session is
    /// removed again and the error quotes the hub's log.
    func startHub(_ command: PaneCommand, within timeout: Duration) async throws {
        try file.writeHubNotifications()
        let pane = try await tmux.newSession(file.session, window: Self.hubWindow, command: placeholder)
        // Kept when it exits, so the supervisor sees the exit and restarts it like an agent.
        try await tmux.setWindowOption(target: pane, "remain-on-exit", "on")
        try await pipe(pane, to: hubLogPath)
        try await tmux.setPaneOption(pane, "@flotilla_hub", "1")
        try await tmux.setPaneOption(pane, "@flotilla_restarts", "0")
        try await tmux.respawnPane(pane, command: command)
        let deadline = ContinuousClock.now + timeout
        var problem: String?
        while problem == nil {
            if HubProbe.isAnswering(file.hub.url) { return }
            if let info = try? await tmux.paneInfo(pane), info.isDead {
                let status = await tmux.deadStatus(of: pane)
                problem = "the hub exited (status \(status.map(String.init) ?? "?")) before it answered at \(file.hub.url)"
            } else if ContinuousClock.now >= deadline {
                problem = "the hub did not answer at \(file.hub.url) within \(timeout)"
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        // Give the log pipe a moment to catch the hub's last words before quoting them.
        try? await Task.sleep(for: .milliseconds(200))
        let tail = LogTail.last(10, of: hubLogPath)
        try? await tmux.killSession(file.session)
        if (try? await tmux.execute(["list-sessions"]).succeeded) != true { await tmux.killServer() }
        var message = "\(problem!); its output is in \(hubLogPath)"
        if !tail.isEmpty { message += ":\n  " + tail.joined(separator: "\n  ") }
        throw FleetError(.hubUnavailable, message, field: "hub")
    }

    /// The pane of the hub `up` started, when there is one.
    func hubPane() async throws -> PaneInfo? {
        try await tmux.listPanes(session: file.session).first(where: \.isFleetHub)
    }
}
