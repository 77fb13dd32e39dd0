import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `/api/costs`: the cost ledger's totals; `/api/budgets`: the spending limits, read and
/// changed live (docs/costs.md).
struct CostRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("costs") { request, _ in
            var parameters: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
            let query = try CostQuery(parameters: parameters, now: Timestamp.now())
            return JSONResponse.make(try await hub.engine.costs(query).json)
        }
        group.get("budgets") { _, _ in JSONResponse.make(hub.engine.budgets()) }
        group.put("budgets") { request, _ in
            let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
            return JSONResponse.make(try await hub.engine.setBudgets(body))
        }
    }

    /// A task as `GET /api/tasks/{id}` shows it, with `cost`: what its attempts have spent so
    /// far (`{"usd","input_tokens","output_tokens","cached_tokens","attempts"}`, zeros when
    /// nothing was reported).
    static func withCost(_ view: TaskView, engine: Engine) async throws -> JSONValue {
        let cost = try await engine.taskCost(id: view.record.id) ?? CostTotal(key: nil, usage: .zero, attempts: 0)
        var object = view.json.objectValue ?? [:]
        object["cost"] = cost.json(withKey: false)
        return .object(object)
    }
}
