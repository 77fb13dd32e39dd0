import FlotillaCore
import Hummingbird

/// `/api/agents` and `/api/agents/:id`. Agents are one id space: those registered with the hub
/// and those watched in tmux panes (see ``AgentDirectory``).
struct AgentRoutes {
    let hub: Hub
    var watched: WatchedAgents? = nil

    func add(to group: RouterGroup<HubRequestContext>) {
        let directory = AgentDirectory(hub: hub, watched: watched)
        group.get("agents") { _, _ in
            let agents = directory.all()
            return JSONResponse.make(["agents": .array(agents), "count": .int(Int64(agents.count))])
        }
        group.get("agents/:id") { _, context in
            JSONResponse.make(try directory.agent(context.parameters.decoded("id")))
        }
        group.get("agents/:id/attempts") { request, context in try await attempts(request, id: context.parameters.decoded("id")) }
        group.post("agents/:id/restart") { _, context in try await restart(context.parameters.decoded("id"), directory: directory) }
    }
}
