import Synchronization

/// The open sessions (agent sockets, event streams) of each token, so revoking a token ends
/// them at once instead of leaving them running on a credential that no longer exists.
public final class TokenSessions: Sendable {
    private struct State {
        var next = 0
        var enders: [String: [Int: @Sendable () -> Void]] = [:]
        var revoked: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a session of `tokenID`; `end` closes it. Returns the handle to pass to
    /// ``close(_:)`` when the session ends by itself. A token revoked meanwhile ends it at once.
    public func open(tokenID: String, end: @escaping @Sendable () -> Void) -> Handle {
        let number = state.withLock { state -> Int? in
            guard !state.revoked.contains(tokenID) else { return nil }
            state.next += 1
            state.enders[tokenID, default: [:]][state.next] = end
            return state.next
        }
        guard let number else {
            end()
            return Handle(tokenID: tokenID, number: 0)
        }
        return Handle(tokenID: tokenID, number: number)
    }

    /// The session ended by itself.
    public func close(_ handle: Handle) {
        state.withLock { state in
            _ = state.enders[handle.tokenID]?.removeValue(forKey: handle.number)
            if state.enders[handle.tokenID]?.isEmpty == true { state.enders.removeValue(forKey: handle.tokenID) }
        }
    }

    /// Ends every open session of `tokenID`, and any opened later (a request authenticated just
    /// before the revocation may open its session just after).
    public func revoke(_ tokenID: String) {
        let enders = state.withLock { state in
            state.revoked.insert(tokenID)
            return state.enders.removeValue(forKey: tokenID).map { Array($0.values) } ?? []
        }
        for end in enders { end() }
    }

    /// How many sessions `tokenID` has open.
    public func count(of tokenID: String) -> Int {
        state.withLock { $0.enders[tokenID]?.count ?? 0 }
    }

    public struct Handle: Sendable, Hashable {
        let tokenID: String
        let number: Int
    }
}
