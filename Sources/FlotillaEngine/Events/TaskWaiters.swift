import FlotillaCore
import Synchronization

/// Clients waiting for tasks to finish (`GET /api/tasks/{id}?wait=…`, `flotilla submit --wait`).
///
/// A waiter registers before the caller looks at the task's current state, so a task that
/// finishes in between is not missed.
final class TaskWaiters: Sendable {
    private enum Slot {
        case registered
        case waiting(CheckedContinuation<TaskRecord?, Never>)
        case done(TaskRecord)
    }

    private struct State {
        var next = 0
        var slots: [String: [Int: Slot]] = [:]
    }

    private let state = Mutex(State())

    func register(_ id: String) -> Int {
        state.withLock { state in
            state.next += 1
            state.slots[id, default: [:]][state.next] = .registered
            return state.next
        }
    }

    /// Waits until the task finishes or `timeout` seconds pass (then nil). Ends the registration.
    func wait(for id: String, token: Int, timeout: Double) async -> TaskRecord? {
        await withTaskGroup(of: TaskRecord?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let immediate: TaskRecord?? = self.state.withLock { state in
                        switch state.slots[id]?[token] {
                        case .done(let record): return .some(record)
                        case nil: return .some(nil)
                        default:
                            state.slots[id]![token] = .waiting(continuation)
                            return .none
                        }
                    }
                    if let immediate { continuation.resume(returning: immediate) }
                }
            }
            group.addTask {
                try? await _Concurrency.Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                self.end(id: id, token: token)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            self.end(id: id, token: token)
            return first
        }
    }

    /// Drops a registration, waking its waiter with nil.
    func end(id: String, token: Int) {
        let slot = state.withLock { state -> Slot? in
            let slot = state.slots[id]?.removeValue(forKey: token)
            if state.slots[id]?.isEmpty == true { state.slots.removeValue(forKey: id) }
            return slot
        }
        if case .waiting(let continuation) = slot { continuation.resume(returning: nil) }
    }

    func finished(_ records: [TaskRecord]) {
        for record in records {
            let waiting = state.withLock { state -> [CheckedContinuation<TaskRecord?, Never>] in
                guard let slots = state.slots[record.id] else { return [] }
                var continuations: [CheckedContinuation<TaskRecord?, Never>] = []
                for (token, slot) in slots {
                    switch slot {
                    case .waiting(let continuation):
                        continuations.append(continuation)
                        state.slots[record.id]!.removeValue(forKey: token)
                    case .registered:
                        state.slots[record.id]![token] = .done(record)
                    case .done:
                        break
                    }
                }
                if state.slots[record.id]?.isEmpty == true { state.slots.removeValue(forKey: record.id) }
                return continuations
            }
            for continuation in waiting { continuation.resume(returning: record) }
        }
    }
}
