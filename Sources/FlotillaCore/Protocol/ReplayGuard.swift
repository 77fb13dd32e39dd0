/// Refuses a signed message seen before or signed outside a time window (issue 20, item 1).
///
/// A message is fresh when its timestamp is within `window` of now and its nonce was not seen
/// from the same key within the window. Nonces are forgotten once their message would be too old
/// anyway, so memory stays bounded by the message rate times the window.
public struct ReplayGuard: Sendable {
    public let window: Int64
    private var seen: [String: [String: Int64]] = [:]
    private var lastPrune: Int64 = 0

    /// - Parameter windowMilliseconds: how far a signature's time may be from now, either way.
    public init(windowMilliseconds: Int64 = 120_000) {
        self.window = windowMilliseconds
    }

    public enum Verdict: Sendable, Equatable {
        case fresh
        case outsideWindow
        case replayed
    }

    /// Records `auth` as seen when it is fresh.
    public mutating func admit(_ auth: MessageAuth, now: Int64) -> Verdict {
        guard abs(now - auth.timestamp) <= window else { return .outsideWindow }
        if now - lastPrune > window { prune(now: now) }
        if seen[auth.keyID]?[auth.nonce] != nil { return .replayed }
        seen[auth.keyID, default: [:]][auth.nonce] = auth.timestamp
        return .fresh
    }

    private mutating func prune(now: Int64) {
        lastPrune = now
        for key in Array(seen.keys) {
            seen[key] = seen[key]?.filter { now - $0.value <= window }
            if seen[key]?.isEmpty == true { seen[key] = nil }
        }
    }
}
