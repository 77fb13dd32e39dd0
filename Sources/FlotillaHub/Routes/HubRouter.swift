import Foundation
import Hummingbird

/// Every route the hub serves, registered on one router: the HTTP API under `/api`, `/health`,
/// the two WebSocket endpoints (`/ws`, `/`) and the dashboard (`/` for browsers, `/signin`,
/// `/assets/{path}`). Built apart from the server so that the
/// OpenAPI test (docs/openapi.yaml) reads the routes the hub really registers.
struct HubRouter {
    let router: Router<HubRequestContext>
    /// Why an upgrade on `/ws` or `/` was refused, for the server's refusal writer.
    let refusals: UpgradeRefusals
    /// Clients that hung up, for the event streams waiting on them.
    let departures: ClientDepartures
    /// The tmux panes the hub watches (`--watch-panes`), a service of its own.
    let watched: WatchedAgents?

    init(hub: Hub) {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("health") { _, _ in hub.health() }
        let guards = HubGuards(limits: hub.configuration.limits)
        let api = router.group("api").add(middleware: AuthMiddleware(tokens: hub.tokens, guards: guards))
        TaskRoutes(hub: hub, streams: guards.streams).add(to: api)
        WorkflowRoutes(hub: hub).add(to: api)
        WorkflowRunRoutes(hub: hub, streams: guards.streams).add(to: api)
        let watched = hub.configuration.watch.map { WatchedAgents(hub: hub, configuration: $0) }
        AgentRoutes(hub: hub, watched: watched).add(to: api)
        StatsRoutes(hub: hub).add(to: api)
        CostRoutes(hub: hub).add(to: api)
        ApprovalRoutes(hub: hub, streams: guards.streams).add(to: api)
        NotificationRoutes(hub: hub).add(to: api)
        GoalRoutes(hub: hub).add(to: api)
        AutonomyRoutes(hub: hub).add(to: api)
        GraphRoutes(hub: hub).add(to: api)
        TokenRoutes(hub: hub).add(to: api)
        let departures = ClientDepartures()
        EventRoutes(hub: hub, streams: guards.streams, departures: departures).add(to: api)
        TaskOutputRoutes(hub: hub, streams: guards.streams, departures: departures).add(to: api)
        WatchRoutes(watched: watched).add(to: api)
        let claudeHooks = router.group("hooks/claude").add(middleware: AuthMiddleware(tokens: hub.tokens, guards: guards))
        ClaudeHookRoutes(hub: hub, watched: watched).add(to: claudeHooks)
        DashboardLinkRoutes(hub: hub).add(to: api)
        SignInRoutes(hub: hub, guards: guards).add(to: router)
        WebhookRoutes(hub: hub, guards: guards, environment: hub.configuration.triggers.environment).add(to: router)
        let refusals = UpgradeRefusals()
        AgentSocketRoute(hub: hub, refusals: refusals, guards: guards).add(to: router)
        // `/` is the dashboard for a browser and the monitor socket for a WebSocket client.
        let assets = DashboardAssets.bundled
        let root = router.group("")
            .add(middleware: DashboardPageMiddleware(assets: assets))
            .add(middleware: UpgradeRefusalMiddleware(refusals: refusals))
        MonitorSocketRoute(hub: hub, guards: guards).add(to: root)
        DashboardRoutes(assets: assets).add(to: router)
        self.router = router
        self.refusals = refusals
        self.departures = departures
        self.watched = watched
    }

    /// `METHOD /path` of every route, with `{name}` for path parameters (OpenAPI's form; the
    /// assets' catch-all `**` reads `{path}`).
    var routes: [String] {
        router.routes.map { "\($0.method.rawValue) \($0.path.description.replacingOccurrences(of: "/**", with: "/{path}"))" }
    }
}
