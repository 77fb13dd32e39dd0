import Synchronization

/// When each pane last printed something, fed by a control-mode client's `%output` stream.
///
/// Waiting code sleeps here until a pane writes (or a deadline passes) instead of polling
/// `capture-pane` in a loop.
public final class PaneActivity: Sendable {
    private struct Waiter {
        var pane: String
        var generation: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var lastOutput: [String: ContinuousClock.Instant] = [:]
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Notes that `pane` printed something now and wakes whoever waits on it.
    public func record(pane: String, at instant: ContinuousClock.Instant = .now) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.generations[pane, default: 0] &+= 1
            state.lastOutput[pane] = instant
            let ids = state.waiters.filter { $0.value.pane == pane }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// A counter that grows each time `pane` prints.
    public func generation(of pane: String) -> UInt64 {
        state.withLock { $0.generations[pane] ?? 0 }
    }

    /// When `pane` last printed, if it has since this object began listening.
    public func lastOutput(of pane: String) -> ContinuousClock.Instant? {
        state.withLock { $0.lastOutput[pane] }
    }

    /// Returns once `pane` prints after `generation`, or after `timeout`, whichever comes first.
    /// Returns whether the pane printed.
    @discardableResult
    public func waitForOutput(pane: String, after generation: UInt64, timeout: Duration) async -> Bool {
        if self.generation(of: pane) != generation { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilChanged(pane: pane, generation: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return self.generation(of: pane) != generation
    }

    /// Wakes every waiter (the output stream ended, so nobody will record any more).
    public func wakeAll() {
        let all = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume() }
    }

    private func waitUntilChanged(pane: String, generation: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || (state.generations[pane] ?? 0) != generation { return true }
                    state.waiters[id] = Waiter(pane: pane, generation: generation, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id)?.continuation }
            continuation?.resume()
        }
    }
}
