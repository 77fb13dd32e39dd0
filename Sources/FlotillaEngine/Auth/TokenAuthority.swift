public import FlotillaCore
public import FlotillaStore
import Foundation
import Synchronization

/// Issues and checks API tokens.
///
/// A token reads `flt_<id>_<secret>`. Only SHA-256 of the secret is stored; checking looks the
/// token up by id and compares hashes in constant time, so response timing reveals nothing
/// about the secret.
public final class TokenAuthority: Sendable {
    private let store: any Store
    private let cache = Mutex<[String: TokenRow]>([:])
    private let ids = IDGenerator()
    /// The sessions open under each token; revoking a token ends them.
    public let sessions = TokenSessions()
    /// The dashboard's browser sessions and sign-in links, each acting as a token.
    public let browser: BrowserSessions

    init(store: any Store) async throws {
        self.store = store
        self.browser = try await BrowserSessions(store: store)
        let rows = try await store.tokens()
        cache.withLock { cache in
            for row in rows { cache[row.id] = row }
        }
    }

    /// Whether any admin token exists (a first start has none).
    public var hasAdmin: Bool { cache.withLock { $0.values.contains { $0.scope == .admin && $0.revokedAt == nil } } }

    /// Creates a token and returns it in full; this is the only time its secret is visible.
    public func create(name: String, scope: TokenRow.Scope, role: String?, agentID: String? = nil) async throws -> (token: String, row: TokenRow) {
        let id = ids.next()
        let secret = IDGenerator.secret()
        let row = TokenRow(id: id, name: name, scope: scope, role: role, agentID: agentID, secretHash: TokenSecret.hash(secret), createdAt: Timestamp.now())
        try await store.insertToken(row)
        cache.withLock { $0[id] = row }
        return ("flt_\(id)_\(secret)", row)
    }

    /// The token with `id`, revoked or not (the MQTT bridge checks agents' MACs with its hash).
    public func row(id: String) -> TokenRow? {
        cache.withLock { $0[id] }
    }

    /// Every token, oldest first (revoked ones too).
    public func list() -> [TokenRow] {
        cache.withLock { Array($0.values) }.sorted { $0.createdAt < $1.createdAt }
    }

    /// Revokes a token and ends its open sessions; false when there is no such token.
    public func revoke(id: String) async throws -> Bool {
        let now = Timestamp.now()
        guard try await store.revokeToken(id: id, at: now) else { return false }
        cache.withLock { cache in
            if cache[id]?.revokedAt == nil { cache[id]?.revokedAt = now }
        }
        sessions.revoke(id)
        try await browser.close(tokenID: id)
        return true
    }

    /// The identity behind an `Authorization` header value, or a 401 error.
    public func authenticate(header: String?) throws(FlotillaError) -> Identity {
        guard let header, !header.isEmpty else {
            throw FlotillaError(.unauthorized, "Missing bearer token: send 'Authorization: Bearer <token>' (the admin token is in <data-dir>/admin.token).")
        }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw FlotillaError(.unauthorized, "The Authorization header must read 'Bearer <token>'.")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix("flt_") else { throw Self.invalid }
        let body = token.dropFirst(4)
        guard let separator = body.firstIndex(of: "_") else { throw Self.invalid }
        let id = String(body[..<separator])
        let secret = String(body[body.index(after: separator)...])
        guard let row = cache.withLock({ $0[id] }) else { throw Self.invalid }
        guard TokenSecret.constantTimeEqual(TokenSecret.hash(secret), row.secretHash) else { throw Self.invalid }
        return try Self.identity(of: row)
    }

    /// The identity of the token `id` (a browser session acts as it), or a 401 error once the
    /// token is revoked: checked on every request, so revoking ends its sessions at once.
    public func identity(tokenID id: String) throws(FlotillaError) -> Identity {
        guard let row = cache.withLock({ $0[id] }) else { throw Self.invalid }
        return try Self.identity(of: row)
    }

    private static func identity(of row: TokenRow) throws(FlotillaError) -> Identity {
        guard row.revokedAt == nil else {
            throw FlotillaError(.unauthorized, "This token was revoked.")
        }
        switch row.scope {
        case .admin: return .admin(tokenID: row.id)
        case .agent: return .agent(tokenID: row.id, role: row.role, agentID: row.agentID)
        case .viewer: return .viewer(tokenID: row.id)
        case .submitter: return .submitter(tokenID: row.id)
        }
    }

    private static let invalid = FlotillaError(.unauthorized, "Invalid token.")
}
