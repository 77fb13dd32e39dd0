import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `/api/goals`: the goal backlog (issue 25, docs/goals.md). Add a goal, list goals, show one
/// with its plan and what it spent so far, cancel it, retry a failed or cancelled one.
struct GoalRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("goals") { request, _ in
            let query = try Self.query(request.uri.queryParameters)
            let goals = try await hub.engine.goals(query)
            let costs = try await hub.engine.goalCosts(ids: goals.map(\.id))
            return JSONResponse.make(["goals": .array(goals.map { $0.json(cost: Self.cost($0.id, costs)) })])
        }
        group.post("goals") { request, _ in
            let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
            let goal = try await hub.engine.addGoal(try GoalRequest(json: body))
            return JSONResponse.make(goal.json(cost: Self.cost(goal.id, [:])), status: .created)
        }
        group.get("goals/:id") { _, context in
            let goal = try await hub.engine.goal(id: context.parameters.decoded("id"))
            return JSONResponse.make(goal.json(cost: Self.cost(goal.id, try await hub.engine.goalCosts(ids: [goal.id]))))
        }
        group.post("goals/:id/cancel") { request, context in
            let id = try context.parameters.decoded("id")
            let body = try await JSONResponse.optionalBody(of: request, limit: hub.configuration.maxBodySize)
            let reason = try WorkflowRequests.cancelReason(body)
            let goal = try await hub.engine.cancelGoal(id: id, reason: reason)
            return JSONResponse.make(goal.json(cost: Self.cost(goal.id, try await hub.engine.goalCosts(ids: [goal.id]))))
        }
        group.post("goals/:id/budget") { request, context in
            let id = try context.parameters.decoded("id")
            let body = try await JSONResponse.body(of: request, limit: hub.configuration.maxBodySize)
            let goal = try await hub.engine.setGoalBudget(id: id, body: body)
            return JSONResponse.make(goal.json(cost: Self.cost(goal.id, try await hub.engine.goalCosts(ids: [goal.id]))))
        }
        group.post("goals/:id/retry") { _, context in
            let goal = try await hub.engine.retryGoal(id: context.parameters.decoded("id"))
            return JSONResponse.make(goal.json(cost: Self.cost(goal.id, try await hub.engine.goalCosts(ids: [goal.id]))))
        }
    }

    /// What a goal spent, zeros when nothing was recorded.
    static func cost(_ id: String, _ costs: [String: CostTotal]) -> CostTotal {
        costs[id] ?? CostTotal(key: id, usage: .zero, attempts: 0)
    }

    /// `?state=queued,planning|all&limit=1…500` (default: every state, 100).
    static func query(_ parameters: Parameters) throws(FlotillaError) -> GoalQuery {
        var query = GoalQuery()
        for (key, value) in parameters {
            switch key {
            case "state":
                guard value != "all" else { continue }
                for name in value.split(separator: ",") {
                    guard let state = GoalState(rawValue: String(name)) else {
                        let names = GoalState.allCases.map(\.rawValue).joined(separator: ", ")
                        throw FlotillaError(.invalidField, "'state' must be all or states among \(names), got '\(value)'.", field: "state")
                    }
                    query.states.append(state)
                }
            case "limit":
                guard let limit = Int(value), (1...GoalQuery.maxLimit).contains(limit) else {
                    throw FlotillaError(.invalidField, "'limit' must be a whole number from 1 to \(GoalQuery.maxLimit), got '\(value)'.", field: "limit")
                }
                query.limit = limit
            default:
                throw FlotillaError(.unknownField, "Unknown query parameter '\(key)'; goals take state and limit.", field: String(key))
            }
        }
        return query
    }
}
