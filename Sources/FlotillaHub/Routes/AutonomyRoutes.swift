import FlotillaCore
import FlotillaGoals
import Hummingbird

/// `GET /api/autonomy`: the hub's own initiative (docs/goals.md): its state, today's budget,
/// its repositories, recent decisions and findings. `404 not_found` when it is off.
struct AutonomyRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("autonomy") { request, _ in
            guard let autonomy = hub.autonomy else {
                throw FlotillaError(.notFound, "The hub's own initiative is off: start the hub with --autonomy (docs/goals.md).")
            }
            var limit = 100
            if let raw = request.uri.queryParameters["limit"] {
                guard let number = Int(raw), (1...1_000).contains(number) else {
                    throw FlotillaError(.invalidField, "'limit' must be a whole number from 1 to 1000, got '\(raw)'.", field: "limit")
                }
                limit = number
            }
            return JSONResponse.make(try await autonomy.status(limit: limit))
        }
    }
}
