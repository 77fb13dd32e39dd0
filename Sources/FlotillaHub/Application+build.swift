public import FlotillaCore
import FlotillaEngine
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
    let routes = HubRouter(hub: hub)
    let (router, refusals, departures, watched) = (routes.router, routes.refusals, routes.departures, routes.watched)

    let configuration = hub.configuration
    return Application(
        router: router,
        server: .pinnedHTTP1WebSocketUpgrade(webSocketRouter: router, refusals: refusals, departures: departures, limits: configuration.limits, maxMessageBytes: configuration.maxBodySize, tls: tls),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "flotilla"),
        services: hub.engine.services + (watched.map { [$0] } ?? [])
            + (configuration.mqtt.map { [MQTTBridge(hub: hub, configuration: $0, logger: logger)] } ?? [])
            + hub.triggerServices(logger: logger)
            + hub.notificationServices(logger: logger)
            + hub.mergeQueueServices(logger: logger)
            + hub.autonomyServices(watched: watched)
            + hub.goalServices(logger: logger),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

public enum FlotillaVersion {
    public static let current = "0.1.0"
}
