import Foundation
import Synchronization

/// Whether the hub's store takes writes, as `/health` reports it.
///
/// A failed commit marks the store failed; from then on the hub refuses changes (503
/// `store_unavailable`) until it has rebuilt its memory from the store and a probe write
/// succeeded (see Engine+recovery.swift).
final class StoreHealth: Sendable {
    struct Trouble: Sendable {
        var reason: String
        /// When the first commit failed (Unix seconds).
        var since: Double
    }

    /// Read on every change, so it is an atomic rather than the lock.
    private let failed = Atomic<Bool>(false)
    private let trouble = Mutex<Trouble?>(nil)

    var isFailed: Bool { failed.load(ordering: .acquiring) }

    var current: Trouble? { trouble.withLock { $0 } }

    /// Records a failed commit; true when the store was healthy until now.
    func fail(_ reason: String) -> Bool {
        let first = trouble.withLock { trouble -> Bool in
            if trouble != nil {
                trouble!.reason = reason
                return false
            }
            trouble = Trouble(reason: reason, since: Date().timeIntervalSince1970)
            return true
        }
        failed.store(true, ordering: .releasing)
        return first
    }

    func recovered() {
        trouble.withLock { $0 = nil }
        failed.store(false, ordering: .releasing)
    }
}
