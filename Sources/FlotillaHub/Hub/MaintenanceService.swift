import ServiceLifecycle

/// Lets time pass in the scheduler at a fixed interval: leases expire, timeouts fire,
/// backoffs end.
struct MaintenanceService: Service {
    let hub: Hub

    func run() async throws {
        let interval = Duration.milliseconds(Int(hub.configuration.tickInterval * 1000))
        while !_Concurrency.Task.isCancelled, !_Concurrency.Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await _Concurrency.Task.sleep(for: interval) }
            } catch {
                return
            }
            await hub.tick()
        }
    }
}
