import FlotillaCore
import Foundation

extension Fleet {
    /// Restarts crashed agents, and the hub `up` started, with exponential backoff until
    /// cancelled: a pane whose process exited (tmux keeps it as a dead pane) is respawned after
    /// `restart_backoff × 2^(restarts)`, at most `restart_backoff_max` seconds. Each exit is
    /// logged once with its status and the last lines of output, and kept in the pane option
    /// `@flotilla_last_exit` for `flotilla ps`.
    public func supervise(interval: Duration = .milliseconds(500), log: @Sendable (String) -> Void = { _ in }) async throws {
        var deadSince: [String: ContinuousClock.Instant] = [:]
        var reported: Set<String> = []
        while !Task.isCancelled {
            guard await tmux.hasSession(file.session) else { return }
            let panes = ((try? await tmux.listPanes(session: file.session)) ?? []).filter { $0.agentName != nil || $0.isFleetHub }
            let now = ContinuousClock.now
            for pane in panes {
                let name = pane.agentName ?? Self.hubWindow
                // The pane's output log grows as long as the pane lives: rotated by size.
                LogRotation.copyTruncate(pane.isFleetHub ? hubLogPath : logPath(name))
                let what = pane.agentName.map { "agent '\($0)'" } ?? "the hub"
                let dead = pane.isDead || !ProcessLiveness.isAlive(pane.pid)
                guard dead else {
                    deadSince[pane.id] = nil
                    reported.remove(pane.id)
                    continue
                }
                let delay = min(file.restartBackoffMax, file.restartBackoff * pow(2, Double(min(pane.restarts, 16))))
                let since = deadSince[pane.id] ?? now
                deadSince[pane.id] = since
                let due = now - since >= .milliseconds(Int64(delay * 1000))
                // Reported once tmux has the exit status (it marks the pane dead a moment after
                // the process is gone), or when the restart is due, whichever comes first.
                if !reported.contains(pane.id), pane.isDead || due {
                    reported.insert(pane.id)
                    var status = pane.deadStatus
                    if status == nil, pane.isDead { status = await tmux.deadStatus(of: pane.id, within: .milliseconds(300)) }
                    _ = try? await tmux.setPaneOption(pane.id, "@flotilla_last_exit", status.map(String.init) ?? "")
                    let tail = LogTail.last(5, of: pane.isFleetHub ? hubLogPath : logPath(name))
                    let lines = tail.isEmpty ? " (no output)" : ":\n    " + tail.joined(separator: "\n    ")
                    log("\(what) exited with status \(status.map(String.init) ?? "unknown"); last output\(lines)\n  restarting it in \(delay)s (restart \(pane.restarts + 1))")
                }
                guard due else { continue }
                do {
                    if pane.isFleetHub {
                        try await restartHub(pane)
                    } else if let warning = try await restart(name) {
                        log("warning: \(warning)")
                    }
                    deadSince[pane.id] = nil
                    reported.remove(pane.id)
                    log("restarted \(what) (restart \(pane.restarts + 1), after \(delay)s)")
                } catch {
                    log("cannot restart \(what): \(error)")
                }
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Respawns the hub `up` started with its command from the fleet file.
    func restartHub(_ pane: PaneInfo) async throws {
        guard let command = file.hubCommand(flotilla: flotilla, socket: tmux.configuration.socketName) else {
            throw FleetError(.invalidField, "the fleet file no longer starts a hub", field: "hub.start")
        }
        try file.writeHubNotifications()
        try await tmux.setPaneOption(pane.id, "@flotilla_restarts", "\(pane.restarts + 1)")
        try await tmux.respawnPane(pane.id, command: command)
    }
}
