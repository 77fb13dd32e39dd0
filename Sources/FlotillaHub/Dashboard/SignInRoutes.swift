import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Hummingbird

/// Browser sign-in (docs/api.md, "Browser sign-in"): `POST /auth/signin` trades a token for a
/// session cookie, `GET /auth/link` a one-time link's code; `GET /auth/session` tells the page
/// who it is and its CSRF token; `POST /auth/signout` ends the session.
struct SignInRoutes {
    let hub: Hub
    let guards: HubGuards

    func add(to router: Router<HubRequestContext>) {
        let hub = self.hub
        // Open: they are how a browser gets a session in the first place.
        router.post("auth/signin") { request, _ in try await Self.signIn(request, hub: hub) }
        router.get("auth/link") { request, _ in try await Self.redeem(request, hub: hub) }
        let signedIn = router.group("auth").add(middleware: AuthMiddleware(tokens: hub.tokens, guards: guards))
        signedIn.get("session") { _, context in try Self.describe(context, hub: hub) }
        signedIn.post("signout") { _, context in try await Self.signOut(context, hub: hub) }
    }

    /// `303` to `location`, setting the session cookie for `id`.
    static func signedIn(_ id: String, hub: Hub, location: String) -> Response {
        let lifetime = Int(hub.configuration.sessionLifetime.rounded(.up))
        return Response(status: .seeOther, headers: [
            .location: location,
            .setCookie: SessionCookie.set(id, maxAge: lifetime, secure: hub.configuration.tls != nil),
            .cacheControl: "no-store",
        ])
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func signIn(_ request: Request, hub: Hub) async throws -> Response {
        // Login CSRF: another site's page must not sign this browser in (as its own token).
        try Self.refuseCrossSite(request)
        let form = try await SignInForm.read(request)
        let back = { (error: String) -> Response in
            var location = "/signin?error=\(error)"
            if let next = form.next, !next.isEmpty { location += "&next=" + Self.queryEncoded(next) }
            return Self.redirect(location)
        }
        guard let token = form.token, !token.isEmpty else {
            if form.isForm { return back("unauthorized") }
            throw FlotillaError(.missingField, "Send the token to sign in with: {\"token\": \"flt_…\"}.", field: "token")
        }
        let identity: Identity
        do {
            identity = try hub.tokens.authenticate(header: "Bearer " + token)
        } catch {
            if form.isForm { return back("unauthorized") }
            throw error
        }
        guard identity.scope != .agent else {
            if form.isForm { return back("forbidden") }
            throw FlotillaError(.forbidden, "Agent tokens cannot sign in to the dashboard: use a viewer, submitter or admin token (`flotilla token create NAME --scope viewer`).", field: "token")
        }
        let (id, _) = try await hub.tokens.browser.open(tokenID: identity.tokenID, lifetime: hub.configuration.sessionLifetime)
        return Self.signedIn(id, hub: hub, location: SignInForm.safeLocation(form.next))
    }

    /// `GET /auth/link?code=…`: a first use signs the browser in; any other goes to the page.
    static func redeem(_ request: Request, hub: Hub) async throws -> Response {
        guard let code = request.uri.queryParameters["code"], let tokenID = hub.tokens.browser.redeemLink(code: code),
              let identity = try? hub.tokens.identity(tokenID: tokenID), identity.scope != .agent else {
            return Self.redirect("/signin?error=link_expired")
        }
        let (id, _) = try await hub.tokens.browser.open(tokenID: identity.tokenID, lifetime: hub.configuration.sessionLifetime)
        return Self.signedIn(id, hub: hub, location: "/")
    }

    /// `GET /auth/session`: who the page acts as. A bearer token gets the same without a CSRF
    /// token or an expiry (it needs neither).
    static func describe(_ context: HubRequestContext, hub: Hub) throws -> Response {
        guard let identity = context.identity else { throw FlotillaError(.unauthorized, "Sign in at /signin.") }
        let session = context.browserSession
        return JSONResponse.make([
            "token_id": .string(identity.tokenID),
            "name": hub.tokens.row(id: identity.tokenID).map { .string($0.name) } ?? .null,
            "scope": .string(identity.scope.rawValue),
            "csrf_token": session.map { .string($0.csrfToken) } ?? .null,
            "expires_at": session.map { .string(Timestamp.iso8601($0.expiresAt)) } ?? .null,
        ])
    }

    /// `POST /auth/signout`: ends the cookie's session (the CSRF token was checked) and clears
    /// the cookie.
    static func signOut(_ context: HubRequestContext, hub: Hub) async throws -> Response {
        if let session = context.browserSession { try await hub.tokens.browser.close(idHash: session.idHash) }
        return Response(status: .noContent, headers: [
            .setCookie: SessionCookie.clear(secure: hub.configuration.tls != nil), .cacheControl: "no-store",
        ])
    }

    /// Refuses a sign-in posted from another site's page: its `Sec-Fetch-Site` is not
    /// same-origin, or (from a client without Fetch Metadata) its `Origin` names a host other than
    /// the one the request was sent to.
    static func refuseCrossSite(_ request: Request) throws(FlotillaError) {
        let refusal = FlotillaError(.forbidden, "Cross-site sign-in refused: sign in from the hub's own page, /signin.")
        // A browser that sends Fetch Metadata says where the request comes from, and is believed:
        // under `Referrer-Policy: no-referrer` Chromium posts a same-origin form with
        // `Origin: null`, so the origin alone would refuse the hub's own sign-in page.
        if let site = request.headers[.secFetchSite] {
            guard site == "same-origin" || site == "none" else { throw refusal }
        } else if let origin = request.headers[.origin] {
            // `scheme://host[:port]`, exactly as the browser wrote the hub's address (brackets of
            // an IPv6 host and an omitted default port included), so compared as text.
            let host = request.head.authority ?? ""
            guard let separator = origin.range(of: "://"), !host.isEmpty,
                  origin[separator.upperBound...].lowercased() == host.lowercased() else { throw refusal }
        }
    }

    static func queryEncoded(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
