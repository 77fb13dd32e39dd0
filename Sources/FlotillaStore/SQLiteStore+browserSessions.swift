import FlotillaCore
import GRDB

/// The dashboard's browser sessions: few rows, written on sign-in and sign-out only (never on a
/// request), so straight writes rather than the engine's group commit.
extension SQLiteStore {
    public func browserSessions() async throws -> [BrowserSessionRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM browser_sessions ORDER BY created_at").map { row in
                BrowserSessionRow(
                    idHash: row["id_hash"], tokenID: row["token_id"], csrfToken: row["csrf_token"],
                    createdAt: row["created_at"], expiresAt: row["expires_at"]
                )
            }
        }
    }

    public func insertBrowserSession(_ session: BrowserSessionRow) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO browser_sessions (id_hash, token_id, csrf_token, created_at, expires_at) VALUES (?,?,?,?,?)",
                arguments: [session.idHash, session.tokenID, session.csrfToken, session.createdAt, session.expiresAt]
            )
        }
    }

    public func deleteBrowserSessions(_ selection: BrowserSessionRow.Selection) async throws {
        try await pool.write { db in
            switch selection {
            case .session(let idHash):
                try db.execute(sql: "DELETE FROM browser_sessions WHERE id_hash = ?", arguments: [idHash])
            case .token(let id):
                try db.execute(sql: "DELETE FROM browser_sessions WHERE token_id = ?", arguments: [id])
            case .expired(let before):
                try db.execute(sql: "DELETE FROM browser_sessions WHERE expires_at < ?", arguments: [before])
            }
        }
    }
}
