public import FlotillaEngine
public import FlotillaGoals
public import Logging

/// A hub: the engine (FlotillaEngine) with the configuration of the transports that serve it
/// (HTTP routes, `/ws`, SSE, the MQTT bridge, tmux watching). Built by ``open(configuration:logger:)``
/// (the store, the engine) and served by ``buildApplication(hub:logger:onListening:)``.
///
/// The hub's parts act on the engine only through its public operations.
public final class Hub: Sendable {
    public let configuration: HubConfiguration
    public let engine: Engine
    let logger: Logger
    let goalParts = HubGoalParts()
    /// The hub's own initiative (`--autonomy`), nil when off (FlotillaGoals/Autonomy).
    public let autonomy: AutonomyService?

    init(configuration: HubConfiguration, engine: Engine, logger: Logger) {
        self.configuration = configuration
        self.engine = engine
        self.logger = logger
        self.autonomy = configuration.autonomy.map { AutonomyService(engine: engine, configuration: $0, logger: logger) }
    }

    /// The engine's tokens.
    public var tokens: TokenAuthority { engine.tokens }
    /// The engine's live events.
    public var events: EventBus { engine.events }
}
