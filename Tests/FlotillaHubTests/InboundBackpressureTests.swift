import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaStore
import Foundation
import Synchronization
import Testing

/// Issue 20 item 7's last gap: what an agent sends is bounded too. A socket that floods
/// reports faster than they commit is read no further while `limits.pendingCommits` of its
/// changes await commit, so the commit queue stays bounded and the agent is slowed by TCP.
@Suite(.timeLimit(.minutes(2))) struct InboundBackpressureTests {
    @Test func aFloodingAgentCannotGrowTheCommitQueueAndOthersCarryOn() async throws {
        let bound = 16
        // Every progress report is stored (no coalescing), so each one is a commit.
        var policy = SchedulerPolicy(leaseDuration: 30, backoff: Backoff(base: 0.05, cap: 0.2, jitter: 0))
        policy.progressWriteInterval = 0
        // Each commit is fsynced (slow next to reading a frame), so a flood outpaces commits.
        try await TestHub.run(policy: policy, configure: { configuration in
            configuration.limits.pendingCommits = bound
            configuration.store = .init(dataDirectory: configuration.dataDirectory, synchronousFull: true)
        }) { hub in
            // The flooding agent: a raw socket that registers, takes its task, then only writes.
            let socket = try RawSocket(port: hub.port, receiveBuffer: 4096)
            socket.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(hub.adminToken)\r\n" + SocketAuthTests.upgrade.map { "\($0): \($1)\r\n" }.joined() + "\r\n")
            #expect(try await socket.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 101"))
            _ = socket.sendBlocking(RawSocket.maskedTextFrame(#"{"id":"r1","type":"register","agent_id":"flood","payload":{"roles":["flood"],"concurrency":1,"executor":"test","version":"test"}}"#))
            _ = try await socket.read(until: "registered")
            _ = socket.sendBlocking(RawSocket.maskedTextFrame(#"{"id":"r2","type":"ready","agent_id":"flood","payload":{}}"#))
            _ = try await hub.client.submit(["id": "flood-task", "type": "testing.run", "role": "flood"])
            _ = try await socket.read(until: "assignment")
            _ = socket.sendBlocking(RawSocket.maskedTextFrame(#"{"id":"a1","type":"accept","agent_id":"flood","payload":{"task_id":"flood-task","attempt":1}}"#))

            var bytes: [UInt8] = []
            for index in 0..<20_000 {
                bytes += RawSocket.maskedTextFrame(#"{"id":"p\#(index)","type":"progress","agent_id":"flood","payload":{"task_id":"flood-task","attempt":1,"percent":\#(Double(index % 100)),"message":"step \#(index)"}}"#)
            }
            let frames = bytes
            let flood = FloodWatch()
            let lastApplied = hub.hub.events.subscribe(where: { $0.type == "task.progress" && $0.details["message"]?.stringValue == "step 19999" })
            let sender = Thread {
                _ = socket.sendBlocking(frames)
                flood.sent.store(true, ordering: .releasing)
            }
            sender.start()

            let engine = hub.hub.engine
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Samples the commit queue until the flood's last report is applied (its event
                // is published once committed).
                group.addTask {
                    var events = lastApplied.makeAsyncIterator()
                    _ = await events.next()
                    flood.applied.store(true, ordering: .releasing)
                }
                group.addTask {
                    while !flood.applied.load(ordering: .acquiring) {
                        flood.sample(engine.commitsPending)
                        try await _Concurrency.Task.sleep(for: .microseconds(100))
                    }
                }
                // Meanwhile another agent's task goes through.
                group.addTask {
                    try await TestAgent.run(hub, id: "steady", roles: ["steady"]) { agent in
                        let submitted = try await hub.client.submit(["type": "testing.run", "role": "steady"])
                        let (taskID, attempt, _) = try await agent.assignment(within: 30)
                        #expect(submitted["id"]?.stringValue == taskID)
                        _ = try await agent.report(.accept, taskID: taskID, attempt: attempt)
                        _ = try await agent.complete(taskID, attempt: attempt)
                        let task = try await hub.client.task(taskID)
                        #expect(task["state"]?.stringValue == "succeeded")
                    }
                }
                try await group.waitForAll()
            }
            // The flood's own changes never pushed the queue past its bound; the steady agent,
            // one change at a time on its own connection, and this test's requests add at most
            // a few (`bound + 4`). Without the bound, thousands were queued at once.
            let highest = flood.highest.load(ordering: .relaxed)
            #expect(highest <= bound + 4, "up to \(highest) changes awaited commit")
            #expect(highest >= bound / 2, "the flood never pressed on the bound (\(highest))")
            // And the flood was read to the end: the last report reached the task.
            let task = try await hub.client.task("flood-task")
            #expect(task["progress_message"]?.stringValue == "step 19999")
            let sentAll = flood.sent.load(ordering: .acquiring)
            #expect(sentAll)
            // `/api/stats` shows the same count, now that everything committed.
            let stats = try await hub.client.stats()
            #expect(stats["commits_pending"]?.intValue == 0)
        }
    }
}

/// What the flood test watches from two threads: whether the flood is sent, and the most
/// changes seen awaiting commit.
private final class FloodWatch: Sendable {
    let sent = Atomic<Bool>(false)
    let applied = Atomic<Bool>(false)
    let highest = Atomic<Int>(0)

    func sample(_ pending: Int) {
        highest.max(pending, ordering: .relaxed)
    }
}
