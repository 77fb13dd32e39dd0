import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `/api/stats`: the engine's counters (``Engine/stats()``); `/api/stats/history`: its samples.
struct StatsRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("stats") { _, _ in JSONResponse.make(hub.engine.stats()) }
        group.get("stats/history") { request, _ in try history(request) }
    }

    /// `?minutes=N` (1–60, default 15): the samples of the last N minutes, oldest first.
    private func history(_ request: Request) throws -> Response {
        var minutes = 15
        if let raw = request.uri.queryParameters["minutes"] {
            guard let value = Int(raw), (1...60).contains(value) else {
                throw FlotillaError(.invalidField, "'minutes' must be an integer from 1 to 60, got '\(raw)'.", field: "minutes")
            }
            minutes = value
        }
        let interval = hub.engine.configuration.historyInterval
        let count = Int((Double(minutes * 60) / interval).rounded(.up))
        let samples = hub.engine.history(samples: count)
        let seconds: JSONValue = interval == interval.rounded() ? .int(Int64(interval)) : .double(interval)
        return JSONResponse.make(["interval_seconds": seconds, "samples": .array(samples.map(\.json))])
    }
}
