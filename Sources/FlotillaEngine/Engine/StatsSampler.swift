import FlotillaCore
import ServiceLifecycle
import Synchronization

/// Takes a sample of the scheduler's figures every `historyInterval` seconds into the engine's
/// history ring (`GET /api/stats/history`): successes per second and their latencies over the
/// interval, queue depth and running tasks at its end. Memory only: a restarted hub's history
/// starts empty.
struct StatsSampler: Service {
    let engine: Engine

    func run() async throws {
        let seconds = engine.configuration.historyInterval
        let interval = Duration.milliseconds(Int(seconds * 1000))
        let clock = ContinuousClock()
        var last = clock.now
        while !_Concurrency.Task.isCancelled, !_Concurrency.Task.isShuttingDownGracefully {
            let due = last + interval
            do {
                // Against the clock, not after each sample, so samples stay `interval` apart.
                try await cancelWhenGracefulShutdown { try await _Concurrency.Task.sleep(until: due, clock: clock) }
            } catch {
                return
            }
            let now = clock.now
            let elapsed = Double((now - last).components.seconds) + Double((now - last).components.attoseconds) / 1e18
            last = now
            engine.takeSample(seconds: elapsed)
        }
    }
}

extension Engine {
    /// Ends the current sampling interval (of `seconds`) and keeps its sample.
    func takeSample(seconds: Double) {
        let sample = inspect { $0.takeSample(now: Timestamp.now(), seconds: seconds) }
        history.withLock { $0.append(sample) }
    }

    /// The newest `count` samples of the stats history, oldest first.
    public func history(samples count: Int) -> [StatsSample] {
        history.withLock { $0.last(count) }
    }
}
