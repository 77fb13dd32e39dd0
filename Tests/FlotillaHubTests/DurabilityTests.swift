import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Guarantee 1 and 2 across a crash: the hub runs as its own process and is killed with
/// SIGKILL; everything acknowledged is there after a restart, and held attempts come back
/// through lease expiry.
@Suite struct DurabilityTests {
    @Test func acknowledgedTasksSurviveKill9AndHeldOnesComeBackThroughLeaseExpiry() async throws {
        let dataDirectory = TestHub.temporaryDirectory()
        // The first hub's lease is long: the agent below accepts its five tasks one by one, and
        // under load a 1 s lease ran out between an assignment and its accept (the accept then
        // got `stale_attempt`, never the `ack` awaited). A restart gives every held attempt a
        // fresh lease of the new hub's length, so the second hub's 1 s lease is the one that
        // brings them back.
        let first = try await HubProcess.start(dataDirectory: dataDirectory, leaseSeconds: 60)
        let token = try String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HubClient(baseURL: first.baseURL, token: token)
        var ids: [String] = []
        for _ in 0..<2 {
            let batch = try await client.submit(batch: (0..<500).map { index in ["type": "code.generate", "payload": ["n": .int(Int64(index))]] })
            ids += batch.compactMap { $0["id"]?.stringValue }
        }
        #expect(ids.count == 1000)

        // An agent takes five tasks and starts them, then the hub dies under it.
        let held = try await AgentLink.connect(url: client.socketURL, token: token) { link in
            let inbox = TestAgent.Inbox(link.messages)
            try await link.send(.register, agentID: "doomed", payload: ["roles": ["general"], "concurrency": 5])
            _ = try await inbox.next([.registered])
            try await link.send(.ready, agentID: "doomed")
            var held: [String] = []
            while held.count < 5 {
                let message = try await inbox.next([.assignment])
                let id = message.payload["task_id"]!.stringValue!
                try await link.send(.accept, agentID: "doomed", payload: ["task_id": .string(id), "attempt": 1])
                _ = try await inbox.next([.ack])
                held.append(id)
            }
            first.kill9()
            return held
        }

        let second = try await HubProcess.start(dataDirectory: dataDirectory, leaseSeconds: 1)
        defer { second.terminate() }
        let restarted = HubClient(baseURL: second.baseURL, token: token)
        var found: Set<String> = []
        var cursor: String?
        repeat {
            var query: [String: String] = ["limit": "1000"]
            if let cursor { query["cursor"] = cursor }
            let page = try await restarted.tasks(query: query)
            found.formUnion(page["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            cursor = page["next_cursor"]?.stringValue
        } while cursor != nil
        #expect(found == Set(ids))

        // The attempts held when the hub died expire and go back in line.
        for id in held {
            try await eventually("task \(id) requeued after its lease", within: 60) {
                let task = try await restarted.task(id)
                return task["state"] == "queued" && task["attempts"]?.arrayValue?.first?["outcome"] == "lease_expired"
            }
        }

        // A new agent drains everything: nothing was lost. It counts the completions the hub
        // acknowledged, not the assignments it got: with this hub's 1 s lease a completion that
        // a loaded machine held up past the lease is refused (`stale_attempt`) and its task comes
        // back as another assignment, so 1000 assignments did not mean 1000 successes.
        try await AgentLink.connect(url: restarted.socketURL, token: token) { link in
            let inbox = TestAgent.Inbox(link.messages)
            try await link.send(.register, agentID: "survivor", payload: ["roles": ["general"], "concurrency": 16])
            _ = try await inbox.next([.registered])
            try await link.send(.ready, agentID: "survivor")
            var reports: [String: String] = [:]  // completion message id → task id
            var succeeded: Set<String> = []
            while succeeded.count < 1000 {
                let message = try await inbox.next([.assignment, .ack, .error], within: 60)
                switch message.type {
                case .assignment:
                    let id = try #require(message.payload["task_id"]?.stringValue)
                    let sent = try await link.send(.complete, agentID: "survivor", payload: [
                        "task_id": .string(id), "attempt": message.payload["attempt"]!, "result": ["ok": true],
                    ])
                    reports[sent] = id
                default:
                    guard let ref = message.payload["ref"]?.stringValue, let id = reports.removeValue(forKey: ref) else { continue }
                    if message.type == .ack { succeeded.insert(id) }
                }
            }
            return ()
        }
        try await eventually("all 1000 succeeded", within: 60) {
            let stats = try await restarted.stats()
            return stats["tasks"]?["by_state"]?["succeeded"] == 1000
        }
    }
}
