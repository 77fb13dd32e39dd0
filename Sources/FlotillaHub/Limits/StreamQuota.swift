import FlotillaCore
import FlotillaEngine
import Synchronization

/// Counts the long-lived connections (SSE streams, agent sockets, `?wait` long polls) per
/// token and in all, so one token cannot hold every descriptor and the hub cannot be made to
/// hold more than it can serve.
final class StreamQuota: Sendable {
    private struct Counts {
        var total = 0
        var perToken: [String: Int] = [:]
    }

    private let perToken: Int
    private let total: Int
    private let counts = Mutex(Counts())

    init(limits: HubLimits) {
        perToken = limits.streamsPerToken
        total = limits.streamsTotal
    }

    /// Takes a slot for the token: `429 rate_limited` over its own cap, `503 overloaded` over
    /// the hub's. The slot is released when the ticket is released or dropped (a response body
    /// that is never written still gives its slot back).
    func acquire(_ identity: Identity, kind: String) throws(FlotillaError) -> StreamTicket {
        let key = identity.tokenID
        try counts.withLock { counts throws(FlotillaError) in
            if counts.perToken[key, default: 0] >= perToken {
                throw FlotillaError(.rateLimited, "This token already holds \(perToken) open streams (SSE, /ws, ?wait); close one before opening another \(kind).")
            }
            if counts.total >= total {
                throw FlotillaError(.overloaded, "The hub holds its limit of \(total) open streams; retry the \(kind) later.")
            }
            counts.total += 1
            counts.perToken[key, default: 0] += 1
        }
        return StreamTicket(quota: self, identity: identity)
    }

    fileprivate func release(_ identity: Identity) {
        let key = identity.tokenID
        counts.withLock { counts in
            counts.total -= 1
            let left = counts.perToken[key, default: 1] - 1
            counts.perToken[key] = left > 0 ? left : nil
        }
    }

    /// Open streams in all (for tests and stats).
    var open: Int { counts.withLock { $0.total } }

    /// Runs `body` holding a slot, released however it ends.
    func holding<Value>(_ identity: Identity, kind: String, _ body: () async throws -> Value) async throws -> Value {
        let ticket = try acquire(identity, kind: kind)
        defer { ticket.release() }
        return try await body()
    }
}

/// One held stream slot; released once, by ``release()`` or when the ticket goes away.
final class StreamTicket: Sendable {
    private let quota: StreamQuota
    private let identity: Identity
    private let released = Atomic(false)

    fileprivate init(quota: StreamQuota, identity: Identity) {
        self.quota = quota
        self.identity = identity
    }

    func release() {
        if !released.exchange(true, ordering: .relaxed) { quota.release(identity) }
    }

    deinit { release() }
}
