import AsyncHTTPClient
public import FlotillaCore

extension HubClient {
    /// Whether the hub refuses `token` on its agent socket at `url` (`ws://host:port/ws`): the
    /// hub's message when it answers `GET /ws` (the same check as the upgrade, without one) with
    /// 401; nil when it accepts the token or cannot be reached.
    ///
    /// The WebSocket client reports a refused upgrade only as "upgrade failed", without the
    /// status, so an agent asks this to tell a bad token (stop) from a hub that is down (retry).
    public static func socketTokenRefusal(url: String, token: String?, caFile: String? = nil) async -> String? {
        var base = url
        if base.hasPrefix("ws://") { base = "http://" + base.dropFirst("ws://".count) }
        if base.hasPrefix("wss://") { base = "https://" + base.dropFirst("wss://".count) }
        if base.hasSuffix("/ws") { base = String(base.dropLast("/ws".count)) }
        let client = HubClient(baseURL: base, token: token, http: HubTrust.failingFastClient(caFile: caFile))
        guard let (status, text) = try? await client.raw(.GET, "/ws", timeout: .seconds(10)), status == 401 else { return nil }
        return (try? JSONValue.parse(text))?["error"]?["message"]?.stringValue ?? "HTTP 401"
    }
}
