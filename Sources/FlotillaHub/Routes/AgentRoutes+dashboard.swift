import FlotillaCore
import FlotillaEngine
import Hummingbird

/// `GET /api/agents/{id}/attempts` and `POST /api/agents/{id}/restart`, for the agent's page.
extension AgentRoutes {
    /// `?limit=N` (1–200, default 20): the agent's attempts, newest first. An agent the hub no
    /// longer knows may still have a history, so any id answers (unknown ones with none).
    func attempts(_ request: Request, id: String) async throws -> Response {
        var limit = 20
        if let raw = request.uri.queryParameters["limit"] {
            guard let value = Int(raw), (1...200).contains(value) else {
                throw FlotillaError(.invalidField, "'limit' must be an integer from 1 to 200, got '\(raw)'.", field: "limit")
            }
            limit = value
        }
        let attempts = try await hub.engine.attempts(agentID: id, limit: limit)
        return JSONResponse.make(["agent": .string(id), "attempts": .array(attempts.map(\.json))])
    }

    /// Respawns a tmux-watched agent's pane command; an agent the hub knows only by its
    /// connection cannot be restarted from here (`409 not_restartable`).
    func restart(_ id: String, directory: AgentDirectory) async throws -> Response {
        if let watched, (try? watched.view(of: id)) != nil {
            let pane = try await watched.restart(id)
            return JSONResponse.make(["agent": .string(id), "pane": .string(pane), "restarted": true])
        }
        _ = try directory.agent(id)
        throw FlotillaError(
            .notRestartable,
            "Agent '\(id)' is not watched in a tmux pane, so the hub cannot restart it; restart it where it runs (for a fleet agent: `flotilla restart \(id)`).",
            field: "id"
        )
    }
}
