import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// A `/ws` message may be as large as the hub's body limit (docs/protocol.md), in one frame, as
/// the agent sends it. Found by WebSocketFuzzTests: the server took frames of at most 16 KiB
/// (the WebSocket library's default) and silently closed the socket on a larger one, so an
/// agent's `complete` with a result over 16 KiB never arrived, however often it was resent.
@Suite struct SocketMessageSizeTests {
    @Test func aReportOverSixteenKibibytesInOneFrameIsApplied() async throws {
        try await TestHub.run { hub in
            try await TestAgent.run(hub, id: "big-reporter") { agent in
                _ = try await hub.client.submit(["id": "big-1", "type": "code.generate", "payload": ["command": "true"]])
                let held = try await agent.assignment()
                let tail = String(repeating: "0123456789abcdef", count: 16 * 1024)  // 256 KiB
                let reply = try await agent.complete(held.taskID, attempt: held.attempt, result: ["output_tail": .string(tail)])
                #expect(reply.type == .ack, "\(reply.text.prefix(300))")
                let task = try await hub.client.task(held.taskID)
                #expect(task["state"] == "succeeded")
                #expect(task["result"]?["output_tail"]?.stringValue?.utf8.count == tail.utf8.count)
            }
        }
    }

    @Test func aMessageOverTheBodyLimitEndsTheConnectionAndChangesNothing() async throws {
        try await TestHub.run(maxBodySize: 64 * 1024) { hub in
            try await TestAgent.run(hub, id: "too-big") { agent in
                _ = try await hub.client.submit(["id": "big-2", "type": "code.generate", "payload": ["command": "true"]])
                let held = try await agent.assignment()
                let tail = String(repeating: "x", count: 80 * 1024)
                try await agent.link.send(.complete, agentID: "too-big", payload: ["task_id": .string(held.taskID), "attempt": .int(Int64(held.attempt)), "result": ["output_tail": .string(tail)]])
                // The hub hangs up: the agent's inbox ends, with no answer to the report.
                await #expect(throws: (any Error).self) { _ = try await agent.inbox.next([.ack, .error], within: 10) }
                #expect(try await hub.client.task(held.taskID)["state"] == "assigned")
            }
        }
    }
}
