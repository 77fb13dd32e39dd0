import FlotillaCore
import Foundation
import Testing

/// `flotilla submit --ttl` against a real hub: a task no agent can take ends `expired`, `--wait`
/// stops there (exit 1), and `tasks list --state expired` finds it.
@Suite struct SubmitTTLTests {
    @Test func aTaskSubmittedWithATTLThatNoAgentTakesEndsExpired() async throws {
        try await LiveHub.run { served, _ in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let submitted = try await runCLI(["submit"] + hub + ["--type", "database.backup", "--ttl", "1", "--wait", "--json"], within: 60)
            #expect(submitted.status == 1, "\(submitted.output)")
            #expect(submitted.output.contains(#""state":"expired""#), "\(submitted.output)")
            #expect(submitted.output.contains(#""ttl_seconds":1"#), "\(submitted.output)")
            let listed = try await runCLI(["tasks", "list"] + hub + ["--state", "expired", "--json"], within: 60)
            #expect(listed.status == 0, "\(listed.output)")
            let tasks = try JSONValue.parse(listed.output)["tasks"]?.arrayValue
            #expect(tasks?.count == 1)
            #expect(tasks?.first?["type"] == "database.backup")
        }
    }
}
