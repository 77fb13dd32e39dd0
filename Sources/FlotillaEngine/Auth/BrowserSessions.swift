public import FlotillaCore
public import FlotillaStore
import Synchronization

/// The dashboard's sign-ins: durable browser sessions (a random id in an `HttpOnly` cookie,
/// only its SHA-256 stored) and one-time sign-in links.
///
/// Every session is held in memory as well, so authenticating a request costs a hash and a
/// lookup, no store read; the store only makes sessions outlive a restart of the hub. Whether
/// the session's token is still valid is the ``TokenAuthority``'s to say, on every request.
public final class BrowserSessions: Sendable {
    private let store: any Store
    /// Live sessions by id hash.
    private let sessions = Mutex<[String: BrowserSessionRow]>([:])
    /// Unused sign-in links by code hash. In memory only: a link lives minutes, and one that a
    /// restart forgets just sends its browser to the sign-in page.
    private let links = Mutex<[String: Link]>([:])

    private struct Link {
        let tokenID: String
        let expiresAt: Double
    }

    init(store: any Store) async throws {
        self.store = store
        let now = Timestamp.now()
        try await store.deleteBrowserSessions(.expired(before: now))
        let rows = try await store.browserSessions()
        sessions.withLock { sessions in
            for row in rows { sessions[row.idHash] = row }
        }
    }

    /// Opens a session for `tokenID` lasting `lifetime` seconds, durably. Returns the session id
    /// (256 random bits, the cookie's value: it is not kept) and the stored row.
    public func open(tokenID: String, lifetime: Double) async throws -> (id: String, session: BrowserSessionRow) {
        let now = Timestamp.now()
        let id = IDGenerator.secret(byteCount: 32)
        let row = BrowserSessionRow(
            idHash: TokenSecret.hash(id), tokenID: tokenID, csrfToken: IDGenerator.secret(byteCount: 32),
            createdAt: now, expiresAt: now + lifetime
        )
        try await store.insertBrowserSession(row)
        // Sign-ins are rare: the moment to forget sessions that expired meanwhile.
        let expired = sessions.withLock { sessions in
            sessions[row.idHash] = row
            let gone = sessions.values.filter { $0.expiresAt <= now }
            for session in gone { sessions.removeValue(forKey: session.idHash) }
            return !gone.isEmpty
        }
        if expired { try await store.deleteBrowserSessions(.expired(before: now)) }
        return (id, row)
    }

    /// The live session whose cookie value is `id`; nil when there is none or it expired.
    public func session(id: some StringProtocol, now: Double = Timestamp.now()) -> BrowserSessionRow? {
        let hash = TokenSecret.hash(id)
        return sessions.withLock { sessions in
            guard let session = sessions[hash] else { return nil }
            guard session.expiresAt > now else {
                sessions.removeValue(forKey: hash)
                return nil
            }
            return session
        }
    }

    /// Ends one session (sign-out).
    public func close(idHash: String) async throws {
        sessions.withLock { _ = $0.removeValue(forKey: idHash) }
        try await store.deleteBrowserSessions(.session(idHash: idHash))
    }

    /// Ends every session and link of a token (it was revoked).
    func close(tokenID: String) async throws {
        sessions.withLock { sessions in sessions = sessions.filter { $0.value.tokenID != tokenID } }
        links.withLock { links in links = links.filter { $0.value.tokenID != tokenID } }
        try await store.deleteBrowserSessions(.token(id: tokenID))
    }

    /// How many live sessions `tokenID` has.
    public func count(of tokenID: String) -> Int {
        let now = Timestamp.now()
        return sessions.withLock { $0.values.count(where: { $0.tokenID == tokenID && $0.expiresAt > now }) }
    }

    // MARK: one-time links

    /// A one-time sign-in link's code for `tokenID`, valid `ttl` seconds.
    public func createLink(tokenID: String, ttl: Double) -> (code: String, expiresAt: Double) {
        let now = Timestamp.now()
        let code = IDGenerator.secret(byteCount: 32)
        links.withLock { links in
            links = links.filter { $0.value.expiresAt > now }
            links[TokenSecret.hash(code)] = Link(tokenID: tokenID, expiresAt: now + ttl)
        }
        return (code, now + ttl)
    }

    /// The token a link signs in as, the link used up; nil when it is unknown, used or expired.
    public func redeemLink(code: some StringProtocol) -> String? {
        let now = Timestamp.now()
        let link = links.withLock { $0.removeValue(forKey: TokenSecret.hash(code)) }
        guard let link, link.expiresAt > now else { return nil }
        return link.tokenID
    }
}
