import FlotillaGoals
import ServiceLifecycle

extension Hub {
    /// The initiative's service when the hub runs with `--autonomy` (docs/goals.md); none
    /// otherwise. With the fleet watched (`--watch-panes`) it restarts stuck agents through
    /// the watcher, as `POST /api/agents/{id}/restart` does.
    func autonomyServices(watched: WatchedAgents?) -> [any Service] {
        guard let autonomy else { return [] }
        if let watched { autonomy.restart { name in try await watched.restart(name) } }
        return [autonomy]
    }
}
