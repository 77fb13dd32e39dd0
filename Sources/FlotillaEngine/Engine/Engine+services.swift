public import ServiceLifecycle

extension Engine {
    /// What must run while the engine serves, in a service group beside the transports: the
    /// group commit, housekeeping (ticks, retention), recovery after a failed commit, the
    /// workflow runtime, and the shutdown that closes agent connections and event streams so
    /// servers can drain.
    public var services: [any Service] {
        [commits, MaintenanceService(engine: self), StatsSampler(engine: self), StoreRecoveryService(engine: self), WorkflowService(engine: self), EngineShutdown(engine: self)]
    }
}

/// Closes agent connections and event streams when the engine shuts down.
struct EngineShutdown: Service {
    let engine: Engine

    func run() async throws {
        try? await gracefulShutdown()
        engine.shutdown()
    }
}
