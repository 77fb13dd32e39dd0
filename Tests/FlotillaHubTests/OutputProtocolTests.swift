import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Testing

/// The `output` message on `/ws`: fire-and-forget (no ack, no event), heard only from the
/// live session holding the task's current attempt, repeats dropped by offset.
@Suite(.timeLimit(.minutes(1))) struct OutputProtocolTests {
    static func output(_ agent: TestAgent, task: String, attempt: Int, offset: Int, text: String?) async throws -> String {
        var payload: [String: JSONValue] = ["task_id": .string(task), "attempt": .int(Int64(attempt)), "offset": .int(Int64(offset))]
        if let text { payload["text"] = .string(text) }
        return try await agent.link.send(.output, agentID: agent.id, payload: .object(payload))
    }

    @Test func onlyTheHolderOfTheCurrentAttemptIsHeardAndNothingIsAcknowledgedOrLogged() async throws {
        try await TestHub.run { hub in
            let submitted = try await hub.client.submit(["type": "output.test", "payload": [:]])
            let id = try #require(submitted["id"]?.stringValue)
            try await TestAgent.run(hub, id: "holder") { holder in
                let (taskID, attempt, _) = try await holder.assignment()
                #expect(taskID == id)
                try await holder.report(.accept, taskID: taskID, attempt: attempt)
                let eventsBefore = try await hub.hub.engine.storedEvents(after: 0, limit: 1000).filter { $0.taskID == id }.count

                _ = try await Self.output(holder, task: id, attempt: attempt, offset: 0, text: "from the holder\n")
                try await eventually("the holder's output is kept") { try await hub.client.taskOutput(id)["text"] == "from the holder\n" }
                // A stale attempt is dropped without an answer; so is a repeat of what is in.
                _ = try await Self.output(holder, task: id, attempt: attempt + 1, offset: 0, text: "stale\n")
                _ = try await Self.output(holder, task: id, attempt: attempt, offset: 0, text: "from the holder\n")
                try await TestAgent.run(hub, id: "other") { other in
                    _ = try await Self.output(other, task: id, attempt: attempt, offset: 16, text: "not mine\n")
                    // A malformed one is answered (so a broken agent learns why it is unheard).
                    let bad = try await Self.output(other, task: id, attempt: attempt, offset: 0, text: nil)
                    let refusal = try await other.inbox.next([.error, .ack])
                    #expect(refusal.type == .error && refusal.payload["ref"]?.stringValue == bad)
                    #expect(refusal.payload["code"] == "missing_field" && refusal.payload["field"] == "payload.text")
                }
                _ = try await Self.output(holder, task: id, attempt: attempt, offset: 16, text: "second\n")
                // Output is never acknowledged: the first answer after it is the ready's.
                let ready = try await holder.link.send(.ready, agentID: holder.id)
                let answer = try await holder.inbox.next([.ack, .error])
                #expect(answer.type == .ack && answer.payload["ref"]?.stringValue == ready, "\(answer.text)")
                let shown = try await hub.client.taskOutput(id)
                #expect(shown["text"] == "from the holder\nsecond\n")
                #expect(shown["bytes"] == 23)
                #expect(shown["done"] == false)
                #expect(try await hub.hub.engine.storedEvents(after: 0, limit: 1000).filter { $0.taskID == id }.count == eventsBefore, "output made no event of the task")
                try await holder.complete(taskID, attempt: attempt)
                // After the attempt, its holder is not heard either.
                _ = try await Self.output(holder, task: id, attempt: attempt, offset: 23, text: "late\n")
                let after = try await holder.link.send(.ready, agentID: holder.id)
                while try await holder.inbox.next([.ack, .error]).payload["ref"]?.stringValue != after {}
            }
            try await eventually("the task is done") { try await hub.client.taskOutput(id)["done"] == true }
            #expect(try await hub.client.taskOutput(id)["text"] == "from the holder\nsecond\n")
        }
    }
}
