import FlotillaEngine
import Hummingbird

/// `/api/stats`: the engine's counters (``Engine/stats()``).
struct StatsRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("stats") { _, _ in JSONResponse.make(hub.engine.stats()) }
    }
}
