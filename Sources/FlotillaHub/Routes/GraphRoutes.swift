import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// `GET /api/graph`: tasks and their `depends_on` edges for the dashboard's Graph view.
/// `?task_id=X` reads X's connected component; without it, the newest tasks that have
/// dependencies or dependents, with their neighbours. `?limit=N` (1–1,000, default 200) caps
/// the nodes; `truncated` says when more belonged in the picture.
struct GraphRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("graph") { request, _ in
            let graph = try await hub.engine.graph(try Self.query(request))
            return JSONResponse.make(graph.json)
        }
    }

    static func query(_ request: Request) throws(FlotillaError) -> GraphQuery {
        let parameters = request.uri.queryParameters
        var query = GraphQuery()
        if let raw = parameters["limit"] {
            guard let value = Int(raw), (1...1000).contains(value) else {
                throw FlotillaError(.invalidField, "'limit' must be an integer from 1 to 1000, got '\(raw)'.", field: "limit")
            }
            query.limit = value
        }
        if let raw = parameters["task_id"] {
            guard !raw.isEmpty else { throw FlotillaError(.invalidField, "'task_id' must be a task id, got an empty value.", field: "task_id") }
            query.taskID = String(raw)
        }
        return query
    }
}
