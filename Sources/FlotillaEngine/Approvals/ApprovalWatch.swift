import FlotillaCore
import Synchronization

/// Who hears about approval decisions once they are committed: callers waiting on one request
/// (`GET /api/approvals/{id}?wait=`, the hooks route) and observers of all of them (the tmux
/// pane monitor types the chosen key).
///
/// A waiter registers before the caller looks at the request's current state, so a decision
/// that lands in between is not missed.
final class ApprovalWatch: Sendable {
    private enum Slot {
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case done
    }

    private struct State {
        var next = 0
        var slots: [String: [Int: Slot]] = [:]
        var observers: [@Sendable (ApprovalRecord) -> Void] = []
    }

    private let state = Mutex(State())

    func observe(_ observer: @escaping @Sendable (ApprovalRecord) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    func register(_ id: String) -> Int {
        state.withLock { state in
            state.next += 1
            state.slots[id, default: [:]][state.next] = .registered
            return state.next
        }
    }

    /// Returns when the request is decided or at `deadline`, whichever comes first. Ends the
    /// registration.
    func wait(for id: String, token: Int, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let immediate = self.state.withLock { state -> Bool in
                        guard case .registered = state.slots[id]?[token] else { return true }
                        state.slots[id]![token] = .waiting(continuation)
                        return false
                    }
                    if immediate { continuation.resume() }
                }
            }
            group.addTask {
                try? await ContinuousClock().sleep(until: deadline)
            }
            await group.next()
            group.cancelAll()
            self.end(id: id, token: token)
            await group.waitForAll()
        }
    }

    /// Drops a registration, waking its waiter.
    func end(id: String, token: Int) {
        let slot = state.withLock { state -> Slot? in
            let slot = state.slots[id]?.removeValue(forKey: token)
            if state.slots[id]?.isEmpty == true { state.slots.removeValue(forKey: id) }
            return slot
        }
        if case .waiting(let continuation) = slot { continuation.resume() }
    }

    /// Committed decisions: wakes their waiters, then tells the observers.
    func decided(_ records: [ApprovalRecord]) {
        guard !records.isEmpty else { return }
        let (waiting, observers) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [@Sendable (ApprovalRecord) -> Void]) in
            var continuations: [CheckedContinuation<Void, Never>] = []
            for record in records {
                guard let slots = state.slots[record.id] else { continue }
                for (token, slot) in slots {
                    if case .waiting(let continuation) = slot {
                        continuations.append(continuation)
                        state.slots[record.id]!.removeValue(forKey: token)
                    } else {
                        state.slots[record.id]![token] = .done
                    }
                }
                if state.slots[record.id]?.isEmpty == true { state.slots.removeValue(forKey: record.id) }
            }
            return (continuations, state.observers)
        }
        for continuation in waiting { continuation.resume() }
        for record in records {
            for observer in observers { observer(record) }
        }
    }
}
