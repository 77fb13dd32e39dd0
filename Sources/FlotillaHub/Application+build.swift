public import FlotillaCore
public import Hummingbird
import HummingbirdWebSocket
public import Logging
import NIOCore
import ServiceLifecycle

/// Builds the hub's application: routes, WebSocket endpoint, and its services (group commit,
/// maintenance). Tests call this with port 0.
///
/// - Parameter onListening: called with the bound port once the server accepts connections.
/// - Throws: `invalid_field` when the TLS certificate or key cannot be read, or when a
///   non-loopback host would be served without TLS (and without `insecure`).
public func buildApplication(
    hub: Hub,
    logger: Logger = Logger(label: "flotilla.hub"),
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(FlotillaError) -> some ApplicationProtocol {
    try hub.configuration.checkTransport()
    let tls = try hub.configuration.tls?.serverConfiguration()
    let router = Router(context: HubRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.get("health") { _, _ in hub.health() }
    let guards = HubGuards(limits: hub.configuration.limits)
    let api = router.group("api").add(middleware: AuthMiddleware(tokens: hub.tokens, adminOnly: true, guards: guards))
    TaskRoutes(hub: hub, streams: guards.streams).add(to: api)
    let watched = hub.configuration.watch.map { WatchedAgents(hub: hub, configuration: $0) }
    AgentRoutes(hub: hub, watched: watched).add(to: api)
    StatsRoutes(hub: hub).add(to: api)
    TokenRoutes(hub: hub).add(to: api)
    let departures = ClientDepartures()
    EventRoutes(hub: hub, streams: guards.streams, departures: departures).add(to: api)
    WatchRoutes(watched: watched).add(to: api)
    let refusals = UpgradeRefusals()
    AgentSocketRoute(hub: hub, refusals: refusals, guards: guards).add(to: router)
    MonitorSocketRoute(hub: hub, guards: guards).add(to: router)

    let configuration = hub.configuration
    return Application(
        router: router,
        server: .pinnedHTTP1WebSocketUpgrade(webSocketRouter: router, refusals: refusals, departures: departures, limits: configuration.limits, tls: tls),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "flotilla"),
        services: [hub.commits, MaintenanceService(hub: hub), StoreRecoveryService(hub: hub), HubShutdown(hub: hub)] as [any Service] + (watched.map { [$0] } ?? [])
            + (configuration.mqtt.map { [MQTTBridge(hub: hub, configuration: $0, logger: logger)] } ?? []),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// Closes agent sockets and event streams when the hub shuts down, so the server can drain.
struct HubShutdown: Service {
    let hub: Hub
    func run() async throws {
        try? await gracefulShutdown()
        hub.shutdown()
    }
}

public enum FlotillaVersion {
    public static let current = "0.1.0"
}
