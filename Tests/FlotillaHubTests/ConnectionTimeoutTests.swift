import AsyncHTTPClient
import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// Issue 20 item 7: a connection that never finishes its headers (idle, unauthenticated, or a
/// slowloris trickling bytes) is closed after the header timeout, while an agent keeps working.
@Suite struct ConnectionTimeoutTests {
    /// Drops a pooled connection after 0.5 s idle, before the hub's 1.5 s idle timeout does: a
    /// request sent on a connection the hub was closing at that moment failed with
    /// `remoteConnectionClosed`. Lives as long as the test process.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .milliseconds(500))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    @Test func idleConnectionsAndASlowlorisAreDroppedWhileAnAgentKeepsWorking() async throws {
        // The hub and the 2,000 idle connections live in child processes: with both ends in this
        // process the target held over 4,000 descriptors, and another test's Process.run then
        // crashed the whole target (see IdleConnections).
        let hub = try await HubProcess.start(
            dataDirectory: TestHub.temporaryDirectory(), leaseSeconds: 30,
            arguments: ["--header-timeout-seconds", "1.5", "--idle-timeout-seconds", "1.5"]
        )
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token, http: Self.http)
        try await TestAgent.run(socketURL: client.socketURL, token: token, id: "worker", roles: ["testing"]) { agent in
            let idle = try await IdleConnections(2_000, port: hub.port)
            defer { idle.stop() }
            let slowloris = try RawSocket(port: hub.port)
            #expect(slowloris.send("GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n"))

            // The agent works while they are held.
            let first = try await client.submit(["type": "testing.run"])["id"]!.stringValue!
            let assigned = try await agent.assignment()
            #expect(assigned.taskID == first)
            #expect(try await agent.complete(first, attempt: assigned.attempt).type == .ack)

            // The slowloris keeps sending a header line now and then; it is closed anyway.
            try await eventually("the slowloris is closed") {
                if !slowloris.send("X-Slow: 1\r\n") || slowloris.isClosedByPeer() { return true }
                try await _Concurrency.Task.sleep(for: .milliseconds(200))
                return false
            }
            try await eventually("all 2,000 idle connections are closed") { idle.closedAfter != nil }
            let closedAfter = try #require(idle.closedAfter)
            #expect(closedAfter >= 1.4, "closed \(closedAfter) s after they were open: before the header timeout")

            // The agent's socket outlived the header timeout and still works.
            let second = try await client.submit(["type": "testing.run"])["id"]!.stringValue!
            let next = try await agent.assignment()
            #expect(next.taskID == second)
            #expect(try await agent.complete(second, attempt: next.attempt).type == .ack)
            #expect(try await client.task(second)["state"] == "succeeded")
        }
    }

    @Test func aKeepAliveConnectionIdleBetweenRequestsIsClosed() async throws {
        try await TestHub.run(configure: {
            $0.limits.headerTimeout = 5
            $0.limits.idleTimeout = 1
        }) { hub in
            let socket = try RawSocket(port: hub.port)
            #expect(socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            let response = try await socket.read(until: "\"ok\"")
            #expect(response.hasPrefix("HTTP/1.1 200"))
            try await eventually("the idle keep-alive connection is closed", within: 10) { socket.isClosedByPeer() }
        }
    }
}
