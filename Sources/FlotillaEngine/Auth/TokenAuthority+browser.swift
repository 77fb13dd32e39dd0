public import FlotillaCore
public import FlotillaStore

extension TokenAuthority {
    /// The identity and session behind a `flotilla_session` cookie's value, or a 401 error:
    /// the session is unknown, expired or signed out, or its token was revoked.
    public func authenticate(session id: some StringProtocol) throws(FlotillaError) -> (identity: Identity, session: BrowserSessionRow) {
        guard let session = browser.session(id: id) else {
            throw FlotillaError(.unauthorized, "Your dashboard session has expired or was signed out: sign in again at /signin.")
        }
        return (try identity(tokenID: session.tokenID), session)
    }
}
