import Synchronization

/// Callers waiting for workflow runs to end (`GET /api/workflow-runs/{id}?wait=`, `flotilla
/// workflow run --wait`). A waiter registers before it looks at the run, so a run that ends
/// in between is not missed.
final class RunWaiters: Sendable {
    private enum Slot {
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case done
    }

    private struct State {
        var next = 0
        var slots: [String: [Int: Slot]] = [:]
    }

    private let state = Mutex(State())

    func register(_ runID: String) -> Int {
        state.withLock { state in
            state.next += 1
            state.slots[runID, default: [:]][state.next] = .registered
            return state.next
        }
    }

    /// Waits until the run ends or `timeout` seconds pass. Ends the registration.
    func wait(for runID: String, token: Int, timeout: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { state -> Bool in
                        switch state.slots[runID]?[token] {
                        case .registered?:
                            state.slots[runID]![token] = .waiting(continuation)
                            return false
                        default:
                            return true
                        }
                    }
                    if now { continuation.resume() }
                }
            }
            group.addTask {
                try? await _Concurrency.Task.sleep(for: .milliseconds(Int(max(0, timeout) * 1000)))
            }
            await group.next()
            group.cancelAll()
            self.end(runID, token: token)
        }
    }

    /// Drops a registration, waking its waiter.
    func end(_ runID: String, token: Int) {
        let slot = state.withLock { state -> Slot? in
            let slot = state.slots[runID]?.removeValue(forKey: token)
            if state.slots[runID]?.isEmpty == true { state.slots.removeValue(forKey: runID) }
            return slot
        }
        if case .waiting(let continuation) = slot { continuation.resume() }
    }

    /// The run ended: wakes its waiters.
    func ended(_ runID: String) {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let slots = state.slots[runID] else { return [] }
            var continuations: [CheckedContinuation<Void, Never>] = []
            for (token, slot) in slots {
                if case .waiting(let continuation) = slot { continuations.append(continuation) }
                state.slots[runID]![token] = .done
            }
            return continuations
        }
        for continuation in waiting { continuation.resume() }
    }
}
