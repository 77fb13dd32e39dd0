import FlotillaClient
import FlotillaCore
import Testing

/// A `progress` report's `files` through a real hub over /ws: good paths join the task's file
/// set (shown by `GET /api/tasks/{id}`), a bad one refuses the whole report and changes nothing.
@Suite struct AnnouncedFilesLiveTests {
    @Test func badAnnouncedPathsAreRefusedWholeAndChangeNothing() async throws {
        try await TestHub.run { hub in
            _ = try await hub.client.submit(["id": "ann-1", "type": "code.generate", "repo": "/repos/app", "payload": ["files": ["docs"]]])
            try await TestAgent.run(hub, id: "announcer") { agent in
                let assignment = try await agent.assignment()
                let good = try await agent.report(.progress, taskID: assignment.taskID, attempt: assignment.attempt, extra: ["files": ["src/a.swift"]])
                #expect(good.type == .ack)
                for bad: JSONValue in [["src/b.swift", "../outside"], ["/etc/passwd"], "src/c.swift"] {
                    let refused = try await agent.report(.progress, taskID: assignment.taskID, attempt: assignment.attempt, extra: ["files": bad, "message": "should not land"])
                    #expect(refused.type == .error, "\(bad)")
                    #expect(refused.payload["code"] == "invalid_field", "\(refused.payload)")
                    #expect(refused.payload["field"]?.stringValue?.hasPrefix("payload.files") == true, "\(refused.payload)")
                }
                let task = try await hub.client.task(assignment.taskID)
                #expect(task["files"] == ["declared": ["docs"], "announced": ["src/a.swift"]])
                #expect(task["progress_message"] != "should not land")
            }
        }
    }
}
