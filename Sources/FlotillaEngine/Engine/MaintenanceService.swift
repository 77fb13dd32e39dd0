import FlotillaCore
import Logging
import ServiceLifecycle

/// The engine's housekeeping: lets time pass in the scheduler at a fixed interval (leases expire,
/// timeouts fire, backoffs end) and, with a retention policy, deletes what is past it once
/// per `retention.interval` (the first pass at start); applies the approvals' timeout policy
/// every second.
struct MaintenanceService: Service {
    let engine: Engine

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await every(engine.configuration.tickInterval) { await engine.tick() } }
            // The approvals' timeout policy (Approvals/): seconds are its unit.
            group.addTask { await every(1) { await engine.expireApprovals(now: Timestamp.now()) } }
            if let retention = engine.configuration.retention {
                group.addTask {
                    await every(retention.interval, first: true) {
                        do {
                            try await engine.prune(retention)
                        } catch is CancellationError {
                        } catch {
                            engine.logger.warning("Retention pass failed (retried next interval): \(error)")
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` every `seconds` until cancelled or the service is shut down gracefully.
    private func every(_ seconds: Double, first: Bool = false, _ body: () async -> Void) async {
        if first { await body() }
        let interval = Duration.milliseconds(Int(seconds * 1000))
        while !_Concurrency.Task.isCancelled, !_Concurrency.Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await _Concurrency.Task.sleep(for: interval) }
            } catch {
                return
            }
            await body()
        }
    }
}
