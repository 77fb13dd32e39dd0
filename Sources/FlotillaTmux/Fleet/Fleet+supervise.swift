import Foundation

extension Fleet {
    /// Restarts crashed agents with exponential backoff until cancelled: an agent pane whose
    /// process exited (tmux keeps it as a dead pane) is respawned after
    /// `restart_backoff × 2^(restarts)`, at most `restart_backoff_max` seconds.
    public func supervise(interval: Duration = .milliseconds(500), log: @Sendable (String) -> Void = { _ in }) async throws {
        var deadSince: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            guard await tmux.hasSession(file.session) else { return }
            let panes = (try? await agentPanes()) ?? []
            let now = ContinuousClock.now
            for pane in panes {
                guard let name = pane.agentName else { continue }
                let dead = pane.isDead || !ProcessLiveness.isAlive(pane.pid)
                guard dead else {
                    deadSince[pane.id] = nil
                    continue
                }
                let since = deadSince[pane.id] ?? now
                deadSince[pane.id] = since
                let delay = min(file.restartBackoffMax, file.restartBackoff * pow(2, Double(min(pane.restarts, 16))))
                guard now - since >= .milliseconds(Int64(delay * 1000)) else { continue }
                do {
                    try await restart(name)
                    deadSince[pane.id] = nil
                    log("restarted \(name) (exit status \(pane.deadStatus.map(String.init) ?? "?"), restart \(pane.restarts + 1), after \(delay)s)")
                } catch {
                    log("cannot restart \(name): \(error)")
                }
            }
            try await Task.sleep(for: interval)
        }
    }
}
