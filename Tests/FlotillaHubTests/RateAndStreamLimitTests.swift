import AsyncHTTPClient
import FlotillaClient
import FlotillaCore
@testable import FlotillaHub
import Foundation
import NIOCore
import Testing

/// Issue 20 item 7: each token has a request rate (token bucket, `429 rate_limited` with
/// `Retry-After`) and a cap on open streams (SSE, `/ws`, `?wait`): 429 over its own, 503
/// `overloaded` over the hub's total.
@Suite struct RateAndStreamLimitTests {
    private func get(_ hub: TestHub, _ path: String, token: String) async throws -> (status: Int, retryAfter: String?, code: String?) {
        var request = HTTPClientRequest(url: hub.client.baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let code = (try? JSONValue.parse(String(buffer: body)))?["error"]?["code"]?.stringValue
        return (Int(response.status.code), response.headers.first(name: "Retry-After"), code)
    }

    @Test func aTokenOverItsRateGets429WithRetryAfterWhileAnotherTokenIsServed() async throws {
        try await TestHub.run(configure: {
            // One request back every 10 s: a busy machine cannot refill the bucket mid-test.
            $0.limits.requestsPerSecond = 0.1
            $0.limits.burst = 5
        }) { hub in
            for _ in 0..<5 { #expect(try await get(hub, "/api/stats", token: hub.adminToken).status == 200) }
            let refused = try await get(hub, "/api/stats", token: hub.adminToken)
            #expect(refused.status == 429)
            #expect(refused.code == "rate_limited")
            #expect(refused.retryAfter.flatMap(Int.init).map { $0 >= 1 && $0 <= 10 } == true, "Retry-After: \(refused.retryAfter ?? "none")")

            // The bucket is the token's: another token is not slowed down.
            let other = try await hub.hub.tokens.create(name: "other", scope: .admin, role: nil).token
            #expect(try await get(hub, "/api/stats", token: other).status == 200)

            // A WebSocket upgrade over the rate is refused with the same code.
            let socket = try RawSocket(port: hub.port)
            let headers = SocketAuthTests.upgrade + [("Authorization", "Bearer \(hub.adminToken)")]
            socket.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
            let upgrade = try await socket.read(until: "}}")
            #expect(upgrade.hasPrefix("HTTP/1.1 429"), "\(upgrade)")
            #expect(upgrade.contains("rate_limited"))
        }
    }

    /// Opens an event stream on a raw socket and returns it once the hub answered its head.
    private func openStream(_ hub: TestHub, token: String) async throws -> (socket: RawSocket, head: String) {
        let socket = try RawSocket(port: hub.port)
        socket.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
        return (socket, try await socket.read(until: "\r\n\r\n"))
    }

    @Test func streamsAreCappedPerTokenAndInAllAndASlotIsFreedWhenItsClientLeaves() async throws {
        try await TestHub.run(configure: {
            $0.limits.streamsPerToken = 2
            $0.limits.streamsTotal = 3
        }) { hub in
            let first = try await openStream(hub, token: hub.adminToken)
            let second = try await openStream(hub, token: hub.adminToken)
            #expect(first.head.hasPrefix("HTTP/1.1 200") && second.head.hasPrefix("HTTP/1.1 200"))
            let third = try await openStream(hub, token: hub.adminToken)
            #expect(third.head.hasPrefix("HTTP/1.1 429"), "\(third.head)")
            // A long poll counts as a stream too.
            let id = try await hub.client.submit(["type": "testing.run"])["id"]!.stringValue!
            let poll = try await get(hub, "/api/tasks/\(id)?wait=5", token: hub.adminToken)
            #expect(poll.status == 429 && poll.code == "rate_limited")

            let other = try await hub.hub.tokens.create(name: "other", scope: .admin, role: nil).token
            let otherFirst = try await openStream(hub, token: other)
            #expect(otherFirst.head.hasPrefix("HTTP/1.1 200"))
            let overTotal = try await openStream(hub, token: other)
            #expect(overTotal.head.hasPrefix("HTTP/1.1 503"), "\(overTotal.head)")
            // The body may have come with the head, or just after it.
            let body = overTotal.head.contains("}") ? overTotal.head : try await overTotal.socket.read(until: "}")
            #expect(body.contains("overloaded"), "\(body)")

            // A client that leaves gives its slot back at once, with no event needed to notice.
            first.socket.hangUp()
            try await eventually("the slot is free again") {
                let again = try await openStream(hub, token: hub.adminToken)
                return again.head.hasPrefix("HTTP/1.1 200")
            }
            withExtendedLifetime([second.socket, otherFirst.socket]) {}
        }
    }

    @Test func anAgentCannotRelayOversizedMessagesNorMoreThanItsRate() async throws {
        try await TestHub.run(configure: {
            $0.limits.messageBytes = 1_024
            $0.limits.requestsPerSecond = 0.001
            $0.limits.burst = 5
        }) { hub in
            let senderToken = try await hub.hub.tokens.create(name: "sender", scope: .agent, role: nil, agentID: "sender").token
            let listenerToken = try await hub.hub.tokens.create(name: "listener", scope: .agent, role: nil, agentID: "listener").token
            try await TestAgent.run(hub, id: "listener", token: listenerToken) { listener in
                try await TestAgent.run(hub, id: "sender", token: senderToken) { sender in
                    // Upgrading took one request of the sender's five.
                    func relay(_ text: String) async throws -> Envelope {
                        let id = try await sender.link.send(.message, agentID: "sender", payload: ["to": "broadcast", "text": .string(text)])
                        while true {
                            let reply = try await sender.inbox.next([.ack, .error])
                            if reply.payload["ref"]?.stringValue == id { return reply }
                        }
                    }
                    let tooBig = try await relay(String(repeating: "z", count: 2_000))
                    #expect(tooBig.type == .error && tooBig.payload["code"]?.stringValue == "body_too_large", "\(tooBig.text)")
                    for index in 0..<4 {
                        let reply = try await relay("hello \(index)")
                        #expect(reply.type == .ack && reply.payload["delivered"]?.intValue == 1, "\(reply.text)")
                    }
                    let flooded = try await relay("one too many")
                    #expect(flooded.type == .error && flooded.payload["code"]?.stringValue == "rate_limited", "\(flooded.text)")
                    // The listener got the four within the rate and neither refused one.
                    var heard: [String] = []
                    for _ in 0..<4 { heard.append(try await listener.inbox.next([.message]).payload["text"]?.stringValue ?? "") }
                    #expect(heard == (0..<4).map { "hello \($0)" })
                }
            }
        }
    }

    @Test func theMonitorSocketCountsAsAStream() async throws {
        try await TestHub.run(configure: { $0.limits.streamsPerToken = 1 }) { hub in
            let held = try await openStream(hub, token: hub.adminToken)
            #expect(held.head.hasPrefix("HTTP/1.1 200"))
            let socket = try RawSocket(port: hub.port)
            socket.send("GET /?token=\(hub.adminToken) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + SocketAuthTests.upgrade.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
            // Upgraded, then closed at once with 1008 and the reason.
            let answer = try await socket.read(until: "open streams")
            #expect(answer.hasPrefix("HTTP/1.1 101"))
            #expect(answer.contains("rate_limited"))
            try await eventually("the monitor socket is closed") { socket.isClosedByPeer() }
            held.socket.hangUp()
        }
    }
}
