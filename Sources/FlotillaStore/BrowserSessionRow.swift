/// A browser's sign-in session (the dashboard's `flotilla_session` cookie), acting as the token
/// it was signed in with. Only the SHA-256 of the session id is stored: whoever reads the
/// database cannot sign in with it.
public struct BrowserSessionRow: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the cookie's value.
    public var idHash: String
    /// The token the browser acts as (its scope, its rate, its revocation).
    public var tokenID: String
    /// What state-changing requests must send as `X-CSRF-Token`.
    public var csrfToken: String
    public var createdAt: Double
    public var expiresAt: Double

    public init(idHash: String, tokenID: String, csrfToken: String, createdAt: Double, expiresAt: Double) {
        self.idHash = idHash
        self.tokenID = tokenID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Which sessions ``Store/deleteBrowserSessions(_:)`` deletes.
    public enum Selection: Sendable, Hashable {
        /// One session (a sign-out).
        case session(idHash: String)
        /// Every session of a token (it was revoked).
        case token(id: String)
        /// Every session that expired before this time.
        case expired(before: Double)
    }
}
