import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// `POST /api/tasks` takes the seeds' envelope and tasks in words, and `ttl_seconds` ends a
/// task no agent took in time as `expired` (issue 19, item 12).
@Suite struct SeedsSubmissionTests {
    static let envelope = #"""
        {"id":"msg_abc123","ts":"2026-02-22T19:00:00Z","agent_id":"sheri-ml-02","role":"deployment","type":"deployment.deploy",
         "payload":{"command":"echo deploy"},"metadata":{"priority":"high","retry_count":0,"ttl":300}}
        """#

    @Test func theSeedsEnvelopeIsAcceptedOverHTTPWithItsIdAsIdempotencyKey() async throws {
        try await TestHub.run { hub in
            let first = try await hub.client.raw(.POST, "/api/tasks", body: Self.envelope)
            #expect(first.status == 201, "\(first.text)")
            let task = try JSONValue.parse(first.text)
            #expect(task["type"] == "deployment.deploy")
            #expect(task["role"] == "deployment")
            #expect(task["priority"] == "high")
            #expect(task["ttl_seconds"] == 300)
            #expect(task["submitter"] == "sheri-ml-02")
            #expect(task["idempotency_key"] == "msg_abc123")
            #expect(task["payload"]?["command"] == "echo deploy")
            let again = try await hub.client.raw(.POST, "/api/tasks", body: Self.envelope)
            #expect(again.status == 200, "the same message makes one task")
            #expect(try JSONValue.parse(again.text)["id"] == task["id"])
            let shown = try await hub.client.task(try #require(task["id"]?.stringValue))
            #expect(shown["submitter"] == "sheri-ml-02")
        }
    }

    @Test func aTaskInWordsBecomesAPrompt() async throws {
        try await TestHub.run { hub in
            let task = try await hub.client.submit(["task": "deploy auth system", "priority": "high"])
            #expect(task["prompt"] == "deploy auth system")
            #expect(task["type"] == "code.generate")
            #expect(task["role"] == "general")
            #expect(task["priority"] == "high")
        }
    }

    @Test func aBadEnvelopeIsRefusedWithItsFieldAndChangesNothing() async throws {
        try await TestHub.run { hub in
            let answer = try await hub.client.raw(.POST, "/api/tasks", body: #"{"id":"m1","timestamp":"x","agent_id":"a","type":"testing.run","metadata":{"ttl":-5}}"#)
            #expect(answer.status == 400)
            let error = try JSONValue.parse(answer.text)["error"]
            #expect(error?["code"] == "invalid_field")
            #expect(error?["field"] == "metadata.ttl")
            #expect(try await hub.client.tasks()["tasks"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func aTTLOfOneSecondOnATaskNoAgentCanTakeEndsExpired() async throws {
        try await TestHub.run { hub in
            let events = hub.client.events(since: 0, types: ["task.expired"])
            let task = try await hub.client.submit(["type": "testing.run", "role": "nobody-has-this-role", "ttl_seconds": 1])
            let id = try #require(task["id"]?.stringValue)
            #expect(task["ttl_seconds"] == 1)
            let done = try await hub.client.task(id, wait: 10)
            #expect(done["state"] == "expired")
            #expect(done["reason"] == "not started within its TTL of 1s")
            let event = try await withDeadline(10, "task.expired streamed") {
                for try await event in events where event.json["task_id"]?.stringValue == id { return event.json }
                throw TestFailure("event stream ended")
            }
            #expect(event["data"]?["ttl_seconds"] == 1)
            let listed = try await hub.client.tasks(query: ["state": "expired"])
            #expect(listed["tasks"]?.arrayValue?.map { $0["id"] } == [.string(id)])
            #expect(try await hub.client.stats()["tasks"]?["by_state"]?["expired"] == 1)
        }
    }

    @Test func aTTLThatRunsOutWhileTheHubIsDownExpiresTheTaskAtStart() async throws {
        let data = TestHub.temporaryDirectory()
        let (id, deadline) = try await TestHub.run(dataDirectory: data) { hub in
            let task = try await hub.client.submit(["type": "testing.run", "role": "nobody-has-this-role", "ttl_seconds": 1])
            return (try #require(task["id"]?.stringValue), Date().addingTimeInterval(1.2))
        }
        // The TTL runs out while no hub is running.
        try await eventually("the TTL passed", within: 5) { Date() >= deadline }
        try await TestHub.run(dataDirectory: data) { hub in
            let task = try await hub.client.task(id, wait: 5)
            #expect(task["state"] == "expired")
        }
    }
}
