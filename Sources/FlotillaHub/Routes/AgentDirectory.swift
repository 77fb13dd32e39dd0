import FlotillaCore
import FlotillaEngine
import FlotillaTmux

/// One id space for agents, whether the hub or a tmux pane knows them
/// (`/api/agents/{id}`): an agent registered with the hub (`flotilla agent`) shows its
/// scheduler view, plus `screen` when its pane is watched too; an agent only watched in a pane
/// (an interactive TUI, an adopted session) shows its screen state. A watched agent also answers
/// to its tmux session's name when the session holds only it.
struct AgentDirectory {
    let hub: Hub
    let watched: WatchedAgents?

    /// Every agent: the hub's first (by id), then those only watched in panes.
    func all() -> [JSONValue] {
        let registered = hub.engine.agents()
        let views = watched?.agents() ?? []
        let byName = Dictionary(views.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let known = Set(registered.map(\.registration.id))
        return registered.map { Self.json($0, screen: byName[$0.registration.id]) }
            + views.filter { !known.contains($0.name) }.map(Self.json(pane:))
    }

    /// Agent `id`: a hub agent id, a watched agent's name, or a watched session's name.
    func agent(_ id: String) throws(FlotillaError) -> JSONValue {
        let view = try? watched?.view(of: id)
        if let slot = try? hub.engine.agent(id: id) { return Self.json(slot, screen: view) }
        if let view {
            if view.name != id, let slot = try? hub.engine.agent(id: view.name) { return Self.json(slot, screen: view) }
            return Self.json(pane: view)
        }
        let message = watched == nil
            ? "No agent has id '\(id)': none is registered with this hub (and it does not watch tmux panes)."
            : "No agent has id '\(id)': none is registered with this hub or watched in a tmux pane on socket '\(watched!.tmux.configuration.socketName)'."
        throw FlotillaError(.agentNotFound, message, field: "id")
    }

    static func json(_ slot: AgentSlot, screen: WatchedAgents.AgentView?) -> JSONValue {
        AgentView(status: AgentStatus(slot), screen: screen.map(WatchRoutes.paneView)).json
    }

    /// A pane-only agent in the watch shape (`session`, `state`, `progress` in percent).
    static func json(pane view: WatchedAgents.AgentView) -> JSONValue {
        AgentView(pane: WatchRoutes.paneView(view)).json
    }
}
