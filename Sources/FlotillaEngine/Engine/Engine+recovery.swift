import FlotillaCore
import FlotillaStore
import Logging
import Synchronization
import Foundation
import ServiceLifecycle

/// After a failed commit: memory goes back to what the store holds, changes are refused until
/// the store takes writes again, then the hub carries on from the store.
///
/// Reloading (rather than undoing the one failed batch) is what stays correct under group
/// commit: later changes, already queued, were built on the failed one; the commit queue fails
/// them too, and the store is the one state that every acknowledged change is in.
extension Engine {
    /// Why the store is in trouble, for `/health`; nil while it works.
    public var storeTrouble: (reason: String, since: Double)? {
        storeHealth.current.map { ($0.reason, $0.since) }
    }

    /// The answer to a change asked for while the store is failed.
    func storeRefusal() -> FlotillaError {
        let reason = storeHealth.current?.reason ?? "the store failed"
        return FlotillaError(.storeUnavailable, "The hub's store cannot take changes right now (\(reason)); nothing was changed. Try again later.")
    }

    /// Called with a failed commit's error: refuse changes from now on and start the recovery.
    func commitFailed(_ error: any Error) {
        if storeHealth.fail("\(error)") {
            logger.error("a commit failed; refusing changes until the store works again: \(error)")
            recoveryRequests.continuation.yield()
        }
    }

    /// Rebuilds memory from the store, waits until a probe write succeeds, rebuilds again (what
    /// changed meanwhile: sockets that closed) and takes changes again.
    func recover() async {
        guard storeHealth.isFailed else { return }
        // At once, so that reads during the outage show only what was acknowledged.
        guard await reload(resume: false) else { return }
        while !_Concurrency.Task.isCancelled {
            do {
                try await store.probe()
                break
            } catch {
                _ = storeHealth.fail("\(error)")
            }
            do { try await _Concurrency.Task.sleep(for: .milliseconds(250)) } catch { return }
        }
        guard await reload(resume: true) else { return }
        logger.notice("the store takes writes again; the hub carries on")
        // Queued work goes to the agents that are ready (and the restore's own changes commit).
        _ = try? await mutate { scheduler, now in scheduler.pump(now: now) }
    }

    /// Replaces the scheduler with one rebuilt from the store; with `resume`, also lets the
    /// commit queue and the changes go again. False when cancelled (the hub is stopping).
    private func reload(resume: Bool) async -> Bool {
        while !_Concurrency.Task.isCancelled {
            do {
                let snapshot = try await store.loadSnapshot()
                let open = connections.numbers
                scheduler.withLock { scheduler in
                    scheduler = scheduler.reloaded(from: snapshot, open: open, now: Timestamp.now())
                    if resume {
                        commits.resume()
                        storeHealth.recovered()
                    }
                }
                return true
            } catch {
                logger.error("cannot reload the scheduler from the store: \(error)")
                do { try await _Concurrency.Task.sleep(for: .milliseconds(250)) } catch { return false }
            }
        }
        return false
    }
}

/// Runs the engine's recovery after each failed commit (Engine+recovery.swift).
struct StoreRecoveryService: Service {
    let engine: Engine

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            for await _ in engine.recoveryRequests.stream {
                await engine.recover()
            }
        }
    }
}
