import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 19 item 2: a refused upgrade on `/ws` is answered like every other refused request:
/// 401 with `{"error":{"code":"unauthorized","message"}}`, not Hummingbird's empty 400.
@Suite struct SocketAuthTests {
    /// The headers of a WebSocket upgrade request (RFC 6455 §4.1).
    static let upgrade: [(String, String)] = [
        ("Connection", "Upgrade"), ("Upgrade", "websocket"),
        ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    @Test func aRefusedUpgradeAnswers401WithTheJSONError() async throws {
        try await TestHub.run { hub in
            let revoked = try await hub.client.createToken(name: "gone", role: "general")
            _ = try await hub.client.revokeToken(try #require(revoked["id"]?.stringValue))
            let cases: [(token: String?, message: String)] = [
                (nil, "Missing bearer token"),
                ("flt_nope_0000", "Invalid token."),
                (try #require(revoked["token"]?.stringValue), "This token was revoked."),
            ]
            for (token, message) in cases {
                let headers = Self.upgrade + (token.map { [("Authorization", "Bearer \($0)")] } ?? [])
                let (status, text) = try Self.rawRequest(port: hub.port, path: "/ws", headers: headers)
                #expect(status == 401, "\(String(describing: token)): \(status) \(text)")
                let body = try JSONValue.parse(text)
                #expect(body["error"]?["code"] == "unauthorized", "\(text)")
                #expect(body["error"]?["message"]?.stringValue?.hasPrefix(message) == true, "\(text)")
            }
            // The same connection path still upgrades with a good token.
            let registered = try await AgentLink.connect(url: hub.socketURL, token: hub.adminToken) { link in
                let inbox = TestAgent.Inbox(link.messages)
                try await link.send(.register, agentID: "fine", payload: ["roles": ["general"]])
                return try await inbox.next([.registered]).type
            }
            #expect(registered == .registered)
        }
    }

    /// What an agent asks after a refused upgrade: a bad token is told apart from a good one.
    @Test func theTokenCheckTellsARefusedTokenFromAGoodOne() async throws {
        try await TestHub.run { hub in
            #expect(await HubClient.socketTokenRefusal(url: hub.socketURL, token: "flt_nope_0000") == "Invalid token.")
            #expect(await HubClient.socketTokenRefusal(url: hub.socketURL, token: hub.adminToken) == nil)
        }
    }

    /// One request on a fresh TCP connection, read until the hub closes it: an HTTP client
    /// library would reuse a pooled connection (where Hummingbird redirects upgrades) or try to
    /// handle the upgrade itself.
    static func rawRequest(port: Int, path: String, headers: [(String, String)]) throws -> (status: Int, body: String) {
        let connection = try RawSocket(port: port)
        // The socket closes on deinit: keep it until the answer is read.
        defer { withExtendedLifetime(connection) {} }
        let descriptor = connection.descriptor
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n"
        let bytes = Array(request.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw TestFailure("cannot send the request") }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let head = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
            throw TestFailure("not an HTTP response: \(text)")
        }
        return (status, String(text[head.upperBound...]))
    }
}
