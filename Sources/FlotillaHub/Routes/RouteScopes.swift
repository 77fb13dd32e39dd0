import FlotillaCore
import FlotillaEngine
import FlotillaStore

/// The token scope every authenticated route needs, in one table keyed `METHOD /path` (the
/// form of ``HubRouter/routes``, `{name}` for path parameters). ``AuthMiddleware`` enforces it;
/// a route missing here is refused to every token but admin, and HubTests' scope test fails.
enum RouteScopes {
    static let table: [String: TokenRow.Scope] = [
        // Tasks: reading is a viewer's, changing them a submitter's.
        "GET /api/tasks": .viewer,
        "GET /api/tasks/{id}": .viewer,
        "GET /api/tasks/{id}/output": .viewer,
        "POST /api/tasks": .submitter,
        "POST /api/tasks/{id}/cancel": .submitter,
        "POST /api/tasks/{id}/retry": .submitter,
        "POST /api/tasks/retry": .submitter,
        "GET /api/graph": .viewer,
        // Workflows: reading is a viewer's, starting and cancelling runs a submitter's;
        // registering or deleting a workflow (what starts work by itself) an admin's.
        "GET /api/workflows": .viewer,
        "POST /api/workflows": .admin,
        "GET /api/workflows/{name}": .viewer,
        "DELETE /api/workflows/{name}": .admin,
        "GET /api/workflows/{name}/runs": .viewer,
        "POST /api/workflows/{name}/runs": .submitter,
        "GET /api/workflow-runs": .viewer,
        "POST /api/workflow-runs": .submitter,
        "GET /api/workflow-runs/{id}": .viewer,
        "POST /api/workflow-runs/{id}/cancel": .submitter,
        "POST /api/workflow-runs/{id}/rerun": .submitter,
        // Goals (issue 25): reading is a viewer's, adding, cancelling and retrying a submitter's.
        "GET /api/goals": .viewer,
        "POST /api/goals": .submitter,
        "GET /api/goals/{id}": .viewer,
        "POST /api/goals/{id}/cancel": .submitter,
        "POST /api/goals/{id}/retry": .submitter,
        "GET /api/autonomy": .viewer,
        // Raising a goal's budget spends money, as the hub's budgets do: admins only.
        "POST /api/goals/{id}/budget": .admin,
        // Costs and budgets: read by viewers, budgets changed by admins.
        "GET /api/costs": .viewer,
        "GET /api/budgets": .viewer,
        "PUT /api/budgets": .admin,
        // Approvals: the queue is a viewer's to read, a submitter's to answer.
        "GET /api/approvals": .viewer,
        "GET /api/approvals/{id}": .viewer,
        "POST /api/approvals/{id}/allow": .submitter,
        "POST /api/approvals/{id}/deny": .submitter,
        // Notification deliveries and their outcomes (docs/notifications.md).
        "GET /api/notifications": .viewer,
        // Agents, counters, events, watched panes: read by viewers, steered by admins only.
        "GET /api/agents": .viewer,
        "GET /api/agents/{id}": .viewer,
        "GET /api/stats": .viewer,
        "GET /api/stats/history": .viewer,
        "GET /api/agents/{id}/attempts": .viewer,
        "GET /api/events": .viewer,
        "GET /api/watch": .viewer,
        "GET /api/agents/{id}/output": .viewer,
        "GET /api/agents/{id}/commands": .viewer,
        "POST /api/agents/{id}/command": .admin,
        "POST /api/agents/{id}/commands/{command}/cancel": .admin,
        "DELETE /api/agents/{id}/commands/{command}": .admin,
        "POST /api/agents/{id}/kill": .admin,
        "POST /api/agents/{id}/restart": .admin,
        // Tokens hold secrets and power: admins only, listing included.
        "GET /api/tokens": .admin,
        "POST /api/tokens": .admin,
        "POST /api/tokens/{id}/revoke": .admin,
        "DELETE /api/tokens/{id}": .admin,
        // The WebSockets: the agent protocol, and the read-only monitor feed at the root.
        "GET /ws": .agent,
        // Claude Code's http hooks of an interactive agent: its own token (checked in the route) or an admin's.
        "POST /hooks/claude/{agent}": .agent,
        "GET /": .viewer,
        // The dashboard: who the page is, signing out, one-time sign-in links (any reader's).
        "GET /auth/session": .viewer,
        "POST /auth/signout": .viewer,
        "POST /api/dashboard/links": .viewer,
    ]

    /// Routes open to everyone, no token: the health check and the dashboard's pages and files
    /// (what they show comes from routes that need a session or a token).
    static let open: Set<String> = [
        "GET /health",
        "GET /signin",
        "GET /assets/{path}",
        "POST /auth/signin",
        "GET /auth/link",
        // Webhooks: the body's HMAC signature is the credential (docs/api.md, "Webhooks").
        "POST /hooks/github/{workflow}",
        "POST /hooks/generic/{workflow}",
    ]

    /// The scope `route` needs; admin for a route the table forgets (fail closed).
    static func needed(for route: String) -> TokenRow.Scope {
        table[route] ?? .admin
    }

    /// The scopes that reach a route needing `needed`, for the refusal's message.
    private static func describe(_ needed: TokenRow.Scope) -> String {
        switch needed {
        case .admin: "'admin'"
        case .agent: "'agent' (or 'admin')"
        case .viewer: "'viewer' or above (viewer < submitter < admin)"
        case .submitter: "'submitter' or above (submitter < admin)"
        }
    }

    /// Throws `403 forbidden` unless `identity`'s token may use `route`.
    static func check(_ identity: Identity, route: String) throws(FlotillaError) {
        let needed = needed(for: route)
        guard identity.scope.grants(needed) else {
            throw FlotillaError(.forbidden, "\(route) needs a token with scope \(Self.describe(needed)); this token's scope is '\(identity.scope.rawValue)'.")
        }
    }
}
