import Hummingbird

/// `/api/stats`: the hub's counters (``Hub/stats()``).
struct StatsRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("stats") { _, _ in JSONResponse.make(hub.stats()) }
    }
}
